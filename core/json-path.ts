// Dotted paths into JSON objects (`credentials.instrumentationKey`): how the kinds table names properties.
import type { Json, JsonObject } from './state.ts';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
