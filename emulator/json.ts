// Small JSON helpers shared by the emulator's handlers.
import type { Json, JsonObject } from '../core/state.ts';

export { deletePath, getPath, setPath } from '../core/json-path.ts';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
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
