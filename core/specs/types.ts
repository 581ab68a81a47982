// The ARM wire shapes an API import produces (apimapis.json / definitions.json: OperationContractProperties,
// RequestContract, ResponseContract, ParameterContract, RepresentationContract) and what the importer keeps
// for a later export.

export interface ParameterExampleContract {
  summary?: string;
  description?: string;
  value?: unknown;
  externalValue?: string;
}

export type ParameterExamplesContract = Record<string, ParameterExampleContract>;

export interface ParameterContract {
  name: string;
  description?: string;
  type: string;
  defaultValue?: string;
  required?: boolean;
  values?: string[];
  schemaId?: string;
  typeName?: string;
  examples?: ParameterExamplesContract;
}

export interface RepresentationContract {
  contentType: string;
  schemaId?: string;
  typeName?: string;
  formParameters?: ParameterContract[];
  examples?: ParameterExamplesContract;
}

export interface RequestContract {
  description?: string;
  queryParameters?: ParameterContract[];
  headers?: ParameterContract[];
  representations?: RepresentationContract[];
}

export interface ResponseContract {
  statusCode: number;
  description?: string;
  representations?: RepresentationContract[];
  headers?: ParameterContract[];
}

export interface OperationContract {
  name: string;
  properties: {
    displayName: string;
    method: string;
    urlTemplate: string;
    description?: string;
    templateParameters: ParameterContract[];
    request?: RequestContract;
    responses: ResponseContract[];
    policies?: string;
  };
}

export interface ApiSchema {
  id: string;
  contentType: string;
  document: Record<string, unknown>;
}

/**
 * The imported document after normalisation, kept so an export can carry the type definitions the operations
 * reference. OpenAPI documents keep their parsed form with inline body schemas hoisted into named definitions
 * (the operations refer to them by `typeName`); XML and SDL documents keep their text.
 */
export type SourceDocument =
  | { kind: 'openapi'; document: Record<string, unknown> }
  | { kind: 'swagger'; document: Record<string, unknown> }
  | { kind: 'graphql'; sdl: string }
  | { kind: 'wsdl'; xml: string }
  | { kind: 'wadl'; xml: string };

export interface ImportedApi {
  displayName?: string;
  description?: string;
  serviceUrl?: string;
  apiType: 'http' | 'soap' | 'graphql';
  operations: OperationContract[];
  schemas: ApiSchema[];
  /** the normalised source document, kept for export */
  source: SourceDocument;
}

export interface ImportOptions {
  /**
   * APIM's `translateRequiredQueryParameters`: by default (`template`) required query parameters become
   * template parameters in the URL template (`/items?id={id}`); `query` keeps them as query parameters.
   */
  translateRequiredQueryParameters?: 'template' | 'query';
  /** APIM's `wsdlSelector`: which service and endpoint (port) of a WSDL to import. */
  wsdlSelector?: { wsdlServiceName?: string; wsdlEndpointName?: string };
}

/** The name of a GraphQL API's schema: APIM keeps the SDL as `apis/<a>/schemas/graphql`. */
export const GRAPHQL_SCHEMA_ID = 'graphql';

export const SCHEMA_CONTENT_TYPES = {
  openapi: 'application/vnd.oai.openapi.components+json',
  swagger: 'application/vnd.ms-azure-apim.swagger.definitions+json',
  xsd: 'application/vnd.ms-azure-apim.xsd+xml',
  wadl: 'application/vnd.ms-azure-apim.wadl.grammars+xml',
  graphql: 'application/vnd.ms-azure-apim.graphql.schema',
} as const;
