// Shared plumbing of the configuration loaders: read a YAML file, validate it against its schema, and turn every
// problem into a located finding. Loaders never throw on bad content; `orThrow` is for callers that must stop.
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { type Finding, finding, sortFindings } from '../validate/findings.ts';
import { checkSchema } from '../validate/schema-check.ts';
import { decodeText } from '../files/text.ts';
import { type YamlDocument, parseYamlDocument, pointerPath } from './yaml.ts';

export interface Loaded<T> {
  /** absent when the file could not be used at all */
  value?: T;
  findings: Finding[];
}

/** A configuration file has errors; `findings` says which. */
export class ConfigError extends UserError {
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    const errors = findings.filter((f) => f.severity === 'error');
    super(errors.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`).join('\n'));
    this.name = 'ConfigError';
    this.findings = findings;
  }
}

export function orThrow<T>(loaded: Loaded<T>): T {
  if (loaded.value === undefined || loaded.findings.some((f) => f.severity === 'error')) throw new ConfigError(loaded.findings);
  return loaded.value;
}

/** Reads and parses a YAML file; `findings` gets the read and syntax problems. */
export async function readYamlFile(file: string, findings: Finding[]): Promise<{ text: string; doc: YamlDocument } | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'error';
    findings.push(finding('missing-file', { file }, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`));
    return undefined;
  }
  const decoded = decodeText(bytes);
  if (decoded.notText !== undefined) {
    findings.push(finding('encoding', { file }, decoded.notText));
    return undefined;
  }
  return parseYamlText(decoded.text, file, findings);
}

export function parseYamlText(text: string, file: string, findings: Finding[]): { text: string; doc: YamlDocument } | undefined {
  const doc = parseYamlDocument(text);
  for (const e of doc.errors) findings.push(finding('yaml-syntax', { file, line: e.line, column: e.column }, `is not valid YAML: ${e.message}`));
  if (doc.errors.length > 0) return undefined;
  return { text, doc };
}

/** Schema problems of a parsed configuration document, located at the offending key. */
export function schemaFindings(schemaFile: string, doc: YamlDocument, file: string): Finding[] {
  const value = doc.value ?? {};
  return sortFindings(checkSchema(schemaFile, value).map((p) => finding('schema', { file, ...doc.locate(pointerPath(p.pointer)) }, p.message)));
}
