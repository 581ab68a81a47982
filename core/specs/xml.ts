// Small, namespace-prefix-tolerant access to WSDL and WADL documents parsed with fast-xml-parser.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SpecImportError, locatedMessage, offsetOf } from './errors.ts';

export interface XmlElement {
  /** Qualified tag name as written (`wsdl:operation`). */
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const ATTR = '@_';
const TEXT = '#text';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});


function toElement(name: string, value: unknown): XmlElement {
  const element: XmlElement = { name, attrs: {}, text: '', children: [] };
  if (typeof value !== 'object' || value === null) {
    element.text = value === undefined || value === null ? '' : String(value);
    return element;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith(ATTR)) element.attrs[key.slice(ATTR.length)] = String(child);
    else if (key === TEXT) element.text = Array.isArray(child) ? child.join('') : String(child);
    else for (const item of Array.isArray(child) ? child : [child]) element.children.push(toElement(key, item));
  }
  return element;
}

/** Parses a whole document and returns its root element; malformed XML becomes a located SpecImportError. */
export function parseXmlDocument(text: string): XmlElement {
  if (text.trim() === '') throw new SpecImportError('The document is empty.');
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    const offset = offsetOf(text, line, col ?? 1);
    throw new SpecImportError(locatedMessage(text, offset, offset + 1, msg));
  }
  const parsed: unknown = parser.parse(text);
  const roots = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : [];
  const elements = roots.flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => toElement(name, v)));
  const root = elements[0];
  if (!root || elements.length > 1) throw new SpecImportError('The document must have exactly one root element.');
  return root;
}

export function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

export function prefixOf(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? '' : qualified.slice(0, colon);
}

export function childrenNamed(element: XmlElement, local: string): XmlElement[] {
  return element.children.filter((c) => localName(c.name) === local);
}

export function firstChild(element: XmlElement, local: string): XmlElement | undefined {
  return element.children.find((c) => localName(c.name) === local);
}

export function attribute(element: XmlElement | undefined, local: string): string | undefined {
  if (!element) return undefined;
  if (element.attrs[local] !== undefined) return element.attrs[local];
  const key = Object.keys(element.attrs).find((k) => localName(k) === local && !k.startsWith('xmlns'));
  return key === undefined ? undefined : element.attrs[key];
}

/** Namespace URI bound to a prefix on this element or the ones given as ancestors (nearest first). */
export function namespaceFor(prefix: string, scopes: XmlElement[]): string | undefined {
  const key = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  for (const scope of scopes) if (scope.attrs[key] !== undefined) return scope.attrs[key];
  return undefined;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The start tag of the document element, as written, with its attributes. */
function rootStartTag(text: string): { name: string; attrs: string } | undefined {
  const match = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)(\s[^>]*)?>/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length)));
  return match ? { name: match[1] as string, attrs: match[2] ?? '' } : undefined;
}

/**
 * Raw text of every element with the given local name (not nested in one another), with the namespace
 * declarations of the document element copied in when missing — what APIM does when it stores the XSDs of a
 * WSDL as separate schema documents (ApiManagementListApiSchemas: `xmlns:tns`, `xmlns:soap`, … on `s:schema`).
 */
export function extractElements(text: string, local: string): string[] {
  const root = rootStartTag(text);
  const declarations = root ? [...root.attrs.matchAll(/\s(xmlns(?::[\w.-]+)?)\s*=\s*("[^"]*"|'[^']*')/g)] : [];
  const pattern = new RegExp(`<((?:[\\w.-]+:)?${local})(\\s[^>]*?)?(?:/>|>[\\s\\S]*?</\\1\\s*>)`, 'g');
  const found: string[] = [];
  for (const match of text.matchAll(pattern)) {
    const whole = match[0];
    const startTag = match[2] ?? '';
    const missing = declarations
      .filter(([, name]) => !new RegExp(`\\s${(name as string).replace(/[.]/g, '\\.')}\\s*=`).test(startTag))
      .map(([, name, value]) => ` ${name}=${value}`)
      .join('');
    const nameLength = (match[1] as string).length + 1;
    found.push(whole.slice(0, nameLength) + missing + whole.slice(nameLength));
  }
  return found;
}
