// APIM policy documents: validation, references, the format=xml / format=rawxml conversion and a canonical form
// for semantic diffs. One expression-aware XML reader serves all of them, because APIM's `rawxml` format is not
// XML: C# policy expressions (`@(...)`, `@{...}`) may contain `<`, `>`, `&` and even the attribute's own quote
// character unescaped, so an ordinary XML parser rejects documents that APIM accepts.

export interface PolicyReferences {
  namedValues: string[];
  fragments: string[];
  backends: string[];
  loggers: string[];
}

export type PolicyCheck = { ok: true } | { ok: false; line: number; column: number; message: string };

// ---------------------------------------------------------------------------------------------------------------
// Named values

// APIM named-value display names match ^[A-Za-z0-9-._]+$ (apimnamedvalues.json), and the `{{name}}` token is
// replaced textually anywhere in a policy (including inside expressions), so a plain scan is the right model.
const NAMED_VALUE_TOKEN = /\{\{([A-Za-z0-9._-]+)\}\}/g;

/** `{{name}}` tokens in any text (information files, policies), unique, in first-seen order. */
export function namedValueTokens(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(NAMED_VALUE_TOKEN)) seen.add(match[1] as string);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------------------------
// C# expression scanning

// Recursion only happens through interpolation holes (`$"{...}"`); a cap keeps hostile input from blowing the stack.
const MAX_EXPRESSION_NESTING = 64;

/** The double-quote token at `i`: the character itself, or `&quot;` as APIM writes it in format=xml. */
function quoteTokenAt(s: string, i: number): string | undefined {
  if (s[i] === '"') return '"';
  if (s.startsWith('&quot;', i)) return '&quot;';
  return undefined;
}

/**
 * If a C# literal or comment starts at `i`, the index just after it (-1 when it never ends); otherwise undefined.
 * Strings matter because a `)` or `}` inside one must not close the expression. In format=xml the quotes arrive
 * as `&quot;`, so a string opened by `&quot;` is closed by `&quot;` and one opened by `"` by `"`.
 */
function skipLiteral(s: string, i: number, nesting: number): number | undefined {
  const c = s[i];
  if (c === '/' && s[i + 1] === '/') {
    const end = s.indexOf('\n', i);
    return end < 0 ? s.length : end;
  }
  if (c === '/' && s[i + 1] === '*') {
    const end = s.indexOf('*/', i + 2);
    return end < 0 ? -1 : end + 2;
  }
  let j = i;
  let interpolated = false;
  let verbatim = false;
  while (s[j] === '$' || s[j] === '@') {
    if (s[j] === '$') interpolated = true;
    else verbatim = true;
    j++;
    if (j - i > 2) return undefined;
  }
  const quote = quoteTokenAt(s, j);
  if (quote !== undefined) {
    return skipString(s, j + quote.length, { quote, interpolated, verbatim, nesting });
  }
  if (j !== i) return undefined;
  if (c === "'") return skipCharLiteral(s, i);
  return undefined;
}

function skipString(
  s: string,
  j: number,
  o: { quote: string; interpolated: boolean; verbatim: boolean; nesting: number },
): number {
  while (j < s.length) {
    if (o.verbatim && s.startsWith(o.quote + o.quote, j)) {
      j += o.quote.length * 2;
      continue;
    }
    if (s.startsWith(o.quote, j)) return j + o.quote.length;
    const c = s[j];
    if (!o.verbatim && c === '\\') {
      j += 1 + (quoteTokenAt(s, j + 1)?.length ?? 1);
      continue;
    }
    // A regular C# string cannot span lines; ending it here keeps one stray quote from swallowing the document.
    if (!o.verbatim && c === '\n') return j;
    if (o.interpolated && c === '{') {
      if (s[j + 1] === '{') {
        j += 2;
        continue;
      }
      if (o.nesting >= MAX_EXPRESSION_NESTING) return -1;
      const end = skipCode(s, j + 1, '{', '}', o.nesting + 1);
      if (end < 0) return -1;
      j = end;
      continue;
    }
    j++;
  }
  return -1;
}

/** `'x'`, `'\''`, `'\u0041'`, `'&lt;'`; anything else is not treated as a literal (an apostrophe in prose). */
function skipCharLiteral(s: string, i: number): number | undefined {
  if (s[i + 1] === '\\' || s[i + 1] === '&') {
    const end = s.indexOf("'", i + 3);
    return end > 0 && end - i <= 12 && !s.slice(i, end).includes('\n') ? end + 1 : undefined;
  }
  if (s[i + 2] === "'" && s[i + 1] !== '\n') return i + 3;
  return undefined;
}

/** From just after the opening bracket, the index after its matching close (-1 when unbalanced). */
function skipCode(s: string, i: number, open: string, close: string, nesting: number): number {
  let depth = 1;
  while (i < s.length) {
    const literalEnd = skipLiteral(s, i, nesting);
    if (literalEnd !== undefined) {
      if (literalEnd < 0) return -1;
      i = literalEnd;
      continue;
    }
    const c = s[i];
    if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

/** If a policy expression starts at `i`, the index just after it (-1 when unterminated); otherwise undefined. */
function expressionEnd(s: string, i: number): number | undefined {
  if (s[i] !== '@') return undefined;
  if (s[i + 1] === '(') return skipCode(s, i + 2, '(', ')', 0);
  if (s[i + 1] === '{') return skipCode(s, i + 2, '{', '}', 0);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Expression-aware XML reader

interface Attr {
  name: string;
  /** Decoded value (entities resolved, inside expressions too). */
  value: string;
}
interface ElementNode {
  kind: 'element';
  name: string;
  /** Offset of the name, for error positions. */
  nameAt: number;
  attrs: Attr[];
  children: XmlNode[];
}
interface TextNode {
  kind: 'text';
  value: string;
}
interface CommentNode {
  kind: 'comment';
  value: string;
}
interface PiNode {
  kind: 'pi';
  target: string;
  data: string;
}
type XmlNode = ElementNode | TextNode | CommentNode | PiNode;

/** Where an expression sits in the original text; `quote` is the attribute delimiter, undefined in element text. */
interface ExpressionSpan {
  start: number;
  end: number;
  quote: string | undefined;
}

interface ParsedPolicy {
  /** Top-level nodes (comments, processing instructions, the root); the XML declaration is not kept. */
  nodes: XmlNode[];
  root: ElementNode;
  expressions: ExpressionSpan[];
}

class PolicySyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

// XML 1.0 NameStartChar / NameChar, as code point ranges.
const NAME_START_RANGES: [number, number][] = [
  [0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x2ff],
  [0x370, 0x37d], [0x37f, 0x1fff], [0x200c, 0x200d], [0x2070, 0x218f], [0x2c00, 0x2fef], [0x3001, 0xd7ff],
  [0xf900, 0xfdcf], [0xfdf0, 0xfffd],
];
const NAME_EXTRA_RANGES: [number, number][] = [[0x2d, 0x2e], [0x30, 0x39], [0xb7, 0xb7], [0x300, 0x36f], [0x203f, 0x2040]];

function inRanges(code: number, ranges: [number, number][]): boolean {
  return ranges.some(([from, to]) => code >= from && code <= to);
}

const WHITESPACE = /[ \t\r\n]/;
const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY_REF = /&(?:([A-Za-z_][\w.-]*)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The entity reference at `i`: its length and replacement, or an error message. */
function entityAt(s: string, i: number): { length: number; text: string } | { error: string } {
  ENTITY_REF.lastIndex = i;
  const m = ENTITY_REF.exec(s);
  if (!m) return { error: 'An error occurred while parsing EntityName.' };
  const [whole, name, dec, hex] = m;
  if (name !== undefined) {
    const text = PREDEFINED_ENTITIES[name];
    return text === undefined ? { error: `Reference to undeclared entity '${name}'.` } : { length: whole.length, text };
  }
  const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex as string, 16);
  if (!isXmlChar(code)) return { error: `Invalid character reference '${whole}'.` };
  return { length: whole.length, text: String.fromCodePoint(code) };
}

/** Resolves the entity references that are well formed and leaves everything else (a bare `&&` in C#) alone. */
function decodeLenient(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) break;
    out += s.slice(i, amp);
    const entity = entityAt(s, amp);
    if ('error' in entity) {
      out += '&';
      i = amp + 1;
    } else {
      out += entity.text;
      i = amp + entity.length;
    }
  }
  return out + s.slice(i);
}

class PolicyReader {
  private i = 0;
  private readonly expressions: ExpressionSpan[] = [];

  constructor(private readonly s: string) {}

  read(): ParsedPolicy {
    const s = this.s;
    this.rejectInvalidCharacters();
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    const nodes: XmlNode[] = [];
    const stack: ElementNode[] = [];
    let root: ElementNode | undefined;
    const append = (node: XmlNode): void => {
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else nodes.push(node);
    };
    if (/^<\?xml[ \t\r\n?]/.test(s.slice(this.i, this.i + 6))) this.readPi();
    while (this.i < s.length) {
      const at = this.i;
      if (s[at] !== '<') {
        const text = this.readText();
        if (stack.length > 0) append({ kind: 'text', value: text });
        else {
          const offset = s.slice(at, this.i).search(/[^ \t\r\n]/);
          if (offset >= 0) throw new PolicySyntaxError(at + offset, 'Data at the root level is invalid.');
        }
      } else if (s.startsWith('<!--', at)) {
        append({ kind: 'comment', value: this.readComment() });
      } else if (s.startsWith('<![CDATA[', at)) {
        if (stack.length === 0) throw new PolicySyntaxError(at, 'CDATA is not allowed at the root level.');
        const end = s.indexOf(']]>', at + 9);
        if (end < 0) throw new PolicySyntaxError(s.length, 'Unexpected end of file while parsing CDATA has occurred.');
        append({ kind: 'text', value: s.slice(at + 9, end) });
        this.i = end + 3;
      } else if (s.startsWith('<!', at)) {
        // APIM reads policies with DTD processing prohibited; a DOCTYPE is never valid in a policy.
        throw new PolicySyntaxError(at, 'DTD is prohibited in policy documents.');
      } else if (s.startsWith('<?', at)) {
        const pi = this.readPi();
        if (pi.target.toLowerCase() === 'xml') {
          throw new PolicySyntaxError(at + 2, 'Unexpected XML declaration. The XML declaration must be the first node in the document.');
        }
        append(pi);
      } else if (s.startsWith('</', at)) {
        const nameAt = at + 2;
        this.i = nameAt;
        const name = this.readName();
        this.skipWhitespace();
        if (s[this.i] !== '>') throw this.unexpected(`Expecting '>' to close the end tag of '${name}'.`);
        this.i++;
        const open = stack.pop();
        if (!open) throw new PolicySyntaxError(nameAt, `Unexpected end tag '${name}'.`);
        if (open.name !== name) {
          const { line, column } = lineColumn(s, open.nameAt);
          throw new PolicySyntaxError(
            nameAt,
            `The '${open.name}' start tag on line ${line} position ${column} does not match the end tag of '${name}'.`,
          );
        }
      } else {
        if (stack.length === 0 && root) throw new PolicySyntaxError(at + 1, 'There are multiple root elements.');
        const { element, selfClosing } = this.readStartTag();
        append(element);
        if (stack.length === 0) root = element;
        if (!selfClosing) stack.push(element);
      }
    }
    if (stack.length > 0) {
      throw new PolicySyntaxError(
        s.length,
        `Unexpected end of file has occurred. The following elements are not closed: ${stack
          .map((e) => e.name)
          .reverse()
          .join(', ')}.`,
      );
    }
    if (!root) throw new PolicySyntaxError(s.length, 'Root element is missing.');
    return { nodes, root, expressions: this.expressions };
  }

  /** Control characters cannot appear in XML at all, not even inside an expression or a comment. */
  private rejectInvalidCharacters(): void {
    const s = this.s;
    for (let i = 0; i < s.length; i++) {
      const code = s.codePointAt(i) as number;
      if (code > 0xffff) {
        i++;
        continue;
      }
      if (!isXmlChar(code)) {
        const hex = code.toString(16).toUpperCase().padStart(2, '0');
        throw new PolicySyntaxError(i, `'\\u${hex.padStart(4, '0')}', hexadecimal value 0x${hex}, is an invalid character.`);
      }
    }
  }

  private unexpected(expecting: string): PolicySyntaxError {
    const c = this.s[this.i];
    if (c === undefined) return new PolicySyntaxError(this.i, `Unexpected end of file. ${expecting}`);
    return new PolicySyntaxError(this.i, `'${c}' is an unexpected token. ${expecting}`);
  }

  private skipWhitespace(): boolean {
    const start = this.i;
    while (this.i < this.s.length && WHITESPACE.test(this.s[this.i] as string)) this.i++;
    return this.i > start;
  }

  private readName(): string {
    const s = this.s;
    const start = this.i;
    const first = s[start];
    if (first === undefined || !inRanges(first.charCodeAt(0), NAME_START_RANGES)) {
      throw new PolicySyntaxError(
        start,
        first === undefined ? 'Unexpected end of file while parsing Name has occurred.' : `Name cannot begin with the '${first}' character.`,
      );
    }
    this.i++;
    while (this.i < s.length) {
      const code = s.charCodeAt(this.i);
      if (!inRanges(code, NAME_START_RANGES) && !inRanges(code, NAME_EXTRA_RANGES)) break;
      this.i++;
    }
    return s.slice(start, this.i);
  }

  private readComment(): string {
    const s = this.s;
    const start = this.i + 4;
    const dashes = s.indexOf('--', start);
    if (dashes < 0) throw new PolicySyntaxError(s.length, 'Unexpected end of file while parsing Comment has occurred.');
    if (s[dashes + 2] !== '>') {
      throw new PolicySyntaxError(dashes, "An XML comment cannot contain '--', and '-' cannot be the last character.");
    }
    this.i = dashes + 3;
    return s.slice(start, dashes);
  }

  private readPi(): PiNode {
    const s = this.s;
    this.i += 2;
    const target = this.readName();
    const end = s.indexOf('?>', this.i);
    if (end < 0) throw new PolicySyntaxError(s.length, 'Unexpected end of file while parsing a processing instruction.');
    const data = s.slice(this.i, end).replace(/^[ \t\r\n]+/, '');
    this.i = end + 2;
    return { kind: 'pi', target, data };
  }

  /**
   * Scans character data up to `stop` (the next `<` in text, the closing quote in an attribute), stepping over
   * whole policy expressions, and returns it decoded. Outside expressions XML rules apply; inside them APIM's
   * rawxml rules do, so `<`, `&` and quotes there are content.
   */
  private readCharacterData(stop: string, quote: string | undefined): string {
    const s = this.s;
    let out = '';
    let chunk = this.i;
    const flush = (to: number): void => {
      out += s.slice(chunk, to);
    };
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (c === stop) break;
      if (c === '@') {
        const end = expressionEnd(s, this.i);
        if (end !== undefined) {
          if (end < 0) throw new PolicySyntaxError(this.i, 'The policy expression is not terminated: unbalanced brackets or an unclosed string.');
          flush(this.i);
          out += decodeLenient(s.slice(this.i, end));
          this.expressions.push({ start: this.i, end, quote });
          this.i = end;
          chunk = end;
          continue;
        }
      }
      if (c === '&') {
        const entity = entityAt(s, this.i);
        if ('error' in entity) throw new PolicySyntaxError(this.i, entity.error);
        flush(this.i);
        out += entity.text;
        this.i += entity.length;
        chunk = this.i;
        continue;
      }
      if (quote !== undefined && c === '<') {
        throw new PolicySyntaxError(this.i, "'<', hexadecimal value 0x3C, is an invalid attribute character.");
      }
      if (quote === undefined && c === ']' && s.startsWith(']]>', this.i)) {
        throw new PolicySyntaxError(this.i, "']]>' is not allowed in character data.");
      }
      this.i++;
    }
    flush(this.i);
    return out;
  }

  private readText(): string {
    return this.readCharacterData('<', undefined);
  }

  private readStartTag(): { element: ElementNode; selfClosing: boolean } {
    const s = this.s;
    this.i++;
    const nameAt = this.i;
    const name = this.readName();
    const element: ElementNode = { kind: 'element', name, nameAt, attrs: [], children: [] };
    for (;;) {
      const spaced = this.skipWhitespace();
      if (s.startsWith('/>', this.i)) {
        this.i += 2;
        return { element, selfClosing: true };
      }
      if (s[this.i] === '>') {
        this.i++;
        return { element, selfClosing: false };
      }
      if (this.i >= s.length) throw new PolicySyntaxError(s.length, `Unexpected end of file while parsing the start tag of '${name}'.`);
      if (!spaced) throw this.unexpected('Expecting white space.');
      const attrAt = this.i;
      const attrName = this.readName();
      this.skipWhitespace();
      if (s[this.i] !== '=') throw this.unexpected("Expecting '='.");
      this.i++;
      this.skipWhitespace();
      const quote = s[this.i];
      if (quote !== '"' && quote !== "'") throw this.unexpected('Expecting \'"\' or "\'".');
      this.i++;
      const value = this.readCharacterData(quote, quote);
      if (this.i >= s.length) throw new PolicySyntaxError(s.length, `Unexpected end of file while parsing the value of attribute '${attrName}'.`);
      this.i++;
      if (element.attrs.some((a) => a.name === attrName)) {
        throw new PolicySyntaxError(attrAt, `'${attrName}' is a duplicate attribute name.`);
      }
      element.attrs.push({ name: attrName, value });
    }
  }
}

function lineColumn(s: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < s.length; i++) {
    const c = s[i];
    if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

// Validation checks a document and then collects its references, the diff canonicalises it: one parse serves
// them all while it is recent. The parsed tree is never modified by the readers below.
const RECENT = new Map<string, ParsedPolicy | PolicySyntaxError>();
const RECENT_MAX = 64;

function tryRead(xml: string): ParsedPolicy | PolicySyntaxError {
  const cached = RECENT.get(xml);
  if (cached) return cached;
  let result: ParsedPolicy | PolicySyntaxError;
  try {
    result = new PolicyReader(xml).read();
  } catch (error) {
    // Anything else than a syntax error (a stack overflow on absurd nesting) is still a document APIM would refuse.
    result = error instanceof PolicySyntaxError ? error : new PolicySyntaxError(0, `The policy document cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (RECENT.size >= RECENT_MAX) RECENT.delete(RECENT.keys().next().value!);
  RECENT.set(xml, result);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Public operations

/** Is this policy document acceptable to APIM (well formed once expressions are masked, right root element)? */
export function checkPolicyXml(xml: string, options: { fragment?: boolean } = {}): PolicyCheck {
  const parsed = tryRead(xml);
  if (parsed instanceof PolicySyntaxError) {
    return { ok: false, ...lineColumn(xml, parsed.offset), message: parsed.message };
  }
  const expected = options.fragment ? 'fragment' : 'policies';
  if (parsed.root.name !== expected) {
    return {
      ok: false,
      ...lineColumn(xml, parsed.root.nameAt),
      message: `The root element must be <${expected}>, found <${parsed.root.name}>.`,
    };
  }
  return { ok: true };
}

const REFERENCE_ELEMENTS: Record<string, { attribute: string; list: keyof Omit<PolicyReferences, 'namedValues'> }> = {
  'include-fragment': { attribute: 'fragment-id', list: 'fragments' },
  'set-backend-service': { attribute: 'backend-id', list: 'backends' },
  'log-to-eventhub': { attribute: 'logger-id', list: 'loggers' },
};

/** A literal id; expressions and `{{named value}}` indirections are resolved at run time, not references. */
function isLiteralId(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !trimmed.startsWith('@') && !trimmed.includes('{{');
}

/** What other resources a policy depends on, so apply can order writes and validate can report dangling ones. */
export function policyReferences(xml: string): PolicyReferences {
  const found = { fragments: new Set<string>(), backends: new Set<string>(), loggers: new Set<string>() };
  const parsed = tryRead(xml);
  if (!(parsed instanceof PolicySyntaxError)) {
    const visit = (node: XmlNode): void => {
      if (node.kind !== 'element') return;
      const reference = REFERENCE_ELEMENTS[node.name];
      if (reference) {
        const value = node.attrs.find((a) => a.name === reference.attribute)?.value;
        if (value !== undefined && isLiteralId(value)) found[reference.list].add(value.trim());
      }
      node.children.forEach(visit);
    };
    parsed.nodes.forEach(visit);
  } else {
    // A broken document still names its dependencies; a tag-level scan keeps validation messages useful.
    for (const tag of xml.matchAll(/<(include-fragment|set-backend-service|log-to-eventhub)\b([^>]*)>/g)) {
      const reference = REFERENCE_ELEMENTS[tag[1] as string];
      if (!reference) continue;
      const attr = new RegExp(`[\\s]${reference.attribute}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag[2] as string);
      const value = attr ? decodeLenient(attr[1] ?? attr[2] ?? '') : undefined;
      if (value !== undefined && isLiteralId(value)) found[reference.list].add(value.trim());
    }
  }
  return {
    namedValues: namedValueTokens(xml),
    fragments: [...found.fragments],
    backends: [...found.backends],
    loggers: [...found.loggers],
  };
}

/** Escapes one expression the way APIM's format=xml output does; well-formed entity references are kept as they are. */
function escapeExpression(code: string, quote: string | undefined): string {
  let out = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '&') out += 'error' in entityAt(code, i) ? '&amp;' : '&';
    else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"' && quote === '"') out += '&quot;';
    else if (c === "'" && quote === "'") out += '&apos;';
    else out += c;
  }
  return out;
}

function rewriteExpressions(xml: string, rewrite: (code: string, span: ExpressionSpan) => string): string {
  const parsed = tryRead(xml);
  if (parsed instanceof PolicySyntaxError) return xml;
  let out = '';
  let last = 0;
  for (const span of parsed.expressions) {
    out += xml.slice(last, span.start) + rewrite(xml.slice(span.start, span.end), span);
    last = span.end;
  }
  return out + xml.slice(last);
}

/**
 * What APIM returns for `?format=xml` (the SDK's default): expressions XML-escaped — `<`, `>`, `&` everywhere and
 * the delimiting quote inside attributes (ApiManagementGetApiPolicy.json shows `=&gt;` in element text with `"`
 * left alone; ApiManagementCreateProductPolicy.json shows `&quot;` inside an attribute). Everything outside
 * expressions is returned untouched. An `&` that already starts an entity reference is kept, so the function
 * is idempotent: a policy PUT as rawxml that was really already escaped does not get double-escaped.
 */
export function toXmlFormat(raw: string): string {
  return rewriteExpressions(raw, (code, span) => escapeExpression(code, span.quote));
}

/** Inverse of toXmlFormat: expressions get their entity references resolved, which is APIM's rawxml form. */
export function fromXmlFormat(escaped: string): string {
  return rewriteExpressions(escaped, (code) => decodeLenient(code));
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical form

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#x9;');
}

/**
 * Whitespace at the edge of a text node that contains a line break is layout (indentation around a multi-line
 * expression), not content; spaces on the same line (`<value>"x" </value>`, kept by APIM) are content.
 */
function trimLayout(text: string): string {
  return text.replace(/^[ \t\n]*\n[ \t]*/, '').replace(/[ \t]*\n[ \t\n]*$/, '');
}

/** Children with CDATA merged into text and whitespace-only text dropped. */
function significantChildren(element: ElementNode): XmlNode[] {
  const merged: XmlNode[] = [];
  for (const child of element.children) {
    const previous = merged[merged.length - 1];
    if (child.kind === 'text' && previous?.kind === 'text') previous.value += child.value;
    else merged.push(child.kind === 'text' ? { ...child } : child);
  }
  const result: XmlNode[] = [];
  for (const child of merged) {
    if (child.kind !== 'text') result.push(child);
    else if (/[^ \t\n]/.test(child.value)) result.push({ kind: 'text', value: trimLayout(child.value) });
  }
  return result;
}

function startTag(element: ElementNode): string {
  const attrs = [...element.attrs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`)
    .join('');
  return `<${element.name}${attrs}`;
}

function serializeInline(node: XmlNode): string {
  switch (node.kind) {
    case 'text':
      return escapeText(node.value);
    case 'comment':
      return `<!--${node.value}-->`;
    case 'pi':
      return `<?${node.target}${node.data ? ` ${node.data}` : ''}?>`;
    case 'element': {
      const children = significantChildren(node);
      if (children.length === 0) return `${startTag(node)} />`;
      return `${startTag(node)}>${children.map(serializeInline).join('')}</${node.name}>`;
    }
  }
}

function serializePretty(node: XmlNode, indent: string, lines: string[]): void {
  if (node.kind !== 'element') {
    lines.push(indent + serializeInline(node));
    return;
  }
  const children = significantChildren(node);
  if (children.length === 0 || children.some((c) => c.kind === 'text')) {
    lines.push(indent + serializeInline(node));
    return;
  }
  lines.push(`${indent}${startTag(node)}>`);
  for (const child of children) serializePretty(child, `${indent}  `, lines);
  lines.push(`${indent}</${node.name}>`);
}

/**
 * Canonical form for semantic diffs: two documents are semantically equal iff their canonical forms are equal.
 * Layout whitespace, line endings, attribute order and quoting, entity spelling (`&#x41;`, `A`), CDATA versus
 * escaped text, `<x/>` versus `<x></x>`, and format=xml versus rawxml escaping of expressions all disappear;
 * comments stay. Never throws: an unreadable document comes back trimmed with `\n` line endings.
 */
export function canonicalPolicy(xml: string): string {
  const normalized = xml.replace(/\r\n?/g, '\n');
  const parsed = tryRead(normalized);
  if (parsed instanceof PolicySyntaxError) return normalized.trim();
  const lines: string[] = [];
  for (const node of parsed.nodes) serializePretty(node, '', lines);
  return lines.join('\n');
}
