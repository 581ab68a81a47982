import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exportSpec, importSpec } from '../../core/specs/index.ts';
import type { ExportFormat, ExportInput, ImportFormat, ImportedApi, OperationContract } from '../../core/specs/index.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const samples = join(shared, 'apiops-samples');
const fixtures = fileURLToPath(new URL('../fixtures/specs/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function formatOf(file: string, text: string): ImportFormat {
  const ext = extname(file);
  if (ext === '.yaml') return 'openapi';
  if (ext === '.json') return /"swagger"\s*:/.test(text) ? 'swagger-json' : 'openapi+json';
  if (ext === '.wadl') return 'wadl-xml';
  return 'wsdl';
}

// Everything importable that has an export format: OpenAPI, Swagger, WADL and WSDL (GraphQL exports as SDL
// through the schema resource instead). The samples with `[url goes here]]` do not parse upstream.
const sources = [
  ...walk(samples).filter((f) => /[\\/]specification\.(yaml|json|wadl)$/.test(f) && !/helloworldfrom/.test(f)),
  ...readdirSync(fixtures).filter((f) => !f.endsWith('.graphql')).map((f) => join(fixtures, f)),
].map((file) => {
  const text = readFileSync(file, 'utf8');
  const label = relative(file.startsWith(fixtures) ? fixtures : samples, file);
  return { file, label, format: formatOf(file, text), imported: importSpec(formatOf(file, text), text) };
});

const reimportFormat: Record<ExportFormat, ImportFormat> = {
  openapi: 'openapi',
  'openapi+json': 'openapi+json',
  swagger: 'swagger-json',
  wadl: 'wadl-xml',
  wsdl: 'wsdl',
};

/** The export format of the same family as the import, where a round trip must lose nothing. */
const sameFamily: Record<ImportFormat, ExportFormat[]> = {
  openapi: ['openapi', 'openapi+json'],
  'openapi+json': ['openapi', 'openapi+json'],
  'swagger-json': ['swagger'],
  'wadl-xml': ['wadl'],
  wsdl: ['wsdl'],
  graphql: [],
};

function inputFor(api: ImportedApi, extra: Partial<ExportInput> = {}): ExportInput {
  return {
    api: { name: 'sample-api', properties: { displayName: api.displayName ?? 'Sample', description: api.description, path: 'sample', serviceUrl: api.serviceUrl } },
    operations: api.operations,
    source: api.source,
    ...extra,
  };
}

const byName = (operations: OperationContract[]) => [...operations].sort((a, b) => (a.name < b.name ? -1 : 1));

/** What survives any export format: identity, route and display name. */
const routeOnly = (operations: OperationContract[]) =>
  byName(operations).map((o) => [o.name, o.properties.method, o.properties.urlTemplate, o.properties.displayName]);

describe('exportSpec → importSpec round trip', () => {
  const sameFamilyCases = sources.flatMap((s) => sameFamily[s.format].map((format) => [`${s.label} as ${format}`, s, format] as const));

  it.each(sameFamilyCases)('%s gives back the same operations and schemas', (_name, source, format) => {
    const exported = exportSpec(inputFor(source.imported), format);
    const again = importSpec(reimportFormat[format], exported.body);
    expect(byName(again.operations)).toEqual(byName(source.imported.operations));
    expect(again.schemas).toEqual(source.imported.schemas);
  });

  it.each(sameFamilyCases)('%s is a fixed point: exporting the re-import gives the same bytes', (_name, source, format) => {
    const first = exportSpec(inputFor(source.imported), format);
    const again = importSpec(reimportFormat[format], first.body);
    expect(exportSpec(inputFor(again), format).body).toBe(first.body);
  });

  const crossCases = sources
    .filter((s) => s.format !== 'wsdl')
    .flatMap((s) => (['openapi', 'openapi+json', 'swagger', 'wadl'] as const).map((format) => [`${s.label} as ${format}`, s, format] as const));

  it.each(crossCases)('%s keeps every operation, route and display name', (_name, source, format) => {
    const exported = exportSpec(inputFor(source.imported), format);
    const again = importSpec(reimportFormat[format], exported.body);
    expect(routeOnly(again.operations)).toEqual(routeOnly(source.imported.operations));
  });

  it('regenerates a WSDL for SOAP operations that re-imports to the same operations (schemas aside)', () => {
    const soap = importSpec('wsdl', readFileSync(join(fixtures, 'orders.wsdl'), 'utf8'));
    const generated = exportSpec(inputFor(soap, { source: undefined }), 'wsdl').body;
    expect(generated).not.toBe(soap.source.kind === 'wsdl' ? soap.source.xml : '');
    const again = importSpec('wsdl', generated);
    const withoutSchemas = (ops: OperationContract[]) => JSON.parse(JSON.stringify(ops).replace(/"schemaId":"[0-9a-f]+",?/g, '')) as unknown;
    expect(withoutSchemas(again.operations)).toEqual(withoutSchemas(soap.operations));
  });

  it('round-trips operations created without any specification', () => {
    const operations: OperationContract[] = [
      {
        name: 'search',
        properties: {
          displayName: 'Search',
          method: 'GET',
          urlTemplate: '/stores/{storeId}/items?q={q}',
          templateParameters: [
            { name: 'storeId', type: 'integer', required: true, values: [] },
            { name: 'q', description: 'Search text.', type: 'string', required: true, values: [] },
          ],
          description: 'Full-text search.',
          request: {
            queryParameters: [{ name: 'sort', type: 'string', required: false, values: ['asc', 'desc'], defaultValue: 'asc' }],
            headers: [{ name: 'Accept-Language', type: 'string', required: false, values: [] }],
            representations: [],
          },
          responses: [{ statusCode: 200, description: 'Hits.', representations: [{ contentType: 'application/json' }], headers: [] }],
        },
      },
      {
        name: 'search-by-sku',
        properties: {
          displayName: 'Search by SKU',
          method: 'GET',
          urlTemplate: '/stores/{storeId}/items?sku={sku}',
          templateParameters: [
            { name: 'storeId', type: 'integer', required: true, values: [] },
            { name: 'sku', type: 'string', required: true, values: [] },
          ],
          request: { queryParameters: [], headers: [], representations: [] },
          responses: [],
        },
      },
    ];
    const input: ExportInput = { api: { name: 'stores', properties: { displayName: 'Stores', path: 'stores' } }, operations };
    for (const format of ['openapi', 'openapi+json', 'wadl'] as const) {
      const again = importSpec(reimportFormat[format], exportSpec(input, format).body);
      expect(byName(again.operations), format).toEqual(byName(operations));
    }
    // The second operation shares the OpenAPI path; APIM's x-ms-paths carries it.
    const document = parseYaml(exportSpec(input, 'openapi').body) as Record<string, Record<string, unknown>>;
    expect(Object.keys(document.paths ?? {})).toEqual(['/stores/{storeId}/items']);
    expect(Object.keys(document['x-ms-paths'] ?? {})).toEqual(['/stores/{storeId}/items?sku={sku}']);
  });
});

describe('exportSpec output', () => {
  const inventory = sources.find((s) => s.label === 'inventory.openapi.yaml')?.imported as ImportedApi;
  const petstore = sources.find((s) => s.label === 'petstore.swagger.json')?.imported as ImportedApi;

  it.each<[ExportFormat, string]>([
    ['openapi', 'application/vnd.oai.openapi'],
    ['openapi+json', 'application/vnd.oai.openapi+json'],
    ['swagger', 'application/vnd.swagger.doc+json'],
    ['wadl', 'application/vnd.sun.wadl+xml'],
    ['wsdl', 'application/wsdl+xml'],
  ])('%s is deterministic and typed %s', (format, contentType) => {
    const a = exportSpec(inputFor(inventory), format);
    const b = exportSpec(structuredClone(inputFor(inventory)), format);
    expect(a.contentType).toBe(contentType);
    expect(a.body).toBe(b.body);
    expect(a.body.endsWith('\n')).toBe(true);
  });

  it('writes OpenAPI 3.0.1 the way APIM exports: gateway server, operationId = name, summary = display name, key schemes', () => {
    const body = exportSpec(inputFor(inventory, { gatewayUrl: 'https://contoso.azure-api.net/' }), 'openapi').body;
    const document = parseYaml(body) as Record<string, unknown>;
    expect(document).toMatchObject({
      openapi: '3.0.1',
      info: { title: 'Inventory API', description: 'Stock levels, reservations and suppliers.', version: '1.0' },
      servers: [{ url: 'https://contoso.azure-api.net/sample' }],
      components: {
        securitySchemes: {
          apiKeyHeader: { type: 'apiKey', name: 'Ocp-Apim-Subscription-Key', in: 'header' },
          apiKeyQuery: { type: 'apiKey', name: 'subscription-key', in: 'query' },
        },
      },
      security: [{ apiKeyHeader: [] }, { apiKeyQuery: [] }],
    });
    expect(document.paths).toMatchObject({ '/items': { post: { summary: 'Items_Create', operationId: 'items-create' } } });
    expect(body).toContain("'200':");
  });

  it('leaves out security when the API needs no subscription and uses its key names otherwise', () => {
    const open = parseYaml(exportSpec({ ...inputFor(inventory), api: { name: 'a', properties: { subscriptionRequired: false } } }, 'openapi').body) as Record<string, unknown>;
    expect(open.security).toBeUndefined();
    const named = JSON.parse(
      exportSpec({ ...inputFor(petstore), api: { name: 'a', properties: { subscriptionKeyParameterNames: { header: 'x-key', query: 'key' } } } }, 'swagger').body,
    ) as Record<string, Record<string, Record<string, unknown>>>;
    expect(named.securityDefinitions?.apiKeyHeader).toEqual({ type: 'apiKey', name: 'x-key', in: 'header' });
    expect(named.securityDefinitions?.apiKeyQuery).toEqual({ type: 'apiKey', name: 'key', in: 'query' });
  });

  it('writes Swagger 2.0 with host, basePath, schemes and definitions', () => {
    const document = JSON.parse(exportSpec(inputFor(petstore), 'swagger').body) as Record<string, unknown>;
    expect(document).toMatchObject({ swagger: '2.0', host: 'clinic.example.org', basePath: '/api', schemes: ['https'] });
    expect(Object.keys(document.definitions as object)).toEqual(['Patient', 'Schedule', 'PatientsGet200Response']);
  });

  it('converts definitions and their references between OpenAPI 3 and Swagger 2', () => {
    const swagger = JSON.parse(exportSpec(inputFor(inventory), 'swagger').body) as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(swagger.definitions)).toContain('"$ref":"#/definitions/ItemId"');
    expect(JSON.stringify(swagger)).not.toContain('#/components/');
    const openapi = JSON.parse(exportSpec(inputFor(petstore), 'openapi+json').body) as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(openapi)).not.toContain('#/definitions/');
  });

  it('gives a WSDL-imported API its WSDL back', () => {
    const text = readFileSync(join(fixtures, 'orders.wsdl'), 'utf8');
    const soap = importSpec('wsdl', text);
    expect(exportSpec(inputFor(soap), 'wsdl').body).toBe(text);
  });

  it('never mutates its input', () => {
    const input = inputFor(inventory);
    const before = JSON.stringify(input);
    for (const format of ['openapi', 'openapi+json', 'swagger', 'wadl', 'wsdl'] as const) exportSpec(input, format);
    expect(JSON.stringify(input)).toBe(before);
  });
});
