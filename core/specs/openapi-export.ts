// APIM operations → OpenAPI 3.0.1 or Swagger 2.0, the way APIM exports them: operation name as operationId,
// display name as summary (learn.microsoft.com "Export API as OpenAPI"), the gateway URL as the server,
// subscription-key security schemes, and the definitions the operations refer to.
import { isObject } from './documents.ts';
import type { JsonObject } from './documents.ts';
import { isFormContentType, schemaRef, schemaRefPrefix } from './openapi-import.ts';
import type { OpenApiStyle } from './openapi-import.ts';
import { templateLocations, typedValue } from './templates.ts';
import type { ExportInput } from './export-input.ts';
import { apiServerUrl } from './export-input.ts';
import type { OperationContract, ParameterContract, ParameterExamplesContract, RepresentationContract } from './types.ts';

const EXPORTABLE_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Definitions from the imported document, with `$ref`s rewritten when the export style differs. */
function sourceSchemas(input: ExportInput, style: OpenApiStyle): JsonObject {
  const source = input.source;
  let schemas: unknown;
  let from: OpenApiStyle | undefined;
  if (source?.kind === 'openapi') {
    const components = source.document.components;
    schemas = isObject(components) ? components.schemas : undefined;
    from = 'openapi';
  } else if (source?.kind === 'swagger') {
    schemas = source.document.definitions;
    from = 'swagger';
  }
  if (!isObject(schemas) || !from) return {};
  if (from === style) return schemas;
  const fromPrefix = schemaRefPrefix(from);
  const toPrefix = schemaRefPrefix(style);
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = key === '$ref' && typeof child === 'string' && child.startsWith(fromPrefix) ? toPrefix + child.slice(fromPrefix.length) : rewrite(child);
    }
    return out;
  };
  return rewrite(schemas) as JsonObject;
}

function examplesOut(target: JsonObject, examples: ParameterExamplesContract | undefined): void {
  if (!examples || Object.keys(examples).length === 0) return;
  const only = examples.default;
  if (Object.keys(examples).length === 1 && only && Object.keys(only).length === 1 && 'value' in only) {
    target.example = only.value;
    return;
  }
  const out: JsonObject = {};
  for (const [name, example] of Object.entries(examples)) out[name] = { ...example };
  target.examples = out;
}

class OpenApiWriter {
  private readonly schemas: JsonObject;

  constructor(
    private readonly input: ExportInput,
    private readonly style: OpenApiStyle,
  ) {
    this.schemas = sourceSchemas(input, style);
  }

  private knownType(typeName: string | undefined): typeName is string {
    return typeName !== undefined && this.schemas[typeName] !== undefined;
  }

  /** Type, enum and default of a parameter as a schema (OpenAPI 3) or inline (Swagger 2). */
  private typeFields(p: ParameterContract): JsonObject {
    const fields: JsonObject = { type: p.type };
    if (p.type === 'array') fields.items = { type: 'string' };
    if (p.values && p.values.length > 0) fields.enum = p.values.map((v) => typedValue(v, p.type));
    if (p.defaultValue !== undefined) fields.default = typedValue(p.defaultValue, p.type);
    return fields;
  }

  private parameter(p: ParameterContract, location: string, required: boolean): JsonObject {
    const out: JsonObject = { name: p.name, in: location };
    if (p.description) out.description = p.description;
    if (required) out.required = true;
    if (this.style === 'openapi') {
      out.schema = this.knownType(p.typeName) ? schemaRef(this.style, p.typeName) : this.typeFields(p);
      examplesOut(out, p.examples);
    } else {
      Object.assign(out, this.typeFields(p));
    }
    return out;
  }

  private parameters(op: OperationContract): JsonObject[] {
    const { pathParameters, queryParameters } = templateLocations(op.properties.urlTemplate, op.properties.templateParameters);
    const request = op.properties.request;
    return [
      ...pathParameters.map((p) => this.parameter(p, 'path', true)),
      ...queryParameters.map((p) => this.parameter(p, 'query', true)),
      ...(request?.queryParameters ?? []).map((p) => this.parameter(p, 'query', p.required === true)),
      ...(request?.headers ?? []).map((p) => this.parameter(p, 'header', p.required === true)),
    ];
  }

  private formSchema(parameters: ParameterContract[]): JsonObject {
    const properties: JsonObject = {};
    for (const p of parameters) {
      properties[p.name] = { ...this.typeFields(p), ...(p.description ? { description: p.description } : {}) };
    }
    const required = parameters.filter((p) => p.required === true).map((p) => p.name);
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  }

  private content(representations: RepresentationContract[]): JsonObject {
    const content: JsonObject = {};
    for (const r of representations) {
      const media: JsonObject = {};
      if (r.formParameters && isFormContentType(r.contentType)) media.schema = this.formSchema(r.formParameters);
      else if (this.knownType(r.typeName)) media.schema = schemaRef(this.style, r.typeName);
      examplesOut(media, r.examples);
      content[r.contentType] = media;
    }
    return content;
  }

  private headers(headers: ParameterContract[]): JsonObject | undefined {
    if (headers.length === 0) return undefined;
    const out: JsonObject = {};
    for (const h of headers) {
      const header: JsonObject = {};
      if (h.description) header.description = h.description;
      if (this.style === 'openapi') {
        if (h.required) header.required = true;
        header.schema = this.typeFields(h);
      } else {
        Object.assign(header, this.typeFields(h));
      }
      out[h.name] = header;
    }
    return out;
  }

  private operationV3(op: OperationContract): JsonObject {
    const props = op.properties;
    const out: JsonObject = { summary: props.displayName };
    if (props.description) out.description = props.description;
    out.operationId = op.name;
    const parameters = this.parameters(op);
    if (parameters.length > 0) out.parameters = parameters;
    const request = props.request;
    const representations = request?.representations ?? [];
    if (representations.length > 0 || request?.description) {
      out.requestBody = {
        ...(request?.description ? { description: request.description } : {}),
        content: this.content(representations),
      };
    }
    const responses: JsonObject = {};
    for (const response of props.responses) {
      const r: JsonObject = { description: response.description ?? '' };
      const headers = this.headers(response.headers ?? []);
      if (headers) r.headers = headers;
      if ((response.representations ?? []).length > 0) r.content = this.content(response.representations ?? []);
      responses[String(response.statusCode)] = r;
    }
    out.responses = responses;
    return out;
  }

  /** Swagger 2 has one body schema per operation and one per response; content types go to consumes/produces. */
  private operationV2(op: OperationContract): JsonObject {
    const props = op.properties;
    const out: JsonObject = { summary: props.displayName };
    if (props.description) out.description = props.description;
    out.operationId = op.name;
    const representations = props.request?.representations ?? [];
    const consumes = [...new Set(representations.map((r) => r.contentType))];
    const produces = [...new Set(props.responses.flatMap((r) => (r.representations ?? []).map((x) => x.contentType)))];
    if (consumes.length > 0) out.consumes = consumes;
    if (produces.length > 0) out.produces = produces;
    const parameters = this.parameters(op);
    const bodies = representations.filter((r) => !isFormContentType(r.contentType));
    if (bodies.length > 0) {
      const typed = bodies.find((r) => this.knownType(r.typeName));
      parameters.push({
        name: 'body',
        in: 'body',
        ...(props.request?.description ? { description: props.request.description } : {}),
        schema: typed?.typeName !== undefined ? schemaRef(this.style, typed.typeName) : {},
      });
    }
    const form = representations.find((r) => isFormContentType(r.contentType));
    for (const p of form?.formParameters ?? []) {
      parameters.push({ name: p.name, in: 'formData', ...(p.description ? { description: p.description } : {}), ...(p.required ? { required: true } : {}), ...this.typeFields(p) });
    }
    if (parameters.length > 0) out.parameters = parameters;
    const responses: JsonObject = {};
    for (const response of props.responses) {
      const r: JsonObject = { description: response.description ?? '' };
      const reps = response.representations ?? [];
      const typed = reps.find((x) => this.knownType(x.typeName));
      if (typed?.typeName !== undefined) r.schema = schemaRef(this.style, typed.typeName);
      const headers = this.headers(response.headers ?? []);
      if (headers) r.headers = headers;
      const examples: JsonObject = {};
      for (const x of reps) {
        const value = x.examples?.default;
        if (value && 'value' in value) examples[x.contentType] = value.value;
      }
      if (Object.keys(examples).length > 0) r.examples = examples;
      responses[String(response.statusCode)] = r;
    }
    out.responses = responses;
    return out;
  }

  private paths(): { paths: JsonObject; extra: JsonObject } {
    const paths: JsonObject = {};
    const extra: JsonObject = {};
    for (const op of this.input.operations) {
      const method = op.properties.method.toLowerCase();
      if (!EXPORTABLE_METHODS.has(method)) continue;
      const { path, hasLiteralQuery } = templateLocations(op.properties.urlTemplate, op.properties.templateParameters);
      // Two operations that differ only in their query template share an OpenAPI path, and a literal query
      // part (`/?soapAction=…`) has no OpenAPI form at all; APIM's own `x-ms-paths` extension carries those
      // under the full template.
      let target = paths;
      let key = path;
      if (hasLiteralQuery || (isObject(paths[path]) && (paths[path] as JsonObject)[method] !== undefined)) {
        target = extra;
        key = op.properties.urlTemplate;
        if (isObject(extra[key]) && (extra[key] as JsonObject)[method] !== undefined) continue;
      }
      const item = (isObject(target[key]) ? target[key] : (target[key] = {})) as JsonObject;
      item[method] = this.style === 'openapi' ? this.operationV3(op) : this.operationV2(op);
    }
    return { paths, extra };
  }

  private security(): { schemes: JsonObject; requirement: JsonObject[] } | undefined {
    const props = this.input.api.properties;
    if (props.subscriptionRequired === false) return undefined;
    const names = isObject(props.subscriptionKeyParameterNames) ? props.subscriptionKeyParameterNames : {};
    const header = typeof names.header === 'string' ? names.header : 'Ocp-Apim-Subscription-Key';
    const query = typeof names.query === 'string' ? names.query : 'subscription-key';
    return {
      schemes: {
        apiKeyHeader: { type: 'apiKey', name: header, in: 'header' },
        apiKeyQuery: { type: 'apiKey', name: query, in: 'query' },
      },
      requirement: [{ apiKeyHeader: [] }, { apiKeyQuery: [] }],
    };
  }

  document(): JsonObject {
    const props = this.input.api.properties;
    const info: JsonObject = {
      title: typeof props.displayName === 'string' ? props.displayName : this.input.api.name,
      description: typeof props.description === 'string' ? props.description : '',
      version: typeof props.apiVersion === 'string' && props.apiVersion !== '' ? props.apiVersion : '1.0',
    };
    const url = apiServerUrl(this.input);
    const { paths, extra } = this.paths();
    const security = this.security();
    const hasSchemas = Object.keys(this.schemas).length > 0;
    if (this.style === 'openapi') {
      const doc: JsonObject = { openapi: '3.0.1', info };
      if (url) doc.servers = [{ url }];
      doc.paths = paths;
      if (Object.keys(extra).length > 0) doc['x-ms-paths'] = extra;
      if (hasSchemas || security) {
        doc.components = {
          ...(hasSchemas ? { schemas: this.schemas } : {}),
          ...(security ? { securitySchemes: security.schemes } : {}),
        };
      }
      if (security) doc.security = security.requirement;
      return doc;
    }
    const doc: JsonObject = { swagger: '2.0', info };
    if (url) {
      const parsed = /^(https?):\/\/([^/]+)(\/.*)?$/i.exec(url);
      if (parsed) {
        doc.host = parsed[2];
        doc.basePath = parsed[3] && parsed[3] !== '' ? parsed[3] : '/';
        doc.schemes = [(parsed[1] as string).toLowerCase()];
      }
    }
    doc.paths = paths;
    if (Object.keys(extra).length > 0) doc['x-ms-paths'] = extra;
    if (hasSchemas) doc.definitions = this.schemas;
    if (security) {
      doc.securityDefinitions = security.schemes;
      doc.security = security.requirement;
    }
    return doc;
  }
}

export function exportOpenApiDocument(input: ExportInput, style: OpenApiStyle): JsonObject {
  return new OpenApiWriter(input, style).document();
}
