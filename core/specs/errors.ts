// Import failures in the shape APIM reports them: a 400 ValidationError whose details carry
// "Parsing error(s): (Lin: 40, Col: 50, Chr: 1047) - (Lin: 40, Col: 51, Chr: 1048): <reason>" entries with
// target "representation" (terraform-provider-azurerm #24559, azure-cli #29405).

export interface SpecErrorDetail {
  code: string;
  target: string;
  message: string;
}

export class SpecImportError extends Error {
  readonly code = 'ValidationError';
  readonly details: SpecErrorDetail[];

  constructor(messages: string | string[]) {
    const list = (Array.isArray(messages) ? messages : [messages]).map((m) =>
      m.startsWith('Parsing error(s): ') ? m : `Parsing error(s): ${m}`,
    );
    super(list[0] ?? 'Parsing error(s): The document cannot be imported.');
    this.name = 'SpecImportError';
    this.details = list.map((message) => ({ code: 'ValidationError', target: 'representation', message }));
  }
}

export const OPENAPI3_INVALID =
  'The input OpenAPI file is not valid for the OpenAPI specification https://github.com/OAI/OpenAPI-Specification/blob/master/versions/3.0.1.md (schema https://github.com/OAI/OpenAPI-Specification/blob/master/schemas/v3.0/schema.yaml).';
export const OPENAPI2_INVALID =
  'The input OpenAPI file is not valid for the OpenAPI specification https://github.com/OAI/OpenAPI-Specification/blob/master/versions/2.0.md (schema https://github.com/OAI/OpenAPI-Specification/blob/master/schemas/v2.0/schema.json).';

export interface TextPosition {
  line: number;
  column: number;
  /** 0-based character offset, as YamlDotNet's `Chr`. */
  offset: number;
}

export function positionOf(text: string, offset: number): TextPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1, offset: clamped };
}

export function locatedMessage(text: string, start: number, end: number, reason: string): string {
  const a = positionOf(text, start);
  const b = positionOf(text, end);
  return `(Lin: ${a.line}, Col: ${a.column}, Chr: ${a.offset}) - (Lin: ${b.line}, Col: ${b.column}, Chr: ${b.offset}): ${reason}`;
}

/** Offset in `text` of a 1-based line and column (parsers report positions so; messages want offsets). */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}
