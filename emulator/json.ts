// Small JSON helpers shared by the emulator's handlers.
import type { Json, JsonObject } from '../core/state.ts';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Value at a dotted path inside an object. */
export function getPath(obj: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setPath(obj: JsonObject, path: string, value: Json): void {
  const parts = path.split('.');
  let cur: JsonObject = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isObject(next)) cur[part] = {};
    cur = cur[part] as JsonObject;
  }
  cur[parts[parts.length - 1]!] = value;
}

export function deletePath(obj: JsonObject, path: string): void {
  const parts = path.split('.');
  let cur: Json | undefined = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(cur)) return;
    cur = cur[part];
  }
  if (isObject(cur)) delete cur[parts[parts.length - 1]!];
}

/** ARM PATCH merges objects member by member; arrays and scalars replace. */
export function mergePatch(base: JsonObject, patch: JsonObject): JsonObject {
  const out = clone(base);
  for (const [k, v] of Object.entries(patch)) {
    const existing = out[k];
    out[k] = isObject(v) && isObject(existing) ? mergePatch(existing, v) : clone(v);
  }
  return out;
}

/** All string values of a JSON tree (to look for `{{named value}}` tokens). */
export function strings(value: Json | undefined, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) strings(v, out);
  return out;
}
