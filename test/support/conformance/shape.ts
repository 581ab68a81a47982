// Shape comparison for replayed examples: official example values are illustrative (ids, dates, names do not
// even agree with their own requests), so only the JSON structure of the expected body is compared.

type JsonKind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined' | 'other';

function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'undefined':
      return 'undefined';
    default:
      return 'other';
  }
}

function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Compares the JSON shape of `actual` with `expected` and returns one message per difference:
 * - every property present in `expected` must be present in `actual` with the same JSON type;
 * - extra properties in `actual` are fine and values are never compared;
 * - arrays are compared by their first elements (a non-empty expected array needs a non-empty actual one);
 * - `null` (or `undefined`) in `expected` matches anything, including an absent property.
 */
export function compareShape(expected: unknown, actual: unknown, path = '$'): string[] {
  const want = kindOf(expected);
  if (want === 'null' || want === 'undefined') return [];
  const got = kindOf(actual);
  if (want !== got) return [`${path}: expected ${want}, got ${got}`];
  if (want === 'array') {
    const e = expected as readonly unknown[];
    const a = actual as readonly unknown[];
    if (e.length === 0) return [];
    if (a.length === 0) return [`${path}: expected a non-empty array`];
    return compareShape(e[0], a[0], `${path}[0]`);
  }
  if (want !== 'object') return [];
  const e = expected as Readonly<Record<string, unknown>>;
  const a = actual as Readonly<Record<string, unknown>>;
  const out: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    const where = child(path, key);
    if (!Object.prototype.hasOwnProperty.call(a, key)) {
      if (value !== null && value !== undefined) out.push(`${where}: missing (expected ${kindOf(value)})`);
      continue;
    }
    out.push(...compareShape(value, a[key], where));
  }
  return out;
}
