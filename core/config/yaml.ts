// YAML documents that remember where things are, so a configuration finding points at the offending key.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';

export interface YamlProblem {
  message: string;
  line: number;
  column: number;
}

export interface YamlDocument {
  /** the plain value (undefined when the text does not parse) */
  value: unknown;
  errors: YamlProblem[];
  warnings: YamlProblem[];
  /** line and column of the value at `path` (for a missing member: of the nearest ancestor that exists) */
  locate(path: readonly (string | number)[]): { line: number; column: number };
}

/** Pointer tokens (`/apis/0/name`) → a YAML path. */
export function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((t) => (/^\d+$/.test(t) ? Number(t) : t));
}

/** The message of a yaml error without the quoted source context the library appends (it may show secrets). */
function plainMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

export function parseYamlDocument(text: string): YamlDocument {
  const lineCounter = new LineCounter();
  const position = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems = (list: readonly { message: string; pos: [number, number] }[]): YamlProblem[] =>
    list.map((e) => ({ message: plainMessage(e.message), ...position(e.pos[0]) }));
  const errors = problems(doc.errors);
  let value: unknown;
  if (errors.length === 0) {
    try {
      // alias expansion is bounded by the library (maxAliasCount) so a "billion laughs" document fails here
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      errors.push({ message: error instanceof Error ? plainMessage(error.message) : 'cannot be read', line: 1, column: 1 });
    }
  }
  const locate = (path: readonly (string | number)[]): { line: number; column: number } => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let at = node?.range?.[0] ?? 0;
    for (const token of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(token));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        at = keyNode?.range?.[0] ?? at;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof token === 'number') {
        const item = node.items[token] as Node | null | undefined;
        if (!item) break;
        at = item.range?.[0] ?? at;
        node = item;
      } else break;
    }
    return position(at);
  };
  return { value, errors, warnings: problems(doc.warnings), locate };
}
