// What APIM does beyond plain CRUD, through the unmodified SDK: policy formats, secrets, validation of
// references, spec import and export, a new instance's contents, side effects, cascades and revisions.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiManagementClient } from '@azure/arm-apimanagement';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';
import { rawRequest } from '../support/raw.ts';
import { fastPoll, sdkClient } from '../support/sdk.ts';

let rec: RecordedEmulator;
let client: ApiManagementClient;
let rg: string;
let svc: string;

const PETSTORE_YAML = `openapi: 3.0.1
info:
  title: Petstore
  description: Pets of all kinds
  version: '1.0'
servers:
  - url: https://petstore.example.com/v1
paths:
  /pets:
    get:
      operationId: listPets
      summary: List all pets
      parameters:
        - name: limit
          in: query
          schema:
            type: integer
      responses:
        '200':
          description: A list of pets
    post:
      operationId: createPet
      summary: Create a pet
      responses:
        '201':
          description: Created
  /pets/{petId}:
    get:
      operationId: showPetById
      summary: Info for a specific pet
      parameters:
        - name: petId
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: A pet
`;

beforeAll(async () => {
  rec = await startRecordedEmulator({ instances: ['eastus'] });
  client = sdkClient(rec.emulator);
  rg = rec.emulator.resourceGroup;
  svc = rec.emulator.instances.eastus!;
});

afterAll(async () => {
  await rec?.close();
});

async function all<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('a new instance looks like a new APIM instance', () => {
  it('has the built-in groups, the Starter and Unlimited products, the master subscription and the Echo API', async () => {
    const groups = (await all(client.group.listByService(rg, svc))).map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['administrators', 'developers', 'guests']));
    const products = (await all(client.product.listByService(rg, svc))).map((p) => p.name);
    expect(products).toEqual(expect.arrayContaining(['starter', 'unlimited']));
    const subs = (await all(client.subscription.list(rg, svc))).map((s) => s.name);
    expect(subs).toContain('master');
    const echo = await client.api.get(rg, svc, 'echo-api');
    expect(echo.path).toBe('echo');
    const ops = await all(client.apiOperation.listByApi(rg, svc, 'echo-api'));
    expect(ops.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses to delete a built-in group', async () => {
    await expect(client.group.delete(rg, svc, 'administrators', '*')).rejects.toMatchObject({ statusCode: 405 });
  });

  it('gives a new product the Administrators group and an administrator subscription, as APIM does', async () => {
    await client.product.createOrUpdate(rg, svc, 'gold', { displayName: 'Gold', subscriptionRequired: true });
    const groups = await all(client.productGroup.listByProduct(rg, svc, 'gold'));
    expect(groups.map((g) => g.name)).toContain('administrators');
    const subs = await all(client.subscription.list(rg, svc, { filter: "endswith(properties/scope, 'gold')" }));
    expect(subs).toHaveLength(1);
  });
});

describe('policies', () => {
  const raw = `<policies>
\t<inbound>
\t\t<base />
\t\t<set-variable name="who" value="@(context.User.Email ?? "anonymous")" />
\t\t<set-header name="x-when" exists-action="override">
\t\t\t<value>@(context.Request.Headers.GetValueOrDefault("x", "a") + "<b>")</value>
\t\t</set-header>
\t</inbound>
\t<backend>
\t\t<base />
\t</backend>
\t<outbound>
\t\t<base />
\t</outbound>
\t<on-error>
\t\t<base />
\t</on-error>
</policies>`;

  it('returns rawxml verbatim and xml with the expressions escaped', async () => {
    // (not apiPolicy.get: SDK 10 marks that one operation isXML and reads no `properties.value` from JSON)
    await client.apiOperationPolicy.createOrUpdate(rg, svc, 'echo-api', 'create-resource', 'policy', { value: raw, format: 'rawxml' });
    const asRaw = await client.apiOperationPolicy.get(rg, svc, 'echo-api', 'create-resource', 'policy', { format: 'rawxml' });
    expect(asRaw.value).toBe(raw);
    expect(asRaw.format).toBe('rawxml');
    const asXml = await client.apiOperationPolicy.get(rg, svc, 'echo-api', 'create-resource', 'policy');
    expect(asXml.value).toContain('value="@(context.User.Email ?? &quot;anonymous&quot;)"');
    expect(asXml.value).toContain('+ "&lt;b&gt;")');
    expect(asXml.value).toContain('\r\n');
  });

  it('stores an xml-format document by its meaning: reading it as rawxml gives the expressions unescaped', async () => {
    await client.productPolicy.createOrUpdate(rg, svc, 'starter', 'policy', {
      format: 'xml',
      value: '<policies><inbound><base /><set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;,&quot;b&quot;))" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
    });
    const asRaw = await client.productPolicy.get(rg, svc, 'starter', 'policy', { format: 'rawxml' });
    expect(asRaw.value).toContain('GetValueOrDefault("a","b")');
  });

  it.each([
    ['a named value that does not exist', '<policies><inbound><set-header name="k" exists-action="override"><value>{{no-such-value}}</value></set-header></inbound></policies>', "Property 'no-such-value' not found"],
    ['a policy fragment that does not exist', '<policies><inbound><include-fragment fragment-id="no-such-fragment" /></inbound></policies>', 'no-such-fragment'],
    ['a backend that does not exist', '<policies><inbound><set-backend-service backend-id="no-such-backend" /></inbound></policies>', 'no-such-backend'],
    ['a logger that does not exist', '<policies><outbound><log-to-eventhub logger-id="no-such-logger">@("x")</log-to-eventhub></outbound></policies>', 'no-such-logger'],
    ['malformed XML', '<policies><inbound><base></inbound></policies>', 'line'],
  ])('refuses a policy that uses %s', async (_what, value, message) => {
    await expect(client.policy.createOrUpdate(rg, svc, 'policy', { value, format: 'rawxml' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'ValidationError',
      details: { error: { details: [expect.objectContaining({ message: expect.stringContaining(message) })] } },
    });
  });
});

describe('named values and secrets', () => {
  it('never returns a secret value on GET or list; listValue does', async () => {
    await client.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'api-key', { displayName: 'api-key', value: 's3cr3t-value', secret: true }, fastPoll);
    const got = await client.namedValue.get(rg, svc, 'api-key');
    expect(got.value).toBeUndefined();
    const listed = (await all(client.namedValue.listByService(rg, svc))).find((n) => n.name === 'api-key');
    expect(listed?.value).toBeUndefined();
    expect(JSON.stringify(rec.exchanges.filter((e) => e.method === 'GET').map((e) => e.responseBody))).not.toContain('s3cr3t-value');
    expect((await client.namedValue.listValue(rg, svc, 'api-key')).value).toBe('s3cr3t-value');
  });

  it('accepts Key Vault references and keeps them without a value', async () => {
    const created = await client.namedValue.beginCreateOrUpdateAndWait(
      rg,
      svc,
      'kv-secret',
      { displayName: 'kv-secret', secret: true, keyVault: { secretIdentifier: 'https://contoso.vault.azure.net/secrets/backend-key' } },
      fastPoll,
    );
    expect(created.keyVault?.secretIdentifier).toBe('https://contoso.vault.azure.net/secrets/backend-key');
    expect(created.value).toBeUndefined();
  });

  it('requires a display name', async () => {
    await expect(client.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'no-display', { value: 'x' } as never, fastPoll)).rejects.toMatchObject({
      statusCode: 400,
      details: { error: { details: [expect.objectContaining({ target: 'displayName' })] } },
    });
  });

  it("moves a logger's literal credential into a named value APIM creates itself", async () => {
    const logger = await client.logger.createOrUpdate(rg, svc, 'ai', { loggerType: 'applicationInsights', credentials: { instrumentationKey: 'ikey-literal' } });
    expect(logger.credentials?.instrumentationKey).toMatch(/^\{\{Logger-Credentials-[0-9a-f]{24}\}\}$/);
    const names = (await all(client.namedValue.listByService(rg, svc))).map((n) => n.name);
    expect(names.some((n) => n?.startsWith('Logger-Credentials-'))).toBe(true);
  });
});

describe('references must exist', () => {
  it.each([
    ['an API whose version set does not exist', () => client.api.beginCreateOrUpdateAndWait(rg, svc, 'orphan', { displayName: 'O', path: 'orphan', apiVersion: 'v1', apiVersionSetId: '/apiVersionSets/none' }, fastPoll)],
    ['a diagnostic whose logger does not exist', () => client.diagnostic.createOrUpdate(rg, svc, 'applicationinsights', { loggerId: '/loggers/none' })],
    ['a product link to an API that does not exist', () => client.productApiLink.createOrUpdate(rg, svc, 'starter', 'l1', { apiId: '/apis/none' })],
    ['a product link to a group that does not exist', () => client.productGroupLink.createOrUpdate(rg, svc, 'starter', 'l1', { groupId: '/groups/none' })],
    ['a subscription scoped to a product that does not exist', () => client.subscription.createOrUpdate(rg, svc, 's1', { scope: '/products/none', displayName: 'S' })],
    ['a backend whose credentials use a named value that does not exist', () => client.backend.createOrUpdate(rg, svc, 'b1', { url: 'https://x', protocol: 'http', credentials: { header: { 'x-key': ['{{missing-key}}'] } } })],
  ])('refuses %s', async (_what, call) => {
    const error = await call().then(
      () => null,
      (e: unknown) => e,
    );
    // long-running kinds report it through the poll (a plain Error naming the code); the others answer 400 at once
    const e = error as { message?: string; statusCode?: number; details?: { error?: { details?: Array<{ message: string }> } } };
    if (e.statusCode === undefined) {
      expect(e.message).toMatch(/long-running operation has failed\. ValidationError/);
    } else {
      expect(e.statusCode).toBe(400);
      expect(e.details?.error?.details?.map((d) => d.message).join(' ')).toMatch(/not found|does not identify/);
    }
  });

  it('refuses two products with the same display name', async () => {
    await expect(client.product.createOrUpdate(rg, svc, 'starter-2', { displayName: 'Starter' })).rejects.toMatchObject({
      statusCode: 400,
      details: { error: { details: [expect.objectContaining({ target: 'name', message: 'Product with the same name already exists' })] } },
    });
  });
});

describe('API import and export', () => {
  it('creates the operations of an inline OpenAPI 3 YAML import', async () => {
    const created = await client.api.beginCreateOrUpdateAndWait(rg, svc, 'petstore', { path: 'pets', format: 'openapi', value: PETSTORE_YAML }, fastPoll);
    expect(created.displayName).toBe('Petstore');
    expect(created.serviceUrl).toBe('https://petstore.example.com/v1');
    const ops = await all(client.apiOperation.listByApi(rg, svc, 'petstore'));
    expect(ops.map((o) => `${o.method} ${o.urlTemplate}`).sort()).toEqual(['GET /pets', 'GET /pets/{petId}', 'POST /pets']);
  });

  it('refuses an unparseable specification with a ValidationError', async () => {
    await expect(client.api.beginCreateOrUpdateAndWait(rg, svc, 'broken', { path: 'broken', format: 'openapi+json', value: '{"openapi": "3.0.1", "paths": ' }, fastPoll)).rejects.toThrow(/ValidationError|Parsing/);
  });

  it('exports through a link that downloads without authentication, and the export imports back to the same operations', async () => {
    const exported = await client.apiExport.get(rg, svc, 'petstore', 'openapi-link', 'true');
    const link = exported.value?.link;
    expect(link).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/_emulator\/blobs\//);
    const download = await rawRequest(rec.emulator, { path: link! });
    expect(download.status).toBe(200);
    expect(download.text).toContain('openapi:');
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'petstore-copy', { path: 'pets-copy', format: 'openapi', value: download.text }, fastPoll);
    const a = (await all(client.apiOperation.listByApi(rg, svc, 'petstore'))).map((o) => `${o.name} ${o.method} ${o.urlTemplate}`).sort();
    const b = (await all(client.apiOperation.listByApi(rg, svc, 'petstore-copy'))).map((o) => `${o.name} ${o.method} ${o.urlTemplate}`).sort();
    expect(b).toEqual(a);
  });

  it.each([
    ['WSDL', 'wsdl', 'orders.wsdl', 'soap'],
    ['WADL', 'wadl-xml', 'library.wadl', 'http'],
    ['Swagger 2 JSON', 'swagger-json', 'petstore.swagger.json', 'http'],
  ])('creates the operations of an inline %s import', async (_what, format, file, type) => {
    const value = await readFile(fileURLToPath(new URL(`../fixtures/specs/${file}`, import.meta.url)), 'utf8');
    const name = `import-${format}`;
    const created = await client.api.beginCreateOrUpdateAndWait(rg, svc, name, { path: name, displayName: name, format, value, ...(format === 'wsdl' ? { soapApiType: 'soap' } : {}) } as never, fastPoll);
    expect(created.apiType ?? created.type ?? 'http').toBe(type);
    const ops = await all(client.apiOperation.listByApi(rg, svc, name));
    expect(ops.length).toBeGreaterThan(0);
  });

  it('imports a GraphQL schema', async () => {
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'gql', { displayName: 'GraphQL', path: 'gql', apiType: 'graphql', serviceUrl: 'https://gql.example.com/graphql' }, fastPoll);
    await client.apiSchema.beginCreateOrUpdateAndWait(
      rg,
      svc,
      'gql',
      'graphql',
      { contentType: 'application/vnd.ms-azure-apim.graphql.schema', value: 'type Query { hello(name: String): String }' },
      fastPoll,
    );
    const schema = await client.apiSchema.get(rg, svc, 'gql', 'graphql');
    expect(schema.contentType).toBe('application/vnd.ms-azure-apim.graphql.schema');
    await expect(
      client.apiSchema.beginCreateOrUpdateAndWait(rg, svc, 'gql', 'graphql', { contentType: 'application/vnd.ms-azure-apim.graphql.schema', value: 'type Query {' }, fastPoll),
    ).rejects.toThrow();
  });
});

describe('cascades and revisions', () => {
  it('deleting an API takes its operations, policies, links and revisions with it', async () => {
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'doomed', { displayName: 'Doomed', path: 'doomed', format: 'openapi', value: PETSTORE_YAML.replace('title: Petstore', 'title: Doomed') }, fastPoll);
    await client.apiPolicy.createOrUpdate(rg, svc, 'doomed', 'policy', { value: '<policies><inbound><base /></inbound></policies>', format: 'rawxml' });
    await client.productApi.createOrUpdate(rg, svc, 'starter', 'doomed');
    await client.tag.createOrUpdate(rg, svc, 'doomed-tag', { displayName: 'doomed' });
    await client.tag.assignToApi(rg, svc, 'doomed', 'doomed-tag');
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'doomed;rev=2', { sourceApiId: '/apis/doomed', apiRevisionDescription: 'second' } as never, fastPoll);
    expect((await all(client.apiRevision.listByService(rg, svc, 'doomed'))).map((r) => r.apiRevision).sort()).toEqual(['1', '2']);

    await client.api.beginDeleteAndWait(rg, svc, 'doomed', '*', fastPoll);
    await expect(client.api.get(rg, svc, 'doomed;rev=2')).rejects.toMatchObject({ statusCode: 404 });
    const productApis = (await all(client.productApi.listByProduct(rg, svc, 'starter'))).map((a) => a.name);
    expect(productApis).not.toContain('doomed');
    const links = await all(client.tagApiLink.listByProduct(rg, svc, 'doomed-tag'));
    expect(links).toHaveLength(0);
  });

  it('a release makes a revision current', async () => {
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'rev-api', { displayName: 'Rev', path: 'rev', format: 'openapi', value: PETSTORE_YAML }, fastPoll);
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'rev-api;rev=2', { sourceApiId: '/apis/rev-api', description: 'the second' } as never, fastPoll);
    const before = await client.api.get(rg, svc, 'rev-api');
    expect(before.apiRevision).toBe('1');
    await client.apiRelease.createOrUpdate(rg, svc, 'rev-api', 'go-live', { apiId: '/apis/rev-api;rev=2', notes: 'switch' });
    const after = await client.api.get(rg, svc, 'rev-api');
    expect(after.apiRevision).toBe('2');
    expect(after.isCurrent).toBe(true);
    const old = await client.api.get(rg, svc, 'rev-api;rev=1');
    expect(old.isCurrent).toBe(false);
    const revisions = await all(client.apiRevision.listByService(rg, svc, 'rev-api'));
    expect(revisions.find((r) => r.apiRevision === '2')?.isCurrent).toBe(true);
  });
});

describe('conformance', () => {
  it('every answer in this file validates against the official specification', () => {
    expect(rec.conformanceErrors()).toEqual([]);
  });
});
