// OpenAPI 3 and Swagger 2 documents → APIM operations and schemas, following APIM's documented import rules
// (learn.microsoft.com "API import restrictions and known issues"): operation name from the normalised
// operationId, display name from summary, required query parameters turned into template parameters, request
// bodies of GET/HEAD/OPTIONS discarded, security definitions and custom extensions ignored except `x-ms-paths`,
// no external `$ref`, one schema holding the component definitions.
import { OPENAPI2_INVALID, OPENAPI3_INVALID, SpecImportError } from './errors.ts';
import { asArray, isObject, nonEmptyString, parseJsonDocument, parseYamlDocument } from './documents.ts';
import type { JsonObject } from './documents.ts';
import {
  NameAllocator,
  generatedDisplayName,
  generatedOperationName,
  normalizeOperationName,
  pascalCase,
  schemaIdFor,
} from './names.ts';
import { placeParameters, stringValue } from './templates.ts';
import type { DeclaredParameter, ParameterLocation } from './templates.ts';
import { SCHEMA_CONTENT_TYPES } from './types.ts';
import type {
  ImportOptions,
  ImportedApi,
  OperationContract,
  ParameterContract,
  ParameterExamplesContract,
  RepresentationContract,
  ResponseContract,
} from './types.ts';

export type OpenApiStyle = 'openapi' | 'swagger';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const FORM_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

export function isFormContentType(contentType: string): boolean {
  return FORM_CONTENT_TYPES.has(contentType.toLowerCase().split(';')[0]?.trim() ?? '');
}

export function schemaRefPrefix(style: OpenApiStyle): string {
  return style === 'openapi' ? '#/components/schemas/' : '#/definitions/';
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
}

export function schemaRef(style: OpenApiStyle, typeName: string): JsonObject {
  return { $ref: `${schemaRefPrefix(style)}${escapePointer(typeName)}` };
}

function invalid(style: OpenApiStyle, reason: string): SpecImportError {
  return new SpecImportError([reason, style === 'openapi' ? OPENAPI3_INVALID : OPENAPI2_INVALID]);
}

function findExternalRef(document: unknown): string | undefined {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value)) {
      const ref = (value as JsonObject).$ref;
      if (typeof ref === 'string' && !ref.startsWith('#')) return ref;
    }
    stack.push(...Object.values(value));
  }
  return undefined;
}

function isEmptySchema(schema: unknown): boolean {
  return !isObject(schema) || Object.keys(schema).length === 0;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class OpenApiReader {
  private readonly names = new NameAllocator();
  private readonly schemaContentType: string;
  private readonly schemaId: string;
  private readonly operations: OperationContract[] = [];
  private readonly routes = new Set<string>();

  constructor(
    private readonly style: OpenApiStyle,
    private readonly doc: JsonObject,
    private readonly options: ImportOptions,
  ) {
    this.schemaContentType = style === 'openapi' ? SCHEMA_CONTENT_TYPES.openapi : SCHEMA_CONTENT_TYPES.swagger;
    this.schemaId = schemaIdFor(this.schemaContentType);
  }

  read(): ImportedApi {
    const { doc, style } = this;
    if (!isObject(doc.paths)) throw invalid(style, "The document has no 'paths' object. [#/paths]");
    if (!isObject(doc.info)) throw invalid(style, "The document has no 'info' object. [#/info]");
    const external = findExternalRef(doc);
    if (external !== undefined) throw invalid(style, `$ref pointers can't reference external files: '${external}'.`);
    const extra = doc['x-ms-paths'];
    const entries: [string, unknown, string][] = [
      ...Object.entries(doc.paths).map(([k, v]): [string, unknown, string] => [k, v, `#/paths/${escapePointer(k)}`]),
      ...(isObject(extra) ? Object.entries(extra) : []).map(([k, v]): [string, unknown, string] => [k, v, `#/x-ms-paths/${escapePointer(k)}`]),
    ];
    for (const [path, item, pointer] of entries) this.readPath(path, item, pointer);

    const schemas = this.schemas(false);
    const info = doc.info;
    return {
      displayName: nonEmptyString(info.title),
      description: nonEmptyString(info.description),
      serviceUrl: this.serviceUrl(),
      apiType: 'http',
      operations: this.operations,
      schemas:
        schemas && Object.keys(schemas).length > 0
          ? [
              {
                id: this.schemaId,
                contentType: this.schemaContentType,
                // A copy: the schema resource and the kept source document must not share objects.
                document: structuredClone(style === 'openapi' ? { components: { schemas } } : { definitions: schemas }),
              },
            ]
          : [],
      source: { kind: style, document: doc },
    };
  }

  /** The definitions map inside the document (created on demand, so hoisted schemas land in the source too). */
  private schemas(create: true): JsonObject;
  private schemas(create: false): JsonObject | undefined;
  private schemas(create: boolean): JsonObject | undefined {
    const { doc } = this;
    if (this.style === 'swagger') {
      if (!isObject(doc.definitions)) {
        if (!create) return undefined;
        doc.definitions = {};
      }
      return doc.definitions as JsonObject;
    }
    if (!isObject(doc.components)) {
      if (!create) return undefined;
      doc.components = {};
    }
    const components = doc.components as JsonObject;
    if (!isObject(components.schemas)) {
      if (!create) return undefined;
      components.schemas = {};
    }
    return components.schemas as JsonObject;
  }

  /** APIM picks the first HTTPS server, else the first HTTP one; Swagger 2 is scheme + host + basePath. */
  private serviceUrl(): string | undefined {
    const { doc } = this;
    if (this.style === 'swagger') {
      const host = nonEmptyString(doc.host);
      if (!host) return undefined;
      const schemes = asArray(doc.schemes).filter((s): s is string => typeof s === 'string');
      const scheme = schemes.length === 0 || schemes.includes('https') ? 'https' : (schemes[0] as string);
      const basePath = typeof doc.basePath === 'string' && doc.basePath !== '/' ? doc.basePath : '';
      return `${scheme}://${host}${basePath}`;
    }
    const urls = asArray(doc.servers)
      .filter(isObject)
      .map((server) => {
        const url = nonEmptyString(server.url);
        if (!url) return undefined;
        const variables = isObject(server.variables) ? server.variables : {};
        return url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
          const variable = variables[name];
          return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
        });
      })
      .filter((u): u is string => u !== undefined);
    return urls.find((u) => /^https:\/\//i.test(u)) ?? urls.find((u) => /^http:\/\//i.test(u));
  }

  private lookup(ref: string, where: string): unknown {
    if (!ref.startsWith('#/')) throw invalid(this.style, `Invalid reference '${ref}'. [${where}]`);
    let current: unknown = this.doc;
    for (const token of ref.slice(2).split('/').map(unescapePointer)) {
      if (typeof current !== 'object' || current === null || !(token in current)) {
        throw invalid(this.style, `Invalid reference '${ref}': the target does not exist. [${where}]`);
      }
      current = (current as Record<string, unknown>)[token];
    }
    return current;
  }

  private resolve(node: unknown, where: string): unknown {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw invalid(this.style, `Circular reference '${current.$ref}'. [${where}]`);
      current = this.lookup(current.$ref, where);
    }
    return current;
  }

  /** `typeName` when the schema is exactly a reference to a named definition. */
  private referencedType(schema: unknown, where: string): string | undefined {
    if (!isObject(schema) || typeof schema.$ref !== 'string' || Object.keys(schema).length !== 1) return undefined;
    const prefix = schemaRefPrefix(this.style);
    if (!schema.$ref.startsWith(prefix)) return undefined;
    const rest = schema.$ref.slice(prefix.length);
    if (rest.includes('/')) return undefined;
    const name = unescapePointer(rest);
    this.lookup(schema.$ref, where);
    return name;
  }

  /**
   * A body schema written inline gets a generated definition name, the way APIM names them
   * (`ManualPathsInvokeGet200ApplicationJsonResponse` in the APIOps samples), so the operation can refer to it
   * by `typeName` and an export can write it back under components.
   */
  private typeNameFor(holder: JsonObject, key: string, suggested: string, where: string): string | undefined {
    const schema = holder[key];
    if (isEmptySchema(schema)) return undefined;
    const referenced = this.referencedType(schema, where);
    if (referenced !== undefined) return referenced;
    const schemas = this.schemas(true);
    let name = suggested;
    for (let n = 1; schemas[name] !== undefined && !sameJson(schemas[name], schema); n++) name = `${suggested}${n}`;
    schemas[name] = schema;
    holder[key] = schemaRef(this.style, name);
    return name;
  }

  private schemaType(schema: unknown, where: string): { type: string; values: string[]; defaultValue?: string } {
    const resolved = this.resolve(schema, where);
    if (!isObject(resolved)) return { type: 'string', values: [] };
    const rawType = Array.isArray(resolved.type) ? resolved.type.find((t) => t !== 'null') : resolved.type;
    const type = typeof rawType === 'string' ? rawType : isObject(resolved.properties) ? 'object' : 'string';
    const values = asArray(resolved.enum).map(stringValue);
    return resolved.default === undefined ? { type, values } : { type, values, defaultValue: stringValue(resolved.default) };
  }

  private examples(holder: JsonObject, where: string): ParameterExamplesContract | undefined {
    if (holder.example !== undefined) return { default: { value: holder.example } };
    if (!isObject(holder.examples)) return undefined;
    const result: ParameterExamplesContract = {};
    for (const [name, raw] of Object.entries(holder.examples)) {
      const example = this.resolve(raw, `${where}/examples/${escapePointer(name)}`);
      if (!isObject(example)) continue;
      result[name] = {
        ...(nonEmptyString(example.summary) ? { summary: example.summary as string } : {}),
        ...(nonEmptyString(example.description) ? { description: example.description as string } : {}),
        ...(example.value !== undefined ? { value: example.value } : {}),
        ...(nonEmptyString(example.externalValue) ? { externalValue: example.externalValue as string } : {}),
      };
    }
    return Object.keys(result).length > 0 ? result : undefined;
  }

  private parameter(raw: JsonObject, location: ParameterLocation, where: string): ParameterContract {
    const name = raw.name as string;
    const typed = this.style === 'openapi' ? this.schemaType(raw.schema, where) : this.schemaType(raw, where);
    const parameter: ParameterContract = {
      name,
      ...(nonEmptyString(raw.description) ? { description: raw.description as string } : {}),
      type: typed.type,
      ...(typed.defaultValue !== undefined ? { defaultValue: typed.defaultValue } : {}),
      required: location === 'path' ? true : raw.required === true,
      values: typed.values,
    };
    if (this.style === 'openapi') {
      const typeName = this.referencedType(raw.schema, where);
      if (typeName !== undefined) {
        parameter.schemaId = this.schemaId;
        parameter.typeName = typeName;
      }
      const examples = this.examples(raw, where);
      if (examples) parameter.examples = examples;
    }
    return parameter;
  }

  private formParameters(schema: unknown, where: string): ParameterContract[] {
    const resolved = this.resolve(schema, where);
    if (!isObject(resolved) || !isObject(resolved.properties)) return [];
    const required = new Set(asArray(resolved.required).filter((r): r is string => typeof r === 'string'));
    return Object.entries(resolved.properties).map(([name, property]) => {
      const typed = this.schemaType(property, where);
      const resolvedProperty = this.resolve(property, where);
      const description = isObject(resolvedProperty) ? nonEmptyString(resolvedProperty.description) : undefined;
      return {
        name,
        ...(description ? { description } : {}),
        type: typed.type,
        ...(typed.defaultValue !== undefined ? { defaultValue: typed.defaultValue } : {}),
        required: required.has(name),
        values: typed.values,
      };
    });
  }

  /** One OpenAPI 3 media type object → one representation. */
  private representation(contentType: string, media: JsonObject, suggested: string, where: string): RepresentationContract {
    const representation: RepresentationContract = { contentType };
    if (isFormContentType(contentType)) {
      representation.formParameters = this.formParameters(media.schema, where);
    } else {
      const typeName = this.typeNameFor(media, 'schema', suggested, where);
      if (typeName !== undefined) {
        representation.schemaId = this.schemaId;
        representation.typeName = typeName;
      }
    }
    const examples = this.examples(media, where);
    if (examples) representation.examples = examples;
    return representation;
  }

  private mergedParameters(pathLevel: unknown, operationLevel: unknown, where: string): JsonObject[] {
    const merged: JsonObject[] = [];
    for (const raw of [...asArray(pathLevel), ...asArray(operationLevel)]) {
      const parameter = this.resolve(raw, where);
      if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') {
        throw invalid(this.style, `Every parameter needs a 'name' and an 'in'. [${where}]`);
      }
      const index = merged.findIndex((p) => p.name === parameter.name && p.in === parameter.in);
      if (index >= 0) merged[index] = parameter;
      else merged.push(parameter);
    }
    return merged;
  }

  private readPath(path: string, rawItem: unknown, where: string): void {
    if (!path.startsWith('/')) throw invalid(this.style, `Path '${path}' must begin with '/'. [${where}]`);
    const item = this.resolve(rawItem, where);
    if (!isObject(item)) throw invalid(this.style, `Path item '${path}' must be an object. [${where}]`);
    for (const key of Object.keys(item)) {
      if (!(HTTP_METHODS as readonly string[]).includes(key)) continue;
      const operation = item[key];
      const opWhere = `${where}/${key}`;
      if (!isObject(operation)) throw invalid(this.style, `Operation must be an object. [${opWhere}]`);
      this.readOperation(path, key.toUpperCase(), item, operation, opWhere);
    }
  }

  private readOperation(path: string, method: string, item: JsonObject, operation: JsonObject, where: string): void {
    const parameters = this.mergedParameters(item.parameters, operation.parameters, where);
    const declared: DeclaredParameter[] = [];
    for (const raw of parameters) {
      if (raw.in === 'path' || raw.in === 'query' || raw.in === 'header') {
        declared.push({ location: raw.in, contract: this.parameter(raw, raw.in, where) });
      }
    }
    const placed = placeParameters({
      path,
      declared,
      translateRequiredQuery: this.options.translateRequiredQueryParameters !== 'query',
      where,
    });
    const route = `${method} ${placed.urlTemplate.toLowerCase()}`;
    if (this.routes.has(route)) {
      throw new SpecImportError(`Operation with the same method and URL template already exists: ${method}, ${placed.urlTemplate}`);
    }
    this.routes.add(route);

    const operationId = nonEmptyString(operation.operationId);
    const normalized = operationId ? normalizeOperationName(operationId) : '';
    const name = this.names.allocate(normalized !== '' ? normalized : generatedOperationName(method, placed.urlTemplate));
    const displayName = (nonEmptyString(operation.summary) ?? operationId ?? generatedDisplayName(method, placed.urlTemplate)).slice(0, 300);
    const description = nonEmptyString(operation.description);
    const stem = `${pascalCase(path.split('?')[0] ?? path)}${pascalCase(method.toLowerCase())}`;

    const body = this.requestBody(method, operation, parameters, stem, where);
    this.operations.push({
      name,
      properties: {
        displayName,
        method,
        urlTemplate: placed.urlTemplate,
        templateParameters: placed.templateParameters,
        ...(description ? { description } : {}),
        request: {
          ...(body.description ? { description: body.description } : {}),
          queryParameters: placed.queryParameters,
          headers: placed.headers,
          representations: body.representations,
        },
        responses: this.responses(operation, stem, where),
      },
    });
  }

  /** APIM discards request bodies of GET, HEAD and OPTIONS operations. */
  private requestBody(
    method: string,
    operation: JsonObject,
    parameters: JsonObject[],
    stem: string,
    where: string,
  ): { description?: string; representations: RepresentationContract[] } {
    if (BODYLESS_METHODS.has(method)) return { representations: [] };
    if (this.style === 'openapi') {
      const body = this.resolve(operation.requestBody, `${where}/requestBody`);
      if (!isObject(body)) return { representations: [] };
      const content = isObject(body.content) ? body.content : {};
      return {
        description: nonEmptyString(body.description),
        representations: Object.entries(content)
          .filter((entry): entry is [string, JsonObject] => isObject(entry[1]))
          .map(([contentType, media]) => this.representation(contentType, media, `${stem}Request`, `${where}/requestBody`)),
      };
    }
    const consumes = asArray(operation.consumes ?? this.doc.consumes).filter((c): c is string => typeof c === 'string');
    const body = parameters.find((p) => p.in === 'body');
    const form = parameters.filter((p) => p.in === 'formData');
    const representations: RepresentationContract[] = [];
    if (body) {
      const types = consumes.filter((c) => !isFormContentType(c));
      const typeName = this.typeNameFor(body, 'schema', `${stem}Request`, where);
      for (const contentType of types.length > 0 ? types : ['application/json']) {
        representations.push({
          contentType,
          ...(typeName !== undefined ? { schemaId: this.schemaId, typeName } : {}),
        });
      }
    }
    if (form.length > 0) {
      const types = consumes.filter(isFormContentType);
      const formParameters = form.map((p) => this.parameter(p, 'query', where));
      for (const contentType of types.length > 0 ? types : ['application/x-www-form-urlencoded']) {
        representations.push({ contentType, formParameters });
      }
    }
    return { description: body ? nonEmptyString(body.description) : undefined, representations };
  }

  private responseHeaders(headers: unknown, where: string): ParameterContract[] {
    if (!isObject(headers)) return [];
    return Object.entries(headers).map(([name, raw]) => {
      const header = this.resolve(raw, where);
      const holder = isObject(header) ? header : {};
      const typed = this.style === 'openapi' ? this.schemaType(holder.schema, where) : this.schemaType(holder, where);
      return {
        name,
        ...(nonEmptyString(holder.description) ? { description: holder.description as string } : {}),
        type: typed.type,
        ...(typed.defaultValue !== undefined ? { defaultValue: typed.defaultValue } : {}),
        required: holder.required === true,
        values: typed.values,
      };
    });
  }

  /** Numeric status codes only: the ARM contract has an integer `statusCode`, so `default` and `2XX` have no home. */
  private responses(operation: JsonObject, stem: string, where: string): ResponseContract[] {
    if (!isObject(operation.responses)) return [];
    const result: ResponseContract[] = [];
    for (const [code, raw] of Object.entries(operation.responses)) {
      if (!/^[1-5]\d\d$/.test(code)) continue;
      const responseWhere = `${where}/responses/${code}`;
      const response = this.resolve(raw, responseWhere);
      if (!isObject(response)) continue;
      const representations: RepresentationContract[] = [];
      if (this.style === 'openapi') {
        const content = isObject(response.content) ? response.content : {};
        for (const [contentType, media] of Object.entries(content)) {
          if (!isObject(media)) continue;
          representations.push(this.representation(contentType, media, `${stem}${code}${pascalCase(contentType)}Response`, responseWhere));
        }
      } else {
        const produces = asArray(operation.produces ?? this.doc.produces).filter((c): c is string => typeof c === 'string');
        const typeName = this.typeNameFor(response, 'schema', `${stem}${code}Response`, responseWhere);
        if (typeName !== undefined) {
          for (const contentType of produces.length > 0 ? produces : ['application/json']) {
            representations.push({ contentType, schemaId: this.schemaId, typeName });
          }
        }
        if (isObject(response.examples)) {
          for (const [contentType, value] of Object.entries(response.examples)) {
            let representation = representations.find((r) => r.contentType === contentType);
            if (!representation) {
              representation = { contentType };
              representations.push(representation);
            }
            representation.examples = { default: { value } };
          }
        }
      }
      result.push({
        statusCode: Number(code),
        ...(nonEmptyString(response.description) ? { description: response.description as string } : {}),
        representations,
        headers: this.responseHeaders(response.headers, responseWhere),
      });
    }
    return result;
  }
}

function detectStyle(document: JsonObject): OpenApiStyle | undefined {
  if (typeof document.openapi === 'string' && /^3\.\d+(\.\d+)?(-[\w.]+)?$/.test(document.openapi)) return 'openapi';
  if (document.swagger === '2.0' || document.swagger === 2) return 'swagger';
  return undefined;
}

/**
 * `openapi` is YAML (APIM also takes Swagger 2 YAML there), `openapi+json` and `swagger-json` are JSON; the
 * version inside the document decides how it is read.
 */
export function importOpenApi(text: string, syntax: 'yaml' | 'json', options: ImportOptions): ImportedApi {
  let value: unknown;
  try {
    value = syntax === 'yaml' ? parseYamlDocument(text) : parseJsonDocument(text);
  } catch (error) {
    if (!(error instanceof SpecImportError)) throw error;
    throw new SpecImportError([...error.details.map((d) => d.message), OPENAPI3_INVALID]);
  }
  if (!isObject(value)) throw invalid('openapi', 'The document is not an OpenAPI object.');
  const style = detectStyle(value);
  if (!style) {
    throw invalid('openapi', "The document declares neither 'openapi: 3.x' nor 'swagger: \"2.0\"'. [#/openapi]");
  }
  return new OpenApiReader(style, structuredClone(value), options).read();
}
