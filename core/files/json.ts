// A strict JSON parser that knows where things are: errors, duplicate keys and any JSON pointer map back to a
// line and column, so a finding points at the offending property rather than at the file. `JSON.parse` silently
// keeps the last of two duplicate keys and reports only a character offset; APIOps (System.Text.Json) rejects
// some inputs JSON.parse accepts and vice versa, so a reviewer is better served by a precise complaint.
import type { Json, JsonObject } from '../state.ts';

export interface JsonSyntaxError {
  message: string;
  offset: number;
}

export interface JsonDuplicateKey {
  key: string;
  /** JSON pointer of the object holding the key twice */
  pointer: string;
  /** offset of the second occurrence */
  offset: number;
}

export type JsonParseResult =
  | { ok: true; value: Json; duplicates: JsonDuplicateKey[] }
  | { ok: false; error: JsonSyntaxError };

export interface JsonParseOptions {
  /** nesting deeper than this is refused (a stack-safe bound on hostile input) */
  maxDepth?: number;
  /** called with every member key's and array item's pointer and offsets, for locating schema errors */
  onLocation?: (pointer: string, keyOffset: number, valueOffset: number) => void;
}

const DEFAULT_MAX_DEPTH = 256;

class Fail extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parseJson(text: string, options: JsonParseOptions = {}): JsonParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const onLocation = options.onLocation;
  const duplicates: JsonDuplicateKey[] = [];
  let i = 0;

  const describe = (at: number): string => {
    if (at >= text.length) return 'unexpected end of file';
    const ch = text[at] ?? '';
    const shown = /[\x20-\x7e]/.test(ch) ? `'${ch}'` : `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `unexpected character ${shown}`;
  };

  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
      else return;
    }
  };

  const parseString = (): string => {
    const start = i;
    i += 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) throw new Fail('unterminated string', start);
      if (c === 0x22) break;
      if (c < 0x20) throw new Fail('control character inside a string (escape it)', i);
      if (c === 0x5c) {
        escaped = true;
        i += 2;
        continue;
      }
      i += 1;
    }
    const end = i;
    i += 1;
    if (!escaped) return text.slice(start + 1, end);
    try {
      return JSON.parse(text.slice(start, end + 1)) as string;
    } catch {
      const bad = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(start, end + 1));
      throw new Fail('invalid escape sequence in a string', start + (bad?.index ?? 0));
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseNumber = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0] === '-' || m[0] === '') throw new Fail(describe(i), i);
    i += m[0].length;
    return Number(m[0]);
  };

  const literal = (word: string, value: Json): Json => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    throw new Fail(describe(i), i);
  };

  const parseValue = (pointer: string, depth: number): Json => {
    skipWs();
    const c = text.charCodeAt(i);
    if (c === 0x7b) return parseObject(pointer, depth + 1);
    if (c === 0x5b) return parseArray(pointer, depth + 1);
    if (c === 0x22) return parseString();
    if (c === 0x74) return literal('true', true);
    if (c === 0x66) return literal('false', false);
    if (c === 0x6e) return literal('null', null);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return parseNumber();
    throw new Fail(i >= text.length ? 'unexpected end of file (expected a value)' : `expected a value, found ${describe(i).replace('unexpected ', '')}`, i);
  };

  const parseObject = (pointer: string, depth: number): JsonObject => {
    if (depth > maxDepth) throw new Fail(`nested deeper than ${maxDepth} levels`, i);
    const open = i;
    i += 1;
    const result: JsonObject = {};
    const seen = new Set<string>();
    skipWs();
    if (text.charCodeAt(i) === 0x7d) {
      i += 1;
      return result;
    }
    for (;;) {
      skipWs();
      if (text.charCodeAt(i) !== 0x22) {
        throw new Fail(text.charCodeAt(i) === 0x7d ? 'trailing comma before }' : `expected a property name in double quotes, found ${describe(i).replace('unexpected ', '')}`, i);
      }
      const keyOffset = i;
      const key = parseString();
      skipWs();
      if (text.charCodeAt(i) !== 0x3a) throw new Fail(`expected ':' after property name, found ${describe(i).replace('unexpected ', '')}`, i);
      i += 1;
      skipWs();
      const childPointer = `${pointer}/${pointerToken(key)}`;
      onLocation?.(childPointer, keyOffset, i);
      const value = parseValue(childPointer, depth);
      if (seen.has(key)) duplicates.push({ key, pointer, offset: keyOffset });
      seen.add(key);
      // `__proto__` must become an own property, as JSON.parse makes it, not the object's prototype
      if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      else result[key] = value;
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        i += 1;
        continue;
      }
      if (c === 0x7d) {
        i += 1;
        return result;
      }
      if (Number.isNaN(c)) throw new Fail(`unterminated object (the '{' opened here is never closed)`, open);
      throw new Fail(`expected ',' or '}' after a property value, found ${describe(i).replace('unexpected ', '')}`, i);
    }
  };

  const parseArray = (pointer: string, depth: number): Json[] => {
    if (depth > maxDepth) throw new Fail(`nested deeper than ${maxDepth} levels`, i);
    const open = i;
    i += 1;
    const result: Json[] = [];
    skipWs();
    if (text.charCodeAt(i) === 0x5d) {
      i += 1;
      return result;
    }
    for (;;) {
      skipWs();
      if (text.charCodeAt(i) === 0x5d) throw new Fail('trailing comma before ]', i);
      const childPointer = `${pointer}/${result.length}`;
      onLocation?.(childPointer, i, i);
      result.push(parseValue(childPointer, depth));
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        i += 1;
        continue;
      }
      if (c === 0x5d) {
        i += 1;
        return result;
      }
      if (Number.isNaN(c)) throw new Fail(`unterminated array (the '[' opened here is never closed)`, open);
      throw new Fail(`expected ',' or ']' after an array item, found ${describe(i).replace('unexpected ', '')}`, i);
    }
  };

  try {
    skipWs();
    if (i >= text.length) return { ok: false, error: { message: 'the file is empty (expected a JSON value)', offset: 0 } };
    const value = parseValue('', 0);
    skipWs();
    if (i < text.length) throw new Fail(`${describe(i)} after the end of the JSON value`, i);
    return { ok: true, value, duplicates };
  } catch (error) {
    if (error instanceof Fail) return { ok: false, error: { message: error.message, offset: error.offset } };
    throw error;
  }
}

/**
 * Offset of the member (its key) or array item a JSON pointer names, or of the nearest ancestor that exists.
 * Used only when a finding needs a position, so the common path parses without recording locations.
 */
export function locatePointer(text: string, pointer: string): number {
  if (pointer === '') return Math.max(0, text.search(/\S/));
  const offsets = new Map<string, number>();
  const result = parseJson(text, { onLocation: (p, keyOffset) => offsets.set(p, keyOffset) });
  if (!result.ok) return 0;
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = offsets.get(p);
    if (at !== undefined) return at;
  }
  return Math.max(0, text.search(/\S/));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const v = sortKeys(value[key] as Json);
      if (key === '__proto__') Object.defineProperty(sorted, key, { value: v, enumerable: true, writable: true, configurable: true });
      else sorted[key] = v;
    }
    return sorted;
  }
  return value;
}

/** The form of every JSON file apiops creates: keys sorted, 2-space indentation, LF, one final newline. */
export function canonicalJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Structural equality of JSON values: member order does not matter, array order does. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}
