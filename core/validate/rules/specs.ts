// API specifications: they must parse the way APIM's importer parses them (core/specs mirrors it),
// be the format their file name says (APIOps picks the importer by extension), fit the API's type, and define
// every operation an `operations/<op>/policy.xml` folder names.
import { parse as parseYaml } from 'yaml';
import { IMPORT_FORMATS, type ImportedApi, SpecImportError, importSpec } from '../../specs/index.ts';
import { parseJson, isJsonObject } from '../../files/json.ts';
import { type SpecFormat, sniffSpecificationFormat } from '../../files/layout.ts';
import type { ArtifactFile } from '../../files/read.ts';
import { lineColumn, normalizeDocument } from '../../files/text.ts';
import { type Json, resourceKey } from '../../state.ts';
import { finding } from '../findings.ts';
import type { ValidationContext } from '../context.ts';


/** Specification formats that fit each API type (`type` absent means http). */
const FORMATS_BY_API_TYPE: Record<string, readonly SpecFormat[]> = {
  http: ['openapi-yaml', 'swagger-yaml', 'openapi-json', 'swagger-json', 'wadl'],
  graphql: ['graphql'],
  soap: ['wsdl'],
  websocket: [],
};

const FORMAT_TITLE: Record<SpecFormat, string> = {
  'openapi-yaml': 'OpenAPI (YAML)',
  'swagger-yaml': 'Swagger 2 (YAML)',
  'openapi-json': 'OpenAPI (JSON)',
  'swagger-json': 'Swagger 2 (JSON)',
  graphql: 'GraphQL SDL',
  wsdl: 'WSDL',
  wadl: 'WADL',
};

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function looksLikeOpenApi(value: Json | undefined): boolean {
  return isJsonObject(value) && (typeof value.openapi === 'string' || value.swagger !== undefined);
}

function tryYaml(text: string): Json | undefined {
  try {
    return parseYaml(text, { schema: 'core' }) as Json;
  } catch {
    return undefined;
  }
}

/** A document in another format than its file name says: the reviewer gets told what it is and what to call it. */
function wrongFormat(format: SpecFormat, text: string): string | null {
  const head = text.trimStart();
  if (format === 'graphql' && (head.startsWith('{') || /^(openapi|swagger)\s*:/m.test(head.slice(0, 2000)))) return 'holds an OpenAPI document, not GraphQL SDL (name it specification.yaml or specification.json)';
  if ((format === 'wsdl' || format === 'wadl') && !head.startsWith('<')) return `is not XML, so it cannot be ${FORMAT_TITLE[format]}`;
  if (format === 'openapi-json' || format === 'swagger-json') {
    if (!parseJson(text).ok && looksLikeOpenApi(tryYaml(text))) return 'holds YAML, not JSON (name it specification.yaml)';
  }
  if ((format === 'openapi-yaml' || format === 'swagger-yaml') && /^\s*(type|schema|input|interface|enum|union|scalar|directive)\b[^:\n]*\{/m.test(head.slice(0, 2000))) {
    if (!looksLikeOpenApi(tryYaml(text))) return 'holds GraphQL SDL, not OpenAPI (name it specification.graphql)';
  }
  if ((format === 'openapi-yaml' || format === 'swagger-yaml') && head.startsWith('<')) return 'holds XML, not OpenAPI (WSDL and WADL go in specification.wsdl / specification.wadl)';
  return null;
}

/** `Parsing error(s): (Lin: 7, Col: 25, Chr: 166) - (…): reason` → position and reason. */
function importProblem(error: SpecImportError): { line: number; column: number; message: string } {
  const m = /\(Lin: (\d+), Col: (\d+)[^)]*\)(?: - \([^)]*\))?: (.*)$/s.exec(error.message);
  const message = (m?.[3] ?? error.message.replace(/^Parsing error\(s\): /, '')).split('\n')[0] ?? '';
  return { line: m ? Number(m[1]) : 1, column: m ? Number(m[2]) : 1, message: message.length > 300 ? `${message.slice(0, 300)}…` : message };
}

type ImportResult = { operations: Set<string> } | { problem: ReturnType<typeof importProblem> };

/** What APIM makes of the document (importSpec keeps each distinct document's import: the diff reuses it). */
function importOf(format: SpecFormat, text: string): ImportResult {
  try {
    const imported: ImportedApi = importSpec(IMPORT_FORMATS[format], text);
    return { operations: new Set(imported.operations.map((o) => o.name.toLowerCase())) };
  } catch (error) {
    if (!(error instanceof SpecImportError)) throw error;
    return { problem: importProblem(error) };
  }
}

export function checkSpecifications(ctx: ValidationContext): void {
  for (const file of ctx.read.files.values()) {
    if (file.shape !== 'specification' || file.broken) continue;
    checkSpecification(ctx, file);
  }
}

function checkSpecification(ctx: ValidationContext, file: ArtifactFile): void {
  const [apiName] = JSON.parse(file.keys[0] ?? '[]').slice(1) as string[];
  const api = apiName === undefined ? undefined : ctx.state.get('api', [apiName]);
  const attached = api?.specification !== undefined && ctx.fileOf(api, 'specification')?.path === file.path;
  const format = attached && api?.specification ? api.specification.format : sniffSpecificationFormat(fileName(file.path), file.text);
  const text = normalizeDocument(file.text);
  if (text.trim() === '') {
    ctx.findings.push(finding('spec-syntax', { file: file.path }, 'is empty'));
    return;
  }
  const wrong = wrongFormat(format, text);
  if (wrong) {
    ctx.findings.push(finding('spec-format', { file: file.path }, wrong));
    return;
  }
  if (format === 'openapi-json' || format === 'swagger-json') {
    const json = parseJson(text);
    if (!json.ok) {
      ctx.findings.push(finding('spec-syntax', { file: file.path, ...lineColumn(text, json.error.offset) }, `is not valid JSON: ${json.error.message}`));
      return;
    }
  }
  const result = importOf(format, text);
  if ('problem' in result) {
    const { problem } = result;
    ctx.findings.push(finding('spec-syntax', { file: file.path, line: problem.line, column: problem.column }, `cannot be imported as ${FORMAT_TITLE[format]}: ${problem.message}`));
    return;
  }
  if (!api || !attached) return;
  const type = typeof api.properties.type === 'string' ? api.properties.type.toLowerCase() : typeof api.properties.apiType === 'string' ? api.properties.apiType.toLowerCase() : 'http';
  const fits = FORMATS_BY_API_TYPE[type];
  if (fits && !fits.includes(format)) {
    ctx.findings.push(finding('spec-format', { file: file.path }, `is ${FORMAT_TITLE[format]}, which does not fit the API's type '${type}'${fits.length > 0 ? ` (expected ${fits.map((f) => FORMAT_TITLE[f]).join(' or ')})` : ''}`));
  }
  const { operations } = result;
  ctx.operations.set(resourceKey('api', api.names), operations);
  for (const policy of ctx.children('apiOperationPolicy', api.names)) {
    const operation = policy.names[1] ?? '';
    if (operations.has(operation.toLowerCase())) continue;
    // a SOAP API's folder named by the id one instance generated (the APIOps Toolkit's layout): core/soap.ts
    const soap = format === 'wsdl' ? ` — name the folder as the WSDL names the operation (${[...operations].sort().join(', ')}): the ids APIM generates for a WSDL's operations differ in every instance` : '';
    ctx.findings.push(
      finding('unknown-operation', { file: ctx.where(policy) }, `operation '${operation}' is not defined by ${fileName(file.path)}, so APIM has no operation to attach this policy to${soap}`),
    );
  }
}
