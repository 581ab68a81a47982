// The OData subset APIM accepts in `$filter` (SDK JSDoc per list operation): comparisons `eq ne gt ge lt le`,
// `contains`, `startswith`, `endswith`, `substringof`, `and`/`or`/`not`, parentheses, and `tags/any(t: t eq 'x')`.
import { badRequest } from './errors.ts';

type Value = string | number | boolean | null;
type Token = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string };
export type Filter = (read: (field: string) => unknown) => boolean;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalid(text, 'unterminated string');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      tokens.push({ t: 'str', v: s });
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw invalid(text, `unexpected '${c}'`);
      tokens.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_$][\w$/.]*/.exec(text.slice(i));
      if (!m) throw invalid(text, `unexpected '${c}'`);
      const word = m[0];
      const lower = word.toLowerCase();
      tokens.push({ t: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not'].includes(lower) ? 'op' : 'id', v: word });
      i += word.length;
    }
  }
  return tokens;
}

function invalid(text: string, why: string) {
  return badRequest(`Invalid filter clause specified: '${text}' (${why}).`, 'InvalidFilter');
}

interface ParseOptions {
  /** fields this list accepts in $filter (lower-case, without `properties/`) */
  fields: readonly string[];
}

export function parseFilter(text: string, options: ParseOptions): Filter {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const tok = tokens[pos++];
    if (!tok) throw invalid(text, 'unexpected end');
    return tok;
  };
  const expect = (v: string) => {
    const tok = next();
    if (tok.v !== v) throw invalid(text, `expected '${v}'`);
  };
  const field = (name: string): string => {
    const f = name.replace(/^properties\//i, '').toLowerCase();
    if (!options.fields.includes(f)) throw invalid(text, `field '${name}' is not supported`);
    return f;
  };
  const literal = (): Value => {
    const tok = next();
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'id' && /^(true|false|null)$/i.test(tok.v)) return tok.v.toLowerCase() === 'null' ? null : tok.v.toLowerCase() === 'true';
    throw invalid(text, `expected a value, got '${tok.v}'`);
  };

  const primary = (): Filter => {
    const tok = next();
    if (tok.t === 'punct' && tok.v === '(') {
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (tok.t === 'op' && tok.v.toLowerCase() === 'not') {
      const inner = primary();
      return (read) => !inner(read);
    }
    if (tok.t !== 'id') throw invalid(text, `unexpected '${tok.v}'`);
    const fn = tok.v.toLowerCase();
    if (['contains', 'startswith', 'endswith', 'substringof'].includes(fn) && peek()?.v === '(') {
      expect('(');
      let name: string;
      let needle: Value;
      if (fn === 'substringof') {
        needle = literal();
        expect(',');
        name = field(next().v);
      } else {
        name = field(next().v);
        expect(',');
        needle = literal();
      }
      expect(')');
      const n = String(needle).toLowerCase();
      return (read) => {
        const v = read(name);
        if (typeof v !== 'string') return false;
        const h = v.toLowerCase();
        return fn === 'startswith' ? h.startsWith(n) : fn === 'endswith' ? h.endsWith(n) : h.includes(n);
      };
    }
    const anyAll = /^(.*)\/(any|all)$/i.exec(tok.v);
    if (anyAll) {
      const name = field(anyAll[1]!);
      expect('(');
      const variable = next().v;
      expect(':');
      const lhs = next().v;
      if (lhs !== variable) throw invalid(text, `expected '${variable}'`);
      const op = next().v.toLowerCase();
      const value = literal();
      expect(')');
      const test = (x: unknown) => compare(x, op, value);
      return (read) => {
        const v = read(name);
        const arr = Array.isArray(v) ? v : [];
        return anyAll[2]!.toLowerCase() === 'any' ? arr.some(test) : arr.every(test);
      };
    }
    const name = field(tok.v);
    const opTok = next();
    if (opTok.t !== 'op') throw invalid(text, `expected an operator after '${tok.v}'`);
    const op = opTok.v.toLowerCase();
    const value = literal();
    return (read) => compare(read(name), op, value);
  };
  const andExpr = (): Filter => {
    let left = primary();
    while (peek()?.t === 'op' && peek()!.v.toLowerCase() === 'and') {
      next();
      const l = left;
      const r = primary();
      left = (read) => l(read) && r(read);
    }
    return left;
  };
  const orExpr = (): Filter => {
    let left = andExpr();
    while (peek()?.t === 'op' && peek()!.v.toLowerCase() === 'or') {
      next();
      const l = left;
      const r = andExpr();
      left = (read) => l(read) || r(read);
    }
    return left;
  };
  const result = orExpr();
  if (pos !== tokens.length) throw invalid(text, `unexpected '${tokens[pos]!.v}'`);
  return result;
}

function compare(actual: unknown, op: string, expected: Value): boolean {
  // APIM compares names and display names case-insensitively
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const e = typeof expected === 'string' ? expected.toLowerCase() : expected;
  switch (op) {
    case 'eq':
      return a === e || (a === undefined && e === null);
    case 'ne':
      return a !== e;
    case 'gt':
      return (a as number) > (e as number);
    case 'ge':
      return (a as number) >= (e as number);
    case 'lt':
      return (a as number) < (e as number);
    case 'le':
      return (a as number) <= (e as number);
    default:
      return false;
  }
}
