import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SpecImportError, importSpec } from '../../core/specs/index.ts';
import type { ImportFormat, ImportedApi, OperationContract } from '../../core/specs/index.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const samples = join(shared, 'apiops-samples');
const fixtures = fileURLToPath(new URL('../fixtures/specs/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (SOURCES.md writes sibling paths that way). */
function expandBraces(path: string): string[] {
  const match = /\{([^{}]*,[^{}]*)\}/.exec(path);
  if (!match) return [path];
  return (match[1] as string).split(',').flatMap((choice) => expandBraces(path.replace(match[0], choice)));
}

/** Specifications SOURCES.md lists as broken upstream. */
const knownBad = new Set(
  readFileSync(join(samples, 'SOURCES.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('- `') && line.includes('/specification.'))
    .flatMap((line) => expandBraces(/`([^`]+)`/.exec(line)?.[1] ?? ''))
    .map((path) => join(samples, path)),
);

function formatOf(file: string, text: string): ImportFormat {
  switch (extname(file)) {
    case '.yaml':
    case '.yml':
      return 'openapi';
    case '.json':
      return /"swagger"\s*:/.test(text) ? 'swagger-json' : 'openapi+json';
    case '.graphql':
      return 'graphql';
    case '.wadl':
      return 'wadl-xml';
    default:
      return 'wsdl';
  }
}

const sampleSpecs = walk(samples).filter((f) => /[\\/]specification\.[a-z]+$/.test(f));
const fixtureSpecs = readdirSync(fixtures).map((f) => join(fixtures, f));

function load(file: string): ImportedApi {
  const text = readFileSync(file, 'utf8');
  return importSpec(formatOf(file, text), text);
}

function operation(api: ImportedApi, name: string): OperationContract['properties'] {
  const found = api.operations.find((o) => o.name === name);
  if (!found) throw new Error(`no operation ${name} in ${api.operations.map((o) => o.name).join(', ')}`);
  return found.properties;
}

/** What every import must satisfy, whatever the format: APIM-valid names, unique routes, resolvable types. */
function expectWellFormed(api: ImportedApi): void {
  const names = api.operations.map((o) => o.name);
  expect(new Set(names).size).toBe(names.length);
  const routes = api.operations.map((o) => `${o.properties.method} ${o.properties.urlTemplate.toLowerCase()}`);
  expect(new Set(routes).size).toBe(routes.length);
  for (const op of api.operations) {
    expect(op.name).toMatch(/^[^*#&+:<>?]{1,80}$/);
    expect(op.properties.displayName.length).toBeGreaterThan(0);
    expect(op.properties.displayName.length).toBeLessThanOrEqual(300);
    expect(op.properties.method).toMatch(/^[A-Z]+$/);
    expect(op.properties.urlTemplate.startsWith('/')).toBe(true);
    const variables = [...op.properties.urlTemplate.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]);
    expect(op.properties.templateParameters.map((p) => p.name)).toEqual(variables);
    const representations = [
      ...(op.properties.request?.representations ?? []),
      ...op.properties.responses.flatMap((r) => r.representations ?? []),
    ];
    for (const r of representations) {
      if (r.schemaId === undefined) continue;
      const schema = api.schemas.find((s) => s.id === r.schemaId);
      expect(schema, `schema ${r.schemaId}`).toBeDefined();
      expect(JSON.stringify(schema?.document)).toContain(r.typeName);
    }
  }
  for (const schema of api.schemas) expect(schema.id === 'graphql' || /^[0-9a-f]{24}$/.test(schema.id)).toBe(true);
}

describe('importSpec reads the APIOps sample specifications', () => {
  it('finds the samples and the known-bad list', () => {
    expect(sampleSpecs.length).toBeGreaterThanOrEqual(15);
    expect(knownBad.size).toBe(2);
    for (const bad of knownBad) expect(sampleSpecs).toContain(bad);
  });

  it.each(sampleSpecs.filter((f) => !knownBad.has(f)).map((f) => [relative(samples, f), f]))('imports %s', (_name, file) => {
    expectWellFormed(load(file));
  });

  it.each([...knownBad].map((f) => [relative(samples, f), f]))('refuses the known-bad %s with a located parse error', (_name, file) => {
    const error = (() => {
      try {
        load(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SpecImportError);
    expect((error as SpecImportError).message).toMatch(/^Parsing error\(s\): \(Lin: 7, Col: \d+, Chr: \d+\)/);
    expect((error as SpecImportError).details.every((d) => d.code === 'ValidationError' && d.target === 'representation')).toBe(true);
  });

  const v7 = join(samples, 'Azure-apiops@v7-main-c248e0b/SampleArtifacts/apis');
  const v6 = join(samples, 'Azure-apiops@v6.0.1.10/SampleArtifacts/apis');

  it('takes names, display names and the first HTTPS server from OpenAPI 3 YAML', () => {
    const api = load(join(v7, 'basic-api/specification.yaml'));
    expect(api).toMatchObject({ displayName: 'basic-api', serviceUrl: 'https://example.azure-api.net/basic-api', apiType: 'http' });
    expect(api.operations.map((o) => [o.name, o.properties.displayName, o.properties.method, o.properties.urlTemplate])).toEqual([
      ['get-items', 'Get items', 'GET', '/items'],
      ['create-item', 'Create item', 'POST', '/items'],
    ]);
    expect(operation(api, 'create-item').request?.representations).toEqual([
      { contentType: 'application/json', schemaId: api.schemas[0]?.id, typeName: 'ItemsPostRequest' },
    ]);
    expect(api.schemas[0]).toMatchObject({
      contentType: 'application/vnd.oai.openapi.components+json',
      document: { components: { schemas: { ItemsPostRequest: { type: 'object' } } } },
    });
  });

  it('reads OpenAPI 3 JSON', () => {
    const api = load(join(v7, 'versioned-api-v2/specification.json'));
    expect(api.operations.map((o) => o.name)).toEqual(['get-version-v2']);
    expect(api.description).toBe('Version 2 of a versioned API using OpenAPI JSON.');
  });

  it('lower-cases operationIds (GetSessions → getsessions) and keeps component schemas', () => {
    const api = load(join(v6, 'demo-conference-api/specification.yaml'));
    expect(api.operations).toHaveLength(12);
    expect(operation(api, 'getsessions').displayName).toBe('GetSessions');
    expect(operation(api, 'submitsession').request?.representations).toEqual([
      { contentType: 'text/plain', schemaId: api.schemas[0]?.id, typeName: 'Body', examples: { default: { value: '' } } },
    ]);
    expect(operation(api, 'getsession').templateParameters).toEqual([
      { name: 'id', description: 'Format - int32.', type: 'integer', required: true, values: [] },
    ]);
  });

  it('imports an API with no paths and a non-string server url', () => {
    const api = load(join(v6, 'myversionedapi/specification.yaml'));
    expect(api.operations).toEqual([]);
    expect(api.serviceUrl).toBeUndefined();
    expect(api.schemas).toEqual([]);
  });

  it('imports WADL', () => {
    const api = load(join(v7, 'wadl-api/specification.wadl'));
    expect(api).toMatchObject({ displayName: 'wadl-api', description: 'HTTP API using specification.wadl.', serviceUrl: 'https://example.com/wadl' });
    expect(api.operations).toEqual([
      {
        name: 'get-wadl-status',
        properties: {
          displayName: 'get-wadl-status',
          method: 'GET',
          urlTemplate: '/status',
          templateParameters: [],
          request: { queryParameters: [], headers: [], representations: [] },
          responses: [{ statusCode: 200, representations: [{ contentType: 'application/json' }], headers: [] }],
        },
      },
    ]);
  });

  it('makes one operation per root field of a GraphQL schema and keeps the SDL', () => {
    const file = join(v6, 'spacex/specification.graphql');
    const sdl = readFileSync(file, 'utf8');
    const schema = buildSchema(sdl);
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .flatMap((t) => (t ? Object.keys(t.getFields()) : []));
    const api = load(file);
    expect(api.apiType).toBe('graphql');
    expect(api.operations.map((o) => o.properties.displayName)).toEqual(fields);
    expect(api.operations.every((o) => o.properties.method === 'POST')).toBe(true);
    expect(api.schemas).toEqual([{ id: 'graphql', contentType: 'application/vnd.ms-azure-apim.graphql.schema', document: { value: sdl } }]);
  });
});

describe('importSpec follows APIM import rules', () => {
  const oas = (paths: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ openapi: '3.0.1', info: { title: 'T', version: '1' }, paths, ...extra });
  const single = (op: Record<string, unknown>, path = '/pets/{petId}', method = 'get') => oas({ [path]: { [method]: { responses: { '200': { description: 'ok' } }, ...op } } });
  const only = (text: string, options = {}) => {
    const api = importSpec('openapi+json', text, options);
    expect(api.operations).toHaveLength(1);
    return api.operations[0] as OperationContract;
  };
  const petId = { name: 'petId', in: 'path', required: true, schema: { type: 'string' } };

  it.each([
    ['lower-cased', 'GetPet', 'getpet'],
    ['runs of other characters become one dash', 'Pets_Get by ID!', 'pets-get-by-id'],
    ['trimmed of dashes', '--get--', 'get'],
    ['truncated to 76 characters', 'x'.repeat(100), 'x'.repeat(76)],
  ])('normalises operationId: %s', (_name, operationId, expected) => {
    expect(only(single({ operationId, parameters: [petId] })).name).toBe(expected);
  });

  it('generates <method>-<path> names and "Method - /path" display names without an operationId', () => {
    const op = only(single({ parameters: [petId] }));
    expect(op.name).toBe('get-pets-petid');
    expect(op.properties.displayName).toBe('Get - /pets/{petId}');
  });

  it('uses summary, then operationId, as the display name', () => {
    expect(only(single({ operationId: 'Pet_Get', summary: 'Get a pet', parameters: [petId] })).properties.displayName).toBe('Get a pet');
    expect(only(single({ operationId: 'Pet_Get', parameters: [petId] })).properties.displayName).toBe('Pet_Get');
  });

  it('de-duplicates names with -1, -2', () => {
    const api = importSpec(
      'openapi+json',
      oas({
        '/a': { get: { operationId: 'List', responses: {} }, post: { operationId: 'list', responses: {} } },
        '/b': { get: { operationId: 'LIST', responses: {} } },
      }),
    );
    expect(api.operations.map((o) => o.name)).toEqual(['list', 'list-1', 'list-2']);
  });

  it('turns required query parameters into template parameters unless told not to', () => {
    const text = single({
      parameters: [petId, { name: 'fields', in: 'query', required: true, schema: { type: 'string' } }, { name: 'page', in: 'query', schema: { type: 'integer' } }],
    });
    const template = only(text);
    expect(template.properties.urlTemplate).toBe('/pets/{petId}?fields={fields}');
    expect(template.properties.templateParameters.map((p) => p.name)).toEqual(['petId', 'fields']);
    expect(template.properties.request?.queryParameters?.map((p) => p.name)).toEqual(['page']);
    const query = only(text, { translateRequiredQueryParameters: 'query' });
    expect(query.properties.urlTemplate).toBe('/pets/{petId}');
    expect(query.properties.request?.queryParameters?.map((p) => [p.name, p.required])).toEqual([['fields', true], ['page', false]]);
  });

  it('discards request bodies of GET, HEAD and OPTIONS', () => {
    const body = { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } };
    for (const method of ['get', 'head', 'options']) {
      expect(only(single(body, '/x', method)).properties.request?.representations).toEqual([]);
    }
    expect(only(single(body, '/x', 'put')).properties.request?.representations).toHaveLength(1);
  });

  it('reads path-level parameters, $ref parameters and operation overrides', () => {
    const text = oas(
      { '/pets/{petId}': { parameters: [{ $ref: '#/components/parameters/PetId' }, { name: 'v', in: 'header', schema: { type: 'string' } }], get: { parameters: [{ name: 'v', in: 'header', required: true, schema: { type: 'integer' } }], responses: {} } } },
      { components: { parameters: { PetId: { name: 'petId', in: 'path', required: true, description: 'The pet.', schema: { type: 'integer' } } } } },
    );
    const op = only(text);
    expect(op.properties.templateParameters).toEqual([{ name: 'petId', description: 'The pet.', type: 'integer', required: true, values: [] }]);
    expect(op.properties.request?.headers).toEqual([{ name: 'v', type: 'integer', required: true, values: [] }]);
  });

  it('takes Swagger 2 serviceUrl from schemes, host and basePath, preferring https', () => {
    const api = load(join(fixtures, 'petstore.swagger.json'));
    expect(api.serviceUrl).toBe('https://clinic.example.org/api');
    expect(api.schemas[0]?.contentType).toBe('application/vnd.ms-azure-apim.swagger.definitions+json');
    expect(Object.keys((api.schemas[0]?.document.definitions ?? {}) as object)).toEqual(['Patient', 'Schedule', 'PatientsGet200Response']);
  });

  it('reads Swagger 2 bodies, form data, produces and response examples', () => {
    const api = load(join(fixtures, 'petstore.swagger.json'));
    const schemaId = api.schemas[0]?.id;
    expect(operation(api, 'registerpatient').request).toEqual({
      description: 'The new patient.',
      queryParameters: [],
      headers: [],
      representations: [{ contentType: 'application/json', schemaId, typeName: 'Patient' }],
    });
    expect(operation(api, 'registerpatient').responses[1]).toEqual({
      statusCode: 409,
      description: 'Already registered.',
      representations: [{ contentType: 'application/json', examples: { default: { value: { code: 'duplicate' } } } }],
      headers: [],
    });
    expect(operation(api, 'uploadphoto').request?.representations).toEqual([
      {
        contentType: 'multipart/form-data',
        formParameters: [
          { name: 'file', type: 'file', required: true, values: [] },
          { name: 'caption', type: 'string', required: false, values: [] },
        ],
      },
    ]);
    const day = operation(api, 'get-appointments-day-vet-vet');
    expect(day.urlTemplate).toBe('/appointments/{day}?vet={vet}');
    expect(day.responses[0]?.representations?.map((r) => r.contentType)).toEqual(['application/json', 'text/csv']);
  });

  it('hoists inline schemas under APIM-style names and resolves $ref responses', () => {
    const api = load(join(fixtures, 'inventory.openapi.yaml'));
    expect(api.serviceUrl).toBe('https://westeurope.inventory.example/v2');
    const create = operation(api, 'items-create');
    expect(create.request?.representations?.map((r) => r.typeName)).toEqual(['Item', 'ItemsPostRequest']);
    expect(create.responses.map((r) => [r.statusCode, r.description, r.representations?.[0]?.typeName])).toEqual([
      [201, 'Created.', undefined],
      [400, 'Invalid item.', 'ItemsPost400ApplicationProblemJsonResponse'],
    ]);
    expect(operation(api, 'items-list').responses.map((r) => r.statusCode)).toEqual([200]);
    expect(operation(api, 'items-summary').urlTemplate).toBe('/items?view=summary');
    expect(operation(api, 'post-items-itemid-reservations').request?.representations?.[0]?.formParameters?.map((p) => [p.name, p.type, p.required])).toEqual([
      ['quantity', 'integer', true],
      ['note', 'string', false],
    ]);
    expect(operation(api, 'items-get').templateParameters[0]).toMatchObject({ typeName: 'ItemId', examples: { default: { value: 'H-1' } } });
  });

  it('reads a WSDL SOAP 1.1 port by default and SOAP 1.2 on request', () => {
    const text = readFileSync(join(fixtures, 'orders.wsdl'), 'utf8');
    const api = importSpec('wsdl', text);
    expect(api).toMatchObject({ displayName: 'OrderDesk', description: 'Places and tracks orders.', serviceUrl: 'https://orders.example.com/OrderDesk.svc', apiType: 'soap' });
    const schemaId = api.schemas[0]?.id;
    expect(api.operations[0]).toEqual({
      name: 'placeorder',
      properties: {
        displayName: 'PlaceOrder',
        method: 'POST',
        urlTemplate: '/?soapAction=urn:example:orders/IOrderDesk/PlaceOrder',
        templateParameters: [],
        description: 'Places a new order.',
        request: {
          description: 'IOrderDesk_PlaceOrder_InputMessage',
          queryParameters: [],
          headers: [],
          representations: [{ contentType: 'text/xml', schemaId, typeName: 'PlaceOrder' }],
        },
        responses: [
          {
            statusCode: 200,
            description: 'IOrderDesk_PlaceOrder_OutputMessage',
            representations: [{ contentType: 'text/xml', schemaId, typeName: 'PlaceOrderResponse' }],
            headers: [],
          },
        ],
      },
    });
    const schema = api.schemas[0]?.document.value as string;
    expect(api.schemas[0]?.contentType).toBe('application/vnd.ms-azure-apim.xsd+xml');
    expect(schema).toMatch(/^<xsd:schema xmlns:wsdl="http:\/\/schemas.xmlsoap.org\/wsdl\/"/);
    expect(schema).toContain('xmlns:tns="urn:example:orders"');
    const soap12 = importSpec('wsdl', text, { wsdlSelector: { wsdlServiceName: 'OrderDesk', wsdlEndpointName: 'OrderDeskSoap12' } });
    expect(soap12.serviceUrl).toBe('https://orders.example.com/OrderDesk.svc/soap12');
    expect(soap12.operations[1]?.properties.request?.representations?.[0]?.contentType).toBe('application/soap+xml');
  });

  it('reads WADL nested resources, inherited template parameters and grammars', () => {
    const api = load(join(fixtures, 'library.wadl'));
    expect(api).toMatchObject({ displayName: 'Library', description: 'Books and loans.', serviceUrl: 'https://library.example.net/v1' });
    expect(api.operations.map((o) => [o.name, o.properties.method, o.properties.urlTemplate])).toEqual([
      ['listbooks', 'GET', '/books?shelf={shelf}'],
      ['getbook', 'GET', '/books/{isbn}'],
      ['post-books-isbn-loans', 'POST', '/books/{isbn}/loans'],
    ]);
    expect(operation(api, 'listbooks').templateParameters).toEqual([{ name: 'shelf', type: 'string', required: true, values: ['fiction', 'science'] }]);
    expect(operation(api, 'getbook').responses.map((r) => r.statusCode)).toEqual([200, 203, 404]);
    expect(operation(api, 'post-books-isbn-loans').request?.headers).toEqual([{ name: 'X-Member', type: 'string', required: true, values: [] }]);
    expect(api.schemas[0]).toMatchObject({ contentType: 'application/vnd.ms-azure-apim.wadl.grammars+xml' });
    expect(operation(api, 'listbooks').responses[0]?.representations).toEqual([{ contentType: 'application/xml', schemaId: api.schemas[0]?.id, typeName: 'Book' }]);
  });

  it.each(fixtureSpecs.map((f) => [relative(fixtures, f), f]))('produces a well-formed import of fixture %s', (_name, file) => {
    expectWellFormed(load(file));
  });
});

function importError(format: ImportFormat, text: string): SpecImportError {
  try {
    importSpec(format, text);
  } catch (error) {
    if (error instanceof SpecImportError) return error;
    throw new Error(`expected a SpecImportError, got ${String(error)}`);
  }
  throw new Error('expected the import to fail');
}

describe('importSpec refuses bad documents with SpecImportError only', () => {
  const deepJson = `${'['.repeat(20000)}${']'.repeat(20000)}`;
  const deepYaml = `openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`;
  const aliasBomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)].join('\n');
  it.each<[string, ImportFormat, string]>([
    ['an empty OpenAPI YAML', 'openapi', ''],
    ['white space', 'openapi+json', '  \n '],
    ['plain garbage', 'openapi', 'garbage: [unclosed'],
    ['YAML under swagger-json', 'swagger-json', 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n'],
    ['JSON that is not OpenAPI', 'openapi+json', '{"name": "not an api"}'],
    ['a JSON array', 'openapi+json', '[1, 2, 3]'],
    ['a JSON scalar', 'swagger-json', '42'],
    ['null', 'openapi', 'null'],
    ['OpenAPI without paths', 'openapi+json', '{"openapi": "3.0.1", "info": {"title": "t", "version": "1"}}'],
    ['Swagger 1.2', 'swagger-json', '{"swaggerVersion": "1.2", "apis": []}'],
    ['paths that are a list', 'openapi', 'openapi: 3.0.1\ninfo: {title: t, version: "1"}\npaths: [1, 2]\n'],
    ['an external $ref', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"parameters":[{"$ref":"common.yaml#/p"}],"responses":{}}}}}'],
    ['a dangling $ref', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"parameters":[{"$ref":"#/components/parameters/nope"}],"responses":{}}}}}'],
    ['a circular $ref', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"$ref":"#/paths/~1a"}}}'],
    ['a path parameter missing from the template', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"parameters":[{"name":"id","in":"path","required":true}],"responses":{}}}}}'],
    ['the same route twice', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{}}}},"x-ms-paths":{"/A":{"get":{"responses":{}}}}}'],
    ['a path without a leading slash', 'openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"a":{"get":{"responses":{}}}}}'],
    ['duplicate YAML keys', 'openapi', 'openapi: 3.0.1\nopenapi: 3.0.2\ninfo: {title: t, version: "1"}\npaths: {}\n'],
    ['a YAML alias bomb', 'openapi', aliasBomb],
    ['JSON nested 20000 deep', 'openapi+json', deepJson],
    ['YAML nested 3000 deep', 'openapi', deepYaml],
    ['binary junk', 'openapi', '\u0000\u0001\u0002\u00ff\ufffe'],
    ['XML where OpenAPI is expected', 'openapi', '<?xml version="1.0"?><definitions />'],
    ['a GraphQL syntax error', 'graphql', 'type Query { a: '],
    ['GraphQL with an unknown type', 'graphql', 'type Query { a: Strin }'],
    ['GraphQL without a Query type', 'graphql', 'type Thing { a: Int }'],
    ['an empty GraphQL schema', 'graphql', ''],
    ['malformed WSDL', 'wsdl', '<definitions><service></definitions>'],
    ['WSDL 2.0', 'wsdl', '<description xmlns="http://www.w3.org/ns/wsdl" />'],
    ['WSDL without a SOAP service', 'wsdl', '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" />'],
    ['JSON where WSDL is expected', 'wsdl', '{"openapi": "3.0.1"}'],
    ['a WADL with the wrong root', 'wadl-xml', '<app><resources /></app>'],
    ['a WADL method without a name', 'wadl-xml', '<application><resources><resource path="a"><method id="x" /></resource></resources></application>'],
    ['an empty WADL', 'wadl-xml', ''],
    ['XML nested 5000 deep', 'wadl-xml', `<application>${'<resources>'.repeat(5000)}${'</resources>'.repeat(5000)}</application>`],
  ])('%s', (_name, format, text) => {
    const error = importError(format, text);
    expect(error.message).toMatch(/^Parsing error\(s\): /);
    expect(error.details.length).toBeGreaterThan(0);
  });

  it('points at the line and column of a JSON syntax error', () => {
    expect(importError('openapi+json', '{\n  "openapi": "3.0.1",\n  "info": {,}\n}').message).toMatch(/^Parsing error\(s\): \(Lin: 3, Col: 12, Chr: 35\)/);
  });

  it('points at the line and column of a GraphQL error', () => {
    expect(importError('graphql', 'type Query {\n  a: \n').message).toMatch(/^Parsing error\(s\): \(Lin: 3, Col: 1, /);
  });

  it('adds the OpenAPI validity message APIM adds', () => {
    const error = importError('openapi+json', '{"openapi":"3.0.1","info":{"title":"t","version":"1"}}');
    expect(error.details.map((d) => d.message)).toContain(
      'Parsing error(s): The input OpenAPI file is not valid for the OpenAPI specification https://github.com/OAI/OpenAPI-Specification/blob/master/versions/3.0.1.md (schema https://github.com/OAI/OpenAPI-Specification/blob/master/schemas/v3.0/schema.yaml).',
    );
  });

  it('refuses a non-string value', () => {
    expect(() => importSpec('openapi', undefined as unknown as string)).toThrow(SpecImportError);
  });

  // Mutated copies of every fixture: each must import or fail with SpecImportError, never anything else.
  const cases = [...fixtureSpecs, ...sampleSpecs.filter((f) => !knownBad.has(f))].map((file) => {
    const text = readFileSync(file, 'utf8');
    return { file, text, format: formatOf(file, text) };
  });
  it.each(cases.map((c) => [relative(c.file.startsWith(fixtures) ? fixtures : samples, c.file), c]))('survives 150 random mutations of %s', (_name, { text, format }) => {
    let seed = 0x2545f491 ^ text.length;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return Math.abs(seed) % Math.max(1, n);
    };
    const junk = ['{', '}', '[', ']', ':', '"', "'", '<', '>', '/', '&', '$ref', '\n', '- ', '{{', '*a', '&a ', '\u0000'];
    for (let i = 0; i < 150; i++) {
      const at = random(text.length);
      const mutated = [
        () => text.slice(0, at),
        () => text.slice(0, at) + text.slice(at + 1 + random(40)),
        () => text.slice(0, at) + junk[random(junk.length)] + text.slice(at),
        () => text.slice(at) + text.slice(0, at),
      ][random(4)]?.() ?? text;
      try {
        importSpec(format, mutated);
      } catch (error) {
        expect(error, mutated).toBeInstanceOf(SpecImportError);
      }
    }
  });
});
