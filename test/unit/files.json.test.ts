import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual, locatePointer, parseJson } from '../../core/files/json.ts';
import { lineColumn, normalizeDocument, decodeText } from '../../core/files/text.ts';

describe('parseJson', () => {
  it.each([
    ['{"a": [1, 2.5, -3e2, true, false, null, "x\\u0041\\n"]}', { a: [1, 2.5, -300, true, false, null, 'xA\n'] }],
    ['  "text"  ', 'text'],
    ['[]', []],
    ['{}', {}],
  ])('parses %s like JSON.parse', (text, expected) => {
    const result = parseJson(text);
    expect(result.ok && result.value).toEqual(expected);
    expect(result.ok && result.value).toEqual(JSON.parse(text));
  });

  it.each([
    ['', 'the file is empty', 1, 1],
    ['{\n  "a": [url]\n}', "expected a value, found character 'u'", 2, 9],
    ['{"a": 1,}', 'trailing comma before }', 1, 9],
    ['[1, 2,]', 'trailing comma before ]', 1, 7],
    ['{"a": 1', "unterminated object (the '{' opened here is never closed)", 1, 1],
    ['{"a": "x\ty"}', 'control character inside a string', 1, 9],
    ['{"a": "\\q"}', 'invalid escape sequence in a string', 1, 8],
    ['{"a": 1} x', "unexpected character 'x' after the end of the JSON value", 1, 10],
    ["{'a': 1}", 'expected a property name in double quotes', 1, 2],
  ])('reports %j as "%s" at line %i, column %i', (text, message, line, column) => {
    const result = parseJson(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect(lineColumn(text, result.error.offset)).toEqual({ line, column });
  });

  it('reports duplicate keys with the position of the second one, keeping the last value as JSON.parse does', () => {
    const text = '{\n  "properties": {\n    "path": "a",\n    "path": "b"\n  }\n}';
    const result = parseJson(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({ properties: { path: 'b' } });
    expect(result.duplicates).toEqual([{ key: 'path', pointer: '/properties', offset: text.lastIndexOf('"path"') }]);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = parseJson(deep);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('nested deeper than 256 levels');
  });

  it('parses a large document', () => {
    const big = JSON.stringify({ items: Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `item-${i}` })) });
    const result = parseJson(big);
    expect(result.ok && (result.value as { items: unknown[] }).items.length).toBe(50_000);
  });

  it('keeps __proto__ as an own property, never as the prototype', () => {
    const result = parseJson('{"__proto__": {"polluted": true}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.prototype.hasOwnProperty.call(result.value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('locatePointer', () => {
  const text = '{\n  "properties": {\n    "protocols": [\n      "htp"\n    ]\n  }\n}\n';
  it.each([
    ['/properties/protocols/0', 4, 7],
    ['/properties/protocols', 3, 5],
    ['/properties/missing', 2, 3],
    ['', 1, 1],
  ])('finds %s at line %i, column %i (or its nearest existing ancestor)', (pointer, line, column) => {
    expect(lineColumn(text, locatePointer(text, pointer))).toEqual({ line, column });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, indents with two spaces and ends with one newline', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it('compares JSON by meaning: member order does not matter, array order does', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
  });
});

describe('text decoding', () => {
  it('accepts a UTF-8 byte order mark and CRLF, and says so', () => {
    const decoded = decodeText(Buffer.from('\uFEFF{\r\n}\r\n', 'utf8'));
    expect(decoded).toEqual({ text: '{\r\n}\r\n', bom: true, crlf: true });
  });

  it.each([
    ['binary content', Buffer.from([0x7b, 0x00, 0x7d]), 'binary'],
    ['UTF-16', Buffer.from('\uFEFF{}', 'utf16le'), 'UTF-16'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'not valid UTF-8'],
  ])('tells %s apart from text', (_name, bytes, reason) => {
    expect(decodeText(bytes).notText).toContain(reason);
  });

  it('normalizes documents to LF with exactly one final newline', () => {
    expect(normalizeDocument('\uFEFF<a>\r\n</a>')).toBe('<a>\n</a>\n');
    expect(normalizeDocument('<a/>\n\n\n')).toBe('<a/>\n');
    expect(normalizeDocument('')).toBe('');
  });
});
