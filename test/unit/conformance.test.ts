// Proves the conformance validator itself: it loads the official APIM 2024-05-01 spec, maps requests to the
// right operations, accepts every official example response and rejects bodies and statuses the contract
// does not allow. The emulator contract tests rely on it, so a lenient validator would prove nothing.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApimSpec,
  ConformanceValidator,
  DEFAULT_APIM_REST_ROOT,
  compareShape,
  getValidator,
  loadExampleCorpus,
  loadSpec,
  validateExchange,
} from '../support/conformance/index.ts';
import type { ExampleRequest } from '../support/conformance/index.ts';

const SVC = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc';
const AV = { 'api-version': '2024-05-01' };

/**
 * Official examples that do not validate against the official spec, as `<example file>:<status>` → reason.
 * Empty today: all 106 example responses of the 68 examples validate, including the undeclared-property check.
 * A stale entry (one that validates again) fails the suite, so the list cannot silently grow lenient.
 */
const EXAMPLE_ALLOWLIST: Readonly<Record<string, string>> = {};

function clone<T>(value: T): T {
  return structuredClone(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object');
  return value as Record<string, unknown>;
}

function exampleBody(examples: readonly ExampleRequest[], name: string, status: number): Record<string, unknown> {
  const ex = examples.find((e) => e.name === name);
  const body = ex?.responses[status]?.body;
  if (!ex || body === undefined) throw new Error(`example ${name} ${status} not found`);
  return asRecord(clone(body));
}

describe('spec loading', () => {
  it('reads the shared spec from ../shared/apim-rest next to the repository', () => {
    const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    expect(DEFAULT_APIM_REST_ROOT).toBe(resolve(repoRoot, '..', 'shared', 'apim-rest'));
    const spec = loadSpec();
    const swaggerFiles = readdirSync(join(DEFAULT_APIM_REST_ROOT, 'spec')).filter((f) => f.endsWith('.json'));
    expect(spec.specFiles).toHaveLength(swaggerFiles.length);
    expect(loadSpec()).toBe(spec);
  });

  it('indexes every operation with unique operationIds, including x-ms-paths and HEAD operations', () => {
    const spec = loadSpec();
    expect(spec.operations.length).toBeGreaterThanOrEqual(250);
    expect(new Set(spec.operations.map((o) => o.operationId)).size).toBe(spec.operations.length);
    expect(spec.getOperation('ApiExport_Get')?.queryConstraints).toEqual([{ name: 'export', value: 'true' }]);
    expect(spec.getOperation('Api_GetEntityTag')?.method).toBe('HEAD');
  });

  it('resolves parameter and schema $refs across spec files and common-types', () => {
    const spec = loadSpec();
    const op = spec.getOperation('Api_CreateOrUpdate');
    const names = op?.parameters.map((p) => `${p.in}:${p.name}`).sort();
    // subscriptionId / api-version come from common-types v5, serviceName / apiId from apimanagement.json.
    expect(names).toEqual(['body:parameters', 'header:If-Match', 'path:apiId', 'path:resourceGroupName', 'path:serviceName', 'path:subscriptionId', 'query:api-version']);
    expect(op?.responses.get('default')?.schema).toBeDefined();
    expect(op?.longRunning).toBe(true);
    const target = spec.resolveRef(op?.file ?? '', '../../../../../common-types/resource-management/v5/types.json#/definitions/ErrorResponse');
    expect(target.file).toBe(join(DEFAULT_APIM_REST_ROOT, 'common-types', 'resource-management', 'v5', 'types.json'));
  });

  it('converts and compiles every response schema of every operation', () => {
    const spec = loadSpec();
    const validator = new ConformanceValidator({ spec });
    let schemas = 0;
    for (const op of spec.operations) {
      for (const [status, response] of op.responses) {
        if (!response.schema) continue;
        schemas++;
        // Validating an impossible body forces compilation and proves the compiled schema rejects something.
        expect(validator.validateResponse(op, status === 'default' ? 500 : Number(status), Symbol.for('x')).length, `${op.operationId} ${status}`).toBeGreaterThan(0);
      }
    }
    expect(schemas).toBeGreaterThan(400);
  });
});

describe('operation matcher', () => {
  const spec = loadSpec();
  const id = (method: string, path: string, query?: Record<string, string> | URLSearchParams | string): string | undefined =>
    spec.match(method, path, query)?.operation.operationId;

  it('matches revision ids and decodes percent-encoded path parameters', () => {
    const plain = spec.match('GET', `${SVC}/apis/echo;rev=2/operations/op1`);
    expect(plain?.operation.operationId).toBe('ApiOperation_Get');
    expect(plain?.pathParams).toMatchObject({ apiId: 'echo;rev=2', operationId: 'op1', serviceName: 'svc', resourceGroupName: 'rg' });
    expect(spec.match('GET', `${SVC}/apis/echo%3Brev%3D2/operations/op1`)?.pathParams.apiId).toBe('echo;rev=2');
    expect(spec.match('GET', `${SVC}/namedValues/my%20value%2Fx`)?.pathParams.namedValueId).toBe('my value/x');
  });

  it('compares literal segments case-insensitively and accepts absolute URLs', () => {
    const upper = '/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg/PROVIDERS/microsoft.apimanagement/SERVICE/svc/APIS/echo';
    expect(id('GET', upper)).toBe('Api_Get');
    expect(id('GET', `https://127.0.0.1:8443${SVC}/apis/echo?api-version=2024-05-01`)).toBe('Api_Get');
    expect(id('GET', `${SVC}/apis/echo/`)).toBe('Api_Get');
  });

  it('prefers the template with more literal segments', () => {
    expect(id('GET', `${SVC}/apis/echo/releases`)).toBe('ApiRelease_ListByService');
    expect(id('GET', `${SVC}/apis/echo/releases/r1`)).toBe('ApiRelease_Get');
    expect(id('GET', `${SVC}/apis/echo/policies/policy`)).toBe('ApiPolicy_Get');
    expect(id('GET', `${SVC}/policies/policy`)).toBe('Policy_Get');
  });

  it('distinguishes query-defined operations (x-ms-paths) in every query form', () => {
    expect(id('GET', `${SVC}/apis/echo?format=openapi-link&export=true`)).toBe('ApiExport_Get');
    expect(id('GET', `${SVC}/apis/echo`, { format: 'openapi-link', export: 'true', ...AV })).toBe('ApiExport_Get');
    expect(id('GET', `${SVC}/apis/echo`, new URLSearchParams('export=True&format=swagger-link'))).toBe('ApiExport_Get');
    expect(id('GET', `${SVC}/apis/echo`, '?export=true')).toBe('ApiExport_Get');
    expect(id('GET', `${SVC}/apis/echo?api-version=2024-05-01`)).toBe('Api_Get');
    expect(id('GET', `${SVC}/apis/echo?export=false`)).toBe('Api_Get');
  });

  it('matches HEAD operations only where the spec defines them', () => {
    expect(id('HEAD', `${SVC}/apis/echo`)).toBe('Api_GetEntityTag');
    expect(id('HEAD', `${SVC}/products/p/apis/echo`)).toBe('ProductApi_CheckEntityExists');
    expect(id('HEAD', `${SVC}/apis/echo/revisions`)).toBeUndefined();
  });

  it('finds nothing for unknown paths or methods', () => {
    expect(id('GET', `${SVC}/widgets/w1`)).toBeUndefined();
    expect(id('POST', `${SVC}/apis/echo`)).toBeUndefined();
    expect(id('GET', '/')).toBeUndefined();
  });
});

describe('official examples', () => {
  const spec = loadSpec();
  const corpus = loadExampleCorpus(spec);
  const exampleFiles = readdirSync(spec.examplesDir).filter((f) => f.endsWith('.json'));

  it('ties every example file to its spec operation', () => {
    expect(corpus.skipped).toEqual([]);
    expect(corpus.examples).toHaveLength(exampleFiles.length);
    expect(exampleFiles.length).toBeGreaterThanOrEqual(68);
  });

  it('builds requests that route back to the same operation', () => {
    for (const ex of corpus.examples) {
      expect(spec.match(ex.method, ex.path, ex.query)?.operation.operationId, ex.name).toBe(ex.operationId);
      expect(spec.match(ex.method, ex.url)?.operation.operationId, ex.name).toBe(ex.operationId);
      expect(ex.query['api-version'], ex.name).toBe('2024-05-01');
    }
  });

  it('substitutes parameters, body, headers and query from the example', () => {
    const byName = new Map(corpus.examples.map((e) => [e.name, e]));
    const create = byName.get('ApiManagementCreateApi');
    expect(create).toMatchObject({ method: 'PUT', operationId: 'Api_CreateOrUpdate' });
    expect(create?.path).toBe('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apimService1/apis/tempgroup');
    expect(asRecord(create?.body).properties).toBeDefined();
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual(['200', '201']);

    const del = byName.get('ApiManagementDeleteApi');
    expect(del?.headers).toEqual({ 'If-Match': '*' });
    expect(del?.responses[204]).toEqual({ status: 204, headers: {} });
    expect(del?.responses[202]?.headers.location).toContain('asyncId=');

    const exported = byName.get('ApiManagementGetApiExportInOpenApi3dot0');
    expect(exported).toMatchObject({ operationId: 'ApiExport_Get', query: { format: 'openapi-link', export: 'true' } });

    // The stray `operationId` parameter of this example is not a parameter of the list operation.
    const listOps = byName.get('ApiManagementListApiOperations');
    expect(listOps?.path.endsWith('/apis/57d2ef278aa04f0888cba3f3/operations')).toBe(true);
    expect(listOps?.query).toEqual(AV);
    expect(byName.get('ApiManagementCreateProductApi')?.body).toBeUndefined();
  });

  it('validates every example response with its status against the spec (allowlist excepted)', () => {
    const failures: string[] = [];
    const stale: string[] = [];
    let validated = 0;
    for (const ex of corpus.examples) {
      for (const r of Object.values(ex.responses)) {
        const result = validateExchange({ method: ex.method, path: ex.path, query: ex.query, status: r.status, body: r.body });
        expect(result.operationId, ex.name).toBe(ex.operationId);
        validated++;
        const key = `${ex.name}:${r.status}`;
        if (key in EXAMPLE_ALLOWLIST) {
          if (result.errors.length === 0) stale.push(key);
        } else {
          failures.push(...result.errors.map((e) => `${key}: ${e}`));
        }
      }
    }
    expect(failures).toEqual([]);
    expect(stale).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(106);
  });
});

describe('negative cases', () => {
  const examples = loadExampleCorpus().examples;
  const getApi = { method: 'GET', path: `${SVC}/apis/echo`, query: AV };

  it('reports a wrong type', () => {
    const body = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    asRecord(body.properties).displayName = 42;
    asRecord(body.properties).isCurrent = 'yes';
    const { operationId, errors } = validateExchange({ ...getApi, status: 200, body });
    expect(operationId).toBe('Api_Get');
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringContaining('/properties/displayName: must be string'), expect.stringContaining('/properties/isCurrent: must be boolean')]),
    );
  });

  it('reports a missing required property, and null where the property is required', () => {
    const body = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    delete asRecord(body.properties).path;
    expect(validateExchange({ ...getApi, status: 200, body }).errors).toEqual([expect.stringContaining("must have required property 'path'")]);
    asRecord(body.properties).path = null;
    expect(validateExchange({ ...getApi, status: 200, body }).errors).toEqual([expect.stringContaining('/properties/path: must be string')]);
  });

  it('accepts null for optional properties (oav/AutoRest nullability)', () => {
    const body = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    asRecord(body.properties).description = null;
    asRecord(body.properties).authenticationSettings = null;
    expect(validateExchange({ ...getApi, status: 200, body }).errors).toEqual([]);
  });

  it('reports undeclared properties unless disabled', () => {
    const body = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    asRecord(body.properties).serviceURL = 'https://typo.example';
    body.etag = 'x';
    expect(validateExchange({ ...getApi, status: 200, body }).errors).toEqual([
      expect.stringContaining("(body): has undeclared property 'etag'"),
      expect.stringContaining("/properties: has undeclared property 'serviceURL'"),
    ]);
    expect(validateExchange({ ...getApi, status: 200, body }, { rejectUndeclaredProperties: false }).errors).toEqual([]);
  });

  it('enforces case-sensitive enums, but any string for x-ms-enum modelAsString', () => {
    const body = exampleBody(examples, 'ApiManagementGetProduct', 200);
    const path = `${SVC}/products/starter`;
    asRecord(body.properties).state = 'Published';
    expect(validateExchange({ method: 'GET', path, query: AV, status: 200, body }).errors).toEqual([expect.stringContaining('/properties/state: must be one of ["notPublished","published",null]')]);
    const api = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    asRecord(api.properties).type = 'not-a-known-type'; // ApiType is modelAsString: true
    expect(validateExchange({ ...getApi, status: 200, body: api }).errors).toEqual([]);
  });

  it('checks formats (date-time) and ignores unknown ones', () => {
    const body = exampleBody(examples, 'ApiManagementGetSubscription', 200);
    asRecord(body.properties).createdDate = 'yesterday';
    const errors = validateExchange({ method: 'GET', path: `${SVC}/subscriptions/s1`, query: AV, status: 200, body }).errors;
    expect(errors).toEqual([expect.stringContaining('/properties/createdDate: must match format "date-time"')]);
  });

  it('reports an undeclared status code', () => {
    const body = exampleBody(examples, 'ApiManagementGetApiContract', 200);
    expect(validateExchange({ ...getApi, status: 201, body }).errors).toEqual([expect.stringContaining('status 201 is not declared (declared: 200, default)')]);
    expect(validateExchange({ ...getApi, status: 304 }).errors).toEqual([expect.stringContaining('status 304 is not declared')]);
  });

  it('accepts ARM error bodies for error statuses covered by `default`, and rejects other error shapes', () => {
    const armError = { error: { code: 'ResourceNotFound', message: 'Api not found.', details: null } };
    expect(validateExchange({ ...getApi, status: 404, body: armError })).toEqual({ operationId: 'Api_Get', errors: [] });
    expect(validateExchange({ ...getApi, status: 429, body: { error: { code: 'TooManyRequests', message: 'slow down', details: [{ code: 'x', message: 'y', target: 'z' }] } } }).errors).toEqual([]);
    const flat = { code: 'ResourceNotFound', message: 'Api not found.' };
    expect(validateExchange({ ...getApi, status: 404, body: flat }).errors).toEqual([
      expect.stringContaining("(body): has undeclared property 'code'"),
      expect.stringContaining("(body): has undeclared property 'message'"),
    ]);
    expect(validateExchange({ ...getApi, status: 404, body: flat }, { rejectUndeclaredProperties: false }).errors).toEqual([expect.stringContaining('`error` object')]);
    expect(validateExchange({ ...getApi, status: 404, body: {} }).errors).toEqual([expect.stringContaining('`error` object')]);
    expect(validateExchange({ ...getApi, status: 400, body: { error: { message: 'no code' } } }).errors).toEqual([expect.stringContaining('/error/code: must be a non-empty string')]);
    expect(validateExchange({ ...getApi, status: 500 }).errors).toEqual([expect.stringContaining('expected a JSON body')]);
  });

  it('reports an unknown path or method', () => {
    expect(validateExchange({ method: 'GET', path: `${SVC}/widgets/w1`, query: AV, status: 200, body: {} })).toEqual({
      errors: [expect.stringContaining('no operation in the spec matches GET')],
    });
    expect(validateExchange({ method: 'POST', path: `${SVC}/apis/echo`, status: 200, body: {} }).errors).toEqual([
      expect.stringContaining('(the path is defined only for DELETE, GET, HEAD, PATCH, PUT)'),
    ]);
  });

  it('checks body presence against the declared response', () => {
    expect(validateExchange({ method: 'HEAD', path: `${SVC}/apis/echo`, status: 200 }).errors).toEqual([]);
    expect(validateExchange({ method: 'HEAD', path: `${SVC}/apis/echo`, status: 200, body: { id: 'x' } }).errors).toEqual([expect.stringContaining('declares no body')]);
    expect(validateExchange({ method: 'DELETE', path: `${SVC}/apis/echo`, status: 204, body: '' }).errors).toEqual([]);
    expect(validateExchange({ ...getApi, status: 200 }).errors).toEqual([expect.stringContaining('expected a JSON body')]);
    expect(validateExchange({ ...getApi, status: 200, body: '<xml/>' }).errors).toEqual([expect.stringContaining('(body): must be object')]);
  });

  it('validates list pages and the export result', () => {
    const list = exampleBody(examples, 'ApiManagementListApis', 200);
    const value = list.value as Record<string, unknown>[];
    expect(validateExchange({ method: 'GET', path: `${SVC}/apis`, query: AV, status: 200, body: { ...list, nextLink: `https://127.0.0.1${SVC}/apis?$skip=2` } }).errors).toEqual([]);
    asRecord(value[0]).properties = 'flat';
    expect(validateExchange({ method: 'GET', path: `${SVC}/apis`, query: AV, status: 200, body: list }).errors).toEqual([expect.stringContaining('/value/0/properties: must be object')]);
    const exportPath = `${SVC}/apis/echo?format=openapi-link&export=true`;
    expect(validateExchange({ method: 'GET', path: exportPath, status: 200, body: { id: 'x', format: 'openapi-link', value: { link: 'https://x' } } })).toEqual({ operationId: 'ApiExport_Get', errors: [] });
    expect(validateExchange({ method: 'GET', path: exportPath, status: 200, body: { link: 'https://x' } }).errors).toEqual([expect.stringContaining("has undeclared property 'link'")]);
  });
});

describe('compareShape', () => {
  it('accepts equal shapes with different values and extra actual properties', () => {
    expect(compareShape({ a: 1, b: 'x', c: [{ d: true }] }, { a: 2, b: 'y', c: [{ d: false, e: 1 }], z: null })).toEqual([]);
  });

  it('reports type differences and missing properties with their paths', () => {
    expect(compareShape({ a: 1, b: { c: 'x', 'd-e': [1] } }, { a: '1', b: { 'd-e': ['1'] } })).toEqual([
      '$.a: expected number, got string',
      '$.b.c: missing (expected string)',
      '$.b["d-e"][0]: expected number, got string',
    ]);
  });

  it('compares arrays by their first element and treats expected null as a wildcard', () => {
    expect(compareShape([{ a: 1 }, { b: 'ignored' }], [{ a: 3 }])).toEqual([]);
    expect(compareShape([{ a: 1 }], [])).toEqual(['$: expected a non-empty array']);
    expect(compareShape([], [1, 2])).toEqual([]);
    expect(compareShape({ a: null, b: null }, { a: { deep: [1] } })).toEqual([]);
    expect(compareShape({ a: 'x' }, { a: null })).toEqual(['$.a: expected string, got null']);
    expect(compareShape({ a: 1 }, [1])).toEqual(['$: expected object, got array']);
  });

  it('finds no shape differences between an example and itself', () => {
    for (const ex of loadExampleCorpus().examples) {
      for (const r of Object.values(ex.responses)) expect(compareShape(r.body, clone(r.body)), ex.name).toEqual([]);
    }
  });
});

describe('swagger features on a synthetic spec', () => {
  // A throw-away spec laid out like the shared folder, exercising features the APIM files do not use
  // (discriminators) and the ref layouts they do (`../../../../../common-types/...`, `./other.json#...`).
  let root = '';
  let spec: ApimSpec;
  let validator: ConformanceValidator;
  const path = '/subscriptions/s/things/t1';

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'apim-conformance-'));
    mkdirSync(join(root, 'spec'));
    mkdirSync(join(root, 'common-types', 'resource-management', 'v5'), { recursive: true });
    const common = {
      swagger: '2.0',
      info: { title: 'common', version: '1' },
      paths: {},
      parameters: { SubscriptionIdParameter: { name: 'subscriptionId', in: 'path', required: true, type: 'string' } },
      definitions: {
        ErrorResponse: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
      },
    };
    const models = {
      swagger: '2.0',
      info: { title: 'models', version: '1' },
      paths: {},
      definitions: {
        Animal: {
          type: 'object',
          discriminator: 'kind',
          required: ['kind'],
          properties: { kind: { type: 'string' }, name: { type: 'string', format: 'arm-id' }, owner: { type: 'string', 'x-nullable': false } },
        },
        Dog: { 'x-ms-discriminator-value': 'dog', allOf: [{ $ref: '#/definitions/Animal' }], required: ['barks'], properties: { barks: { type: 'boolean' } } },
        Puppy: { 'x-ms-discriminator-value': 'puppy', allOf: [{ $ref: '#/definitions/Dog' }], properties: { ageWeeks: { type: 'integer', format: 'int32', minimum: 0, exclusiveMinimum: true } } },
        Cat: { allOf: [{ $ref: '#/definitions/Animal' }], properties: { lives: { type: 'integer' }, id: { type: 'string', format: 'uuid' } } },
        Zoo: {
          type: 'object',
          required: ['keeper'],
          properties: {
            animals: { type: 'array', items: { $ref: '#/definitions/Animal' } },
            keeper: { type: 'string', 'x-nullable': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            mode: { type: 'string', enum: ['Open', 'Closed'], 'x-ms-enum': { name: 'Mode', modelAsString: false } },
            color: { allOf: [{ $ref: '#/definitions/Color' }], description: 'scalar allOf' },
          },
        },
        Color: { type: 'string', enum: ['red', 'green'], 'x-ms-enum': { name: 'Color' } },
      },
    };
    const api = {
      swagger: '2.0',
      info: { title: 'api', version: '1' },
      paths: {
        '/subscriptions/{subscriptionId}/things/{thingId}': {
          parameters: [{ $ref: '#/parameters/ThingId' }],
          get: {
            operationId: 'Things_Get',
            parameters: [{ $ref: '../../../../../common-types/resource-management/v5/types.json#/parameters/SubscriptionIdParameter' }],
            responses: { '200': { description: 'ok', schema: { $ref: './models.json#/definitions/Animal' } }, default: { $ref: '#/responses/Error' } },
          },
        },
        '/subscriptions/{subscriptionId}/zoo': {
          get: {
            operationId: 'Zoo_Get',
            parameters: [{ $ref: '../../../../../common-types/resource-management/v5/types.json#/parameters/SubscriptionIdParameter' }],
            responses: { '200': { description: 'ok', schema: { $ref: './models.json#/definitions/Zoo' } } },
          },
        },
      },
      parameters: { ThingId: { name: 'thingId', in: 'path', required: true, type: 'string' } },
      responses: { Error: { description: 'error', schema: { $ref: '../../../../../common-types/resource-management/v5/types.json#/definitions/ErrorResponse' } } },
    };
    writeFileSync(join(root, 'common-types', 'resource-management', 'v5', 'types.json'), JSON.stringify(common));
    writeFileSync(join(root, 'spec', 'models.json'), JSON.stringify(models));
    writeFileSync(join(root, 'spec', 'api.json'), JSON.stringify(api));
    spec = new ApimSpec(root);
    validator = new ConformanceValidator({ spec });
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const check = (body: unknown, status = 200, target = path): string[] => validator.validateExchange({ method: 'GET', path: target, status, body }).errors;

  it('resolves path-item parameters, parameter refs into common-types and response refs', () => {
    const match = spec.match('GET', path);
    expect(match?.operation.operationId).toBe('Things_Get');
    expect(match?.pathParams).toEqual({ subscriptionId: 's', thingId: 't1' });
    expect(check({ error: { code: 'NotFound', message: 'gone' } }, 404)).toEqual([]);
    expect(check({ error: { code: 5, message: 'gone' } }, 404)).toEqual([expect.stringContaining('/error/code: must be string')]);
  });

  it('selects the subtype by discriminator value, including inherited discriminators', () => {
    expect(check({ kind: 'dog', barks: true, name: 'not an arm id, unknown formats are ignored' })).toEqual([]);
    expect(check({ kind: 'dog' })).toEqual([expect.stringContaining("must have required property 'barks'")]);
    expect(check({ kind: 'puppy', barks: false, ageWeeks: 3 })).toEqual([]);
    expect(check({ kind: 'puppy', barks: false, ageWeeks: 0 })).toEqual([expect.stringContaining('/ageWeeks: must be > 0')]);
    expect(check({ kind: 'Cat', lives: 9, id: '9b2c3c1e-8a51-4a4e-9d86-2f1f2f0f8a11' })).toEqual([]);
    expect(check({ kind: 'Cat', lives: 'nine', id: 'not-a-uuid' })).toEqual([
      expect.stringContaining('/lives: must be integer'),
      expect.stringContaining('/id: must match format "uuid"'),
    ]);
    // Unknown discriminator values fall back to the base model, which has no `barks`.
    expect(check({ kind: 'fish', name: 'nemo' })).toEqual([]);
    expect(check({ kind: 'fish', barks: true })).toEqual([expect.stringContaining("has undeclared property 'barks'")]);
    expect(check({ barks: true })).toEqual(expect.arrayContaining([expect.stringContaining("must have required property 'kind'")]));
  });

  it('honours x-nullable, additionalProperties maps, strict enums and polymorphic array items', () => {
    const zoo = '/subscriptions/s/zoo';
    expect(check({ keeper: null, labels: { a: 'b' }, mode: 'Open', animals: [{ kind: 'dog', barks: true }] }, 200, zoo)).toEqual([]);
    expect(check({ keeper: 'k', labels: { a: 1 } }, 200, zoo)).toEqual([expect.stringContaining('/labels/a: must be string')]);
    expect(check({ keeper: 'k', mode: 'open' }, 200, zoo)).toEqual([expect.stringContaining('/mode: must be one of ["Open","Closed",null]')]);
    expect(check({ keeper: 'k', animals: [{ kind: 'dog', owner: null, barks: true }] }, 200, zoo)).toEqual([expect.stringContaining('/animals/0/owner: must be string')]);
    expect(check({ keeper: 'k', animals: [null] }, 200, zoo)).toEqual([expect.stringContaining('/animals/0: must be object')]);
    expect(check({ keeper: 'k', color: 'green' }, 200, zoo)).toEqual([]);
    expect(check({ keeper: 'k', color: 'Green' }, 200, zoo)).toEqual([expect.stringContaining('/color: must be one of ["red","green"]')]);
  });
});

describe('performance', () => {
  it('loads, compiles and validates quickly enough for thousands of recorded exchanges', () => {
    const t0 = performance.now();
    const spec = new ApimSpec(DEFAULT_APIM_REST_ROOT);
    const validator = new ConformanceValidator({ spec });
    const corpus = loadExampleCorpus(spec);
    const exchanges = corpus.examples.flatMap((ex) => Object.values(ex.responses).map((r) => ({ method: ex.method, path: ex.url, status: r.status, body: r.body })));
    for (const e of exchanges) validator.validateExchange(e);
    const t1 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const e = exchanges[i % exchanges.length];
      if (e) validator.validateExchange(e);
    }
    const t2 = performance.now();
    console.log(`conformance: load + compile ${exchanges.length} example responses ${(t1 - t0).toFixed(0)} ms; 1000 validations ${(t2 - t1).toFixed(0)} ms`);
    expect(t2 - t1).toBeLessThan(2000);
    expect(getValidator()).toBe(getValidator());
  });
});
