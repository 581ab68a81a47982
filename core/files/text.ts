// Decoding of artifact files. Repositories are edited on every platform and by other tools, so the reader accepts
// a UTF-8 byte order mark and CRLF line endings, and tells binary or non-UTF-8 content apart instead of failing.

export interface DecodedText {
  /** the text without a byte order mark; '' when the file is not UTF-8 text */
  text: string;
  bom: boolean;
  crlf: boolean;
  /** why the bytes are not readable as UTF-8 text, if they are not */
  notText?: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { text: '', bom: false, crlf: false, notText: 'is UTF-16 encoded; APIM tools expect UTF-8' };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) return { text: '', bom, crlf: false, notText: 'is binary (contains NUL bytes)' };
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return { text: '', bom, crlf: false, notText: 'is not valid UTF-8 text' };
  }
  return { text, bom, crlf: text.includes('\r\n') };
}

/**
 * The form in which documents (policies, specifications) are kept in the State and written: LF line endings, no
 * trailing blank lines, one final newline. APIM returns policies without a final newline and APIOps v6 wrote files
 * without one; normalizing on read keeps read → write → read stable whatever tool wrote the file.
 */
export function normalizeDocument(text: string): string {
  const lf = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const trimmed = lf.replace(/\n+$/, '');
  return trimmed === '' ? '' : `${trimmed}\n`;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
