// Secrets never reach Git. The kinds table lists the properties that can hold a secret. Where the table names a
// secret flag (a named value's `secret`), the properties are secret only when the flag is true — plain named
// values are configuration; otherwise a present value is a committed secret unless it only references
// `{{named values}}`, the form APIM itself gives logger credentials (`{{Logger-Credentials--…}}`).
import type { Kind } from '../kinds.ts';
import { kindSpec } from '../kinds.ts';
import type { Json, JsonObject } from '../state.ts';

const TOKEN_ONLY = /^\s*\{\{[^{}]+\}\}\s*$/;

/** True when every string inside is a `{{named value}}` reference (nothing literal is committed). */
function onlyReferences(value: Json | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return TOKEN_ONLY.test(value);
  if (typeof value !== 'object') return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.every((item) => onlyReferences(item));
}

function getPath(properties: JsonObject, path: string): Json | undefined {
  let current: Json | undefined = properties;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[part];
  }
  return current;
}

/**
 * Dotted paths (inside `properties`) of secret values committed as literals. A named value's secret value always
 * counts, even when it is a reference: APIM stores it encrypted and never returns it.
 */
export function secretLiterals(kind: Kind, properties: JsonObject): string[] {
  const { secret, secretFlag } = kindSpec(kind).props;
  if (secret.length === 0) return [];
  if (secretFlag !== undefined && properties[secretFlag] !== true) return [];
  return secret.filter((path) => {
    const value = getPath(properties, path);
    if (value === undefined || value === null) return false;
    return secretFlag !== undefined || !onlyReferences(value);
  });
}

/** A copy of `properties` without committed secret literals (what the writer puts in Git). */
export function withoutSecrets(kind: Kind, properties: JsonObject): JsonObject {
  const paths = secretLiterals(kind, properties);
  if (paths.length === 0) return properties;
  const copy = structuredClone(properties);
  for (const path of paths) {
    const parts = path.split('.');
    const last = parts.pop() as string;
    let holder: Json | undefined = copy;
    for (const part of parts) holder = holder !== null && typeof holder === 'object' && !Array.isArray(holder) ? holder[part] : undefined;
    if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) delete holder[last];
  }
  return copy;
}
