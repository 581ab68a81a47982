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
