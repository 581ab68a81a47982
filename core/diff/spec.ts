// API specifications compared by what APIM makes of them: the operations. APIM rewrites an imported document
// (re-serialises it, adds its own servers, renames inline schemas), so comparing text would always differ.
import type { ApiSpecification, JsonObject, Resource } from '../state.ts';
import { IMPORT_FORMATS, type ImportFormat, type OperationContract, importSpec } from '../specs/index.ts';
import type { SpecChange } from '../plan/types.ts';
import { parse, print } from 'graphql';
import { rememberedPerText } from '../memo.ts';

function imported(spec: ApiSpecification): ReturnType<typeof importSpec> | null {
  try {
    // importSpec keeps what it made of each document: targets and the validation share one parse
    return importSpec(importFormatOf(spec), spec.content);
  } catch {
    return null;
  }
}

/** The import format APIM is sent for a specification kept in Git. */
export function importFormatOf(spec: ApiSpecification): ImportFormat {
  return IMPORT_FORMATS[spec.format];
}

export interface OperationView {
  name: string;
  method: string;
  urlTemplate: string;
  displayName: string;
  description: string;
  /**
   * What a caller sends and gets back, per part (parameters, request, responses), in a coarse canonical form;
   * absent when the live side does not tell it (APIM's documented list of operations carries only
   * displayName/method/urlTemplate; an operation read in full always has `templateParameters` and `responses`).
   */
  signature?: Signature;
}

/** The parts of an operation a specification change can touch without its name, method or URL template. */
interface Signature {
  parameters: string;
  request: string;
  responses: string;
}

const SIGNATURE_PARTS: readonly (keyof Signature)[] = ['parameters', 'request', 'responses'];

const asObjects = (value: unknown): JsonObject[] =>
  Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];

// Coarse on purpose: names, types, required-ness, content types and status codes. Descriptions, examples,
// defaults and schema ids are left out — APIM renames inline schemas (typeName/schemaId) and rewrites text on
// import, so comparing them would re-import an API on every run for nothing.
const parameterLine = (p: JsonObject, where: string): string =>
  `${where}:${String(p.name ?? '').toLowerCase()}:${String(p.type ?? '').toLowerCase()}:${p.required === true ? 'required' : 'optional'}`;

const sortedJoin = (lines: string[]): string => [...lines].sort().join('|');

const contentTypes = (representations: unknown): string[] =>
  asObjects(representations).map((r) => String(r.contentType ?? '').toLowerCase());

function signatureOf(properties: JsonObject): Signature {
  const request = typeof properties.request === 'object' && properties.request !== null && !Array.isArray(properties.request) ? (properties.request as JsonObject) : {};
  return {
    // a path parameter is always required: its type and name are what matter
    parameters: sortedJoin([
      ...asObjects(properties.templateParameters).map((p) => parameterLine({ ...p, required: true }, 'path')),
      ...asObjects(request.queryParameters).map((p) => parameterLine(p, 'query')),
      ...asObjects(request.headers).map((p) => parameterLine(p, 'header')),
    ]),
    request: sortedJoin(contentTypes(request.representations)),
    responses: sortedJoin(
      asObjects(properties.responses).map((r) => {
        const headers = asObjects(r.headers).map((h) => String(h.name ?? '').toLowerCase());
        return `${String(r.statusCode ?? '')}:${sortedJoin(contentTypes(r.representations))}:${sortedJoin(headers)}`;
      }),
    ),
  };
}

/** Whether a live operation was read in full (GET), not from a list that leaves out its signature. */
const readInFull = (properties: JsonObject): boolean =>
  properties.templateParameters !== undefined || properties.responses !== undefined || properties.request !== undefined;

// Signatures are compared for OpenAPI and Swagger documents only. APIM generates a GraphQL API's operations (its
// query fields) and a SOAP API's (from WSDL) in ways of its own that this importer has not been checked against: a
// difference there would re-import the API on every run (a GraphQL schema is compared as SDL instead).
const SIGNED_FORMATS: ReadonlySet<ApiSpecification['format']> = new Set(['openapi-yaml', 'openapi-json', 'swagger-yaml', 'swagger-json']);

function view(op: OperationContract, signed: boolean): OperationView {
  return {
    name: op.name.toLowerCase(),
    method: op.properties.method.toUpperCase(),
    urlTemplate: op.properties.urlTemplate,
    displayName: op.properties.displayName,
    description: op.properties.description ?? '',
    ...(signed ? { signature: signatureOf(op.properties as unknown as JsonObject) } : {}),
  };
}

/**
 * What an API's import makes of properties the information file leaves out: APIM takes the display name,
 * description and service URL from the specification (info.title, info.description, servers[0]).
 */
export function impliedBySpec(spec: ApiSpecification): Record<string, string> {
  const result = imported(spec);
  const out: Record<string, string> = {};
  if (result?.displayName) out.displayName = result.displayName;
  if (result?.description) out.description = result.description;
  if (result?.serviceUrl) out.serviceUrl = result.serviceUrl;
  return out;
}

/** Operations of a specification, or null when it does not parse (validation reports that, not the diff). */
export function specOperations(spec: ApiSpecification): OperationView[] | null {
  const result = imported(spec);
  if (!result) return null;
  // one document, one import (shared, frozen): its views are made once, not again for every target's diff
  let views = VIEWS.get(result);
  if (!views) {
    const signed = SIGNED_FORMATS.has(spec.format);
    views = Object.freeze(result.operations.map((op) => Object.freeze(view(op, signed))));
    VIEWS.set(result, views);
  }
  return views as OperationView[];
}

const VIEWS = new WeakMap<object, readonly OperationView[]>();

/** Operations as the live State holds them (apiOperation resources of one API). */
export function liveOperations(operations: readonly Resource[]): OperationView[] {
  return operations.map((r) => ({
    name: r.names[r.names.length - 1]!.toLowerCase(),
    method: String(r.properties.method ?? '').toUpperCase(),
    urlTemplate: String(r.properties.urlTemplate ?? ''),
    displayName: String(r.properties.displayName ?? ''),
    description: String(r.properties.description ?? ''),
    ...(readInFull(r.properties) ? { signature: signatureOf(r.properties) } : {}),
  }));
}

const label = (o: OperationView) => `${o.name} (${o.method} ${o.urlTemplate})`;

/** A GraphQL schema in one form — what the SDL means, its whitespace and comments aside — remembered per text. */
const canonicalSdl = rememberedPerText((sdl: string): string => {
  try {
    return print(parse(sdl));
  } catch {
    // (a document graphql-js refuses is compared as text; validation reports it)
    return sdl.replace(/\r\n?/g, '\n').trim();
  }
});

/** Whether a GraphQL API's schema differs: its types can change without any operation (query field) changing. */
export function graphQlSchemaChanged(desired: string, live: string): boolean {
  return canonicalSdl(desired) !== canonicalSdl(live);
}

/** How a plan names a change of a GraphQL API's schema that its operations do not show. */
export const GRAPHQL_SCHEMA_CHANGE = 'the GraphQL schema (types)';

/** What differs between two views of one operation, as the plan names it; empty when nothing does. */
function differences(d: OperationView, l: OperationView): string[] {
  const out: string[] = [];
  if (l.method !== d.method || l.urlTemplate !== d.urlTemplate) out.push('method or URL');
  if (l.displayName !== d.displayName) out.push('display name');
  if (l.description !== d.description) out.push('description');
  // a side that does not tell its signature is not a change: only two known signatures are compared
  if (d.signature && l.signature) for (const part of SIGNATURE_PARTS) if (d.signature[part] !== l.signature[part]) out.push(part);
  return out;
}

/** How the operations of a specification are matched with the live ones: by name, or by method and URL template. */
export type OperationMatch = 'name' | 'route';

/**
 * The match for a specification's format. APIM gives the operations of a WSDL import ids it generates, different
 * in every instance (azure-docs #119237, apiops #538): a SOAP operation is known by its method and URL template
 * (`POST /?soapAction=…`), which the WSDL fixes. An OpenAPI operation is known by its name (the operationId).
 */
export function operationMatchOf(spec: ApiSpecification): OperationMatch {
  return spec.format === 'wsdl' ? 'route' : 'name';
}

/** Operations added, removed and changed (with what changed); null when nothing differs. */
export function compareOperations(desired: OperationView[], live: OperationView[], match: OperationMatch = 'name'): SpecChange | null {
  const key = match === 'route' ? (o: OperationView) => `${o.method} ${o.urlTemplate}` : (o: OperationView) => o.name;
  const liveByKey = new Map(live.map((o) => [key(o), o]));
  const desiredKeys = new Set(desired.map(key));
  const change: SpecChange = { added: [], removed: [], changed: [] };
  for (const d of desired) {
    const l = liveByKey.get(key(d));
    if (!l) {
      change.added.push(label(d));
      continue;
    }
    const what = differences(d, l);
    if (what.length > 0) change.changed.push(`${label(d)}: ${what.join(', ')}`);
  }
  for (const l of live) if (!desiredKeys.has(key(l))) change.removed.push(label(l));
  return change.added.length + change.removed.length + change.changed.length === 0 ? null : change;
}
