// API specification import and export for the emulator: pure functions from a document to the operations and
// schemas APIM would create, and from an API's operations back to a document.
import { stringify } from 'yaml';
import { SpecImportError } from './errors.ts';
import type { ExportInput } from './export-input.ts';
import { importGraphQl } from './graphql.ts';
import { exportOpenApiDocument } from './openapi-export.ts';
import { importOpenApi } from './openapi-import.ts';
import type { ImportOptions, ImportedApi } from './types.ts';
import { exportWadl, importWadl } from './wadl.ts';
import { exportWsdl, importWsdl } from './wsdl.ts';

export { SpecImportError } from './errors.ts';
export type { SpecErrorDetail } from './errors.ts';
export type { ExportInput } from './export-input.ts';
export { normalizeOperationName } from './names.ts';
export { SCHEMA_CONTENT_TYPES } from './types.ts';
export type {
  ApiSchema,
  ImportOptions,
  ImportedApi,
  OperationContract,
  ParameterContract,
  ParameterExampleContract,
  ParameterExamplesContract,
  RepresentationContract,
  RequestContract,
  ResponseContract,
  SourceDocument,
} from './types.ts';

/** How a specification is kept in Git (the State's `ApiSpecification.format`). */
export type FileFormat = 'openapi-yaml' | 'openapi-json' | 'swagger-json' | 'swagger-yaml' | 'graphql' | 'wsdl' | 'wadl';

/** The import format APIM is sent for each file format (APIOps ApiSpecification.cs; Swagger 2 YAML goes through `openapi`). */
export const IMPORT_FORMATS: Readonly<Record<FileFormat, ImportFormat>> = {
  'openapi-yaml': 'openapi',
  'swagger-yaml': 'openapi',
  'openapi-json': 'openapi+json',
  'swagger-json': 'swagger-json',
  graphql: 'graphql',
  wsdl: 'wsdl',
  wadl: 'wadl-xml',
};

/** Inline formats (APIM's KnownContentFormat); the `*-link` formats need the internet and are not handled here. */
export type ImportFormat = 'openapi' | 'openapi+json' | 'swagger-json' | 'graphql' | 'wsdl' | 'wadl-xml';

export type ExportFormat = 'openapi' | 'openapi+json' | 'swagger' | 'wadl' | 'wsdl';

/**
 * What APIM creates from an inline specification. Every failure — malformed text, the wrong kind of document,
 * absurd nesting — is a SpecImportError carrying APIM-style "Parsing error(s): …" details.
 */
export function importSpec(format: ImportFormat, value: string, options: ImportOptions = {}): ImportedApi {
  if (typeof value !== 'string') throw new SpecImportError('The specification must be a string.');
  if (Object.keys(options).length > 0) return importUncached(format, value, options);
  const key = `${format}\u0000${value}`;
  let result = IMPORTED.get(key);
  if (result === undefined) {
    try {
      result = deepFreeze(importUncached(format, value, options));
    } catch (error) {
      result = error as SpecImportError;
    }
    remember(key, result);
  }
  if (result instanceof SpecImportError) throw result;
  return result;
}

// The same document is imported again and again — validation, the diff of every target, every emulated region
// it is published to — and imports are pure, so each distinct document is imported once per process. The results
// are shared, hence frozen: a caller that wants to change one clones it first.
const IMPORTED = new Map<string, ImportedApi | SpecImportError>();
const MAX_CACHED_CHARS = 64 * 1024 * 1024;
let cachedChars = 0;

function remember(key: string, result: ImportedApi | SpecImportError): void {
  IMPORTED.set(key, result);
  cachedChars += key.length;
  for (const oldest of IMPORTED.keys()) {
    if (cachedChars <= MAX_CACHED_CHARS || IMPORTED.size <= 1) break;
    IMPORTED.delete(oldest);
    cachedChars -= oldest.length;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function importUncached(format: ImportFormat, value: string, options: ImportOptions): ImportedApi {
  try {
    switch (format) {
      case 'openapi':
        return importOpenApi(value, 'yaml', options);
      case 'openapi+json':
      case 'swagger-json':
        return importOpenApi(value, 'json', options);
      case 'graphql':
        return importGraphQl(value);
      case 'wsdl':
        return importWsdl(value, options);
      case 'wadl-xml':
        return importWadl(value, options);
      default:
        throw new SpecImportError(`Unsupported import format '${String(format)}'.`);
    }
  } catch (error) {
    if (error instanceof SpecImportError) throw error;
    // A parser's own failure (a stack overflow on hostile nesting, an unexpected shape) is still a bad document.
    throw new SpecImportError(error instanceof Error ? error.message : String(error));
  }
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  openapi: 'application/vnd.oai.openapi',
  'openapi+json': 'application/vnd.oai.openapi+json',
  swagger: 'application/vnd.swagger.doc+json',
  wadl: 'application/vnd.sun.wadl+xml',
  wsdl: 'application/wsdl+xml',
};

/** A deterministic document for an API: the same input always gives the same bytes. */
export function exportSpec(input: ExportInput, format: ExportFormat): { contentType: string; body: string } {
  let body: string;
  switch (format) {
    case 'openapi':
      body = stringify(exportOpenApiDocument(input, 'openapi'), { aliasDuplicateObjects: false, lineWidth: 0, singleQuote: true });
      break;
    case 'openapi+json':
      body = `${JSON.stringify(exportOpenApiDocument(input, 'openapi'), null, 2)}\n`;
      break;
    case 'swagger':
      body = `${JSON.stringify(exportOpenApiDocument(input, 'swagger'), null, 2)}\n`;
      break;
    case 'wadl':
      body = exportWadl(input);
      break;
    case 'wsdl':
      body = exportWsdl(input);
      break;
    default:
      throw new Error(`Unsupported export format '${String(format)}'.`);
  }
  return { contentType: CONTENT_TYPES[format], body };
}
