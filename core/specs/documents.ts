// Reading JSON and YAML documents into plain values with APIM-style located errors.
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { parseDocument } from 'yaml';
import { SpecImportError, locatedMessage } from './errors.ts';

// Real specifications nest a few dozen levels at most; anything deeper is hostile or broken, and refusing it
// up front keeps every later recursive walk safe from stack exhaustion.
const MAX_DEPTH = 128;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function assertShallow(value: unknown): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number };
    if (item.depth > MAX_DEPTH) throw new SpecImportError(`The document is nested more than ${MAX_DEPTH} levels deep.`);
    if (typeof item.value === 'object' && item.value !== null) {
      for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
    }
  }
}

export function parseJsonDocument(text: string): unknown {
  if (text.trim() === '') throw new SpecImportError('The document is empty.');
  try {
    const value: unknown = JSON.parse(text);
    assertShallow(value);
    return value;
  } catch (error) {
    if (error instanceof SpecImportError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(reason);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(reason) ? text.length : 0;
    throw new SpecImportError(locatedMessage(text, offset, offset + 1, reason));
  }
}

// An anchor (`&name` after a space, a bracket or a comma): the document may use aliases, which only the careful
// parser expands with a limit (a few nested aliases can stand for billions of nodes).
const ANCHOR = /(?:^|[\s[{,])&[^\s,[\]{}]/m;

export function parseYamlDocument(text: string): unknown {
  if (text.trim() === '') throw new SpecImportError('The document is empty.');
  // The fast parser (js-yaml, YAML 1.2 core schema, duplicate keys refused) reads a specification about ten times
  // faster; anything it refuses, and any document with anchors, goes to the careful one, whose errors carry the
  // positions users are shown.
  if (!ANCHOR.test(text)) {
    try {
      const value = loadYaml(text, { schema: CORE_SCHEMA });
      // a document of comments alone: the careful parser's null is what the importer expects
      if (value !== undefined) {
        assertShallow(value);
        return value;
      }
    } catch {
      // fall through: the careful parser says what is wrong, and where
    }
  }
  return parseYamlCarefully(text);
}

function parseYamlCarefully(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  if (document.errors.length > 0) {
    // The first error is the real one; the rest are the parser losing its footing after it.
    const first = document.errors[0] as (typeof document.errors)[number];
    throw new SpecImportError(locatedMessage(text, first.pos[0], first.pos[1], first.message));
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  assertShallow(value);
  return value;
}
