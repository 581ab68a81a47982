// ARM protocol behaviour as the real service shows it: auth, api-version, ETag/If-Match, paging, $filter, LROs,
// error bodies. Every answer is also checked against the official specification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';
import { rawRequest } from '../support/raw.ts';
import { fastPoll, sdkClient } from '../support/sdk.ts';
import type { ApiManagementClient } from '@azure/arm-apimanagement';

let rec: RecordedEmulator;
let client: ApiManagementClient;
let rg: string;
let svc: string;
let base: string;
const auth = { authorization: 'Bearer anything' };

beforeAll(async () => {
  rec = await startRecordedEmulator({ instances: ['eastus'], bare: true, pageSize: 2 });
  client = sdkClient(rec.emulator);
  rg = rec.emulator.resourceGroup;
  svc = rec.emulator.instances.eastus!;
  base = `/subscriptions/${rec.emulator.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${svc}`;
});

afterAll(async () => {
  await rec?.close();
});

const raw = (input: Parameters<typeof rawRequest>[1]) => rawRequest(rec.emulator, input);

describe('authentication and api-version', () => {
  it('answers 401 with an ARM error body when the bearer token is missing', async () => {
    const res = await raw({ path: `${base}/apis?api-version=2024-05-01` });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'AuthenticationFailed' } });
  });

  it.each(['2024-05-01', '2022-08-01'])('accepts api-version %s', async (version) => {
    const res = await raw({ path: `${base}/apis?api-version=${version}`, headers: auth });
    expect(res.status).toBe(200);
  });

  it('refuses other api-versions with InvalidApiVersionParameter', async () => {
    const res = await raw({ path: `${base}/apis?api-version=2022-04-01-preview`, headers: auth });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'InvalidApiVersionParameter', message: expect.stringContaining("'2022-04-01-preview' is invalid") } });
  });

  it('names a missing service the way ARM does', async () => {
    const res = await raw({ path: `${base.replace(svc, 'apim-nowhere')}/apis?api-version=2024-05-01`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'ResourceNotFound', message: expect.stringContaining("Microsoft.ApiManagement/service/apim-nowhere") } });
  });

  it('answers a resource group that does not exist with ResourceGroupNotFound', async () => {
    const res = await raw({ path: `${base.replace(`/resourceGroups/${rg}`, '/resourceGroups/rg-none')}/apis?api-version=2024-05-01`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'ResourceGroupNotFound' } });
  });
});

describe('bad input never crashes the emulator', () => {
  it.each([
    ['invalid JSON', '{"properties": ', 'InvalidRequestContent'],
    ['a JSON array', '[]', 'InvalidRequestContent'],
    ['properties of the wrong type', '{"properties": "x"}', 'ValidationError'],
    ['a wrong property type', '{"properties": {"displayName": "T", "subscriptionRequired": "yes"}}', 'ValidationError'],
  ])('answers %s with 400 and an ARM error', async (_what, body, code) => {
    const res = await raw({ method: 'PUT', path: `${base}/products/p-bad?api-version=2024-05-01`, headers: { ...auth, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code } });
  });

  it('refuses an invalid identifier sent by the SDK (percent-encoded)', async () => {
    await expect(client.tag.createOrUpdate(rg, svc, 'bad#id', { displayName: 'x' })).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError' });
  });

  it('answers an unknown route with 404, not a crash', async () => {
    const res = await raw({ path: `${base}/nothingHere/x?api-version=2024-05-01`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'NotFound' } });
  });
});

describe('ETag and If-Match', () => {
  it('returns an ETag, honours If-Match exact and *, and answers 412 on a stale one', async () => {
    const created = await client.tag.createOrUpdate(rg, svc, 'etag-tag', { displayName: 'E' });
    const first = await client.tag.getEntityState(rg, svc, 'etag-tag');
    expect(first.eTag).toBeTruthy();
    expect(first.eTag).toBe(created.eTag);
    const updated = await client.tag.update(rg, svc, 'etag-tag', first.eTag!, { displayName: 'E2' });
    expect(updated.eTag).not.toBe(first.eTag);
    await expect(client.tag.update(rg, svc, 'etag-tag', first.eTag!, { displayName: 'E3' })).rejects.toMatchObject({ statusCode: 412 });
    await expect(client.tag.createOrUpdate(rg, svc, 'etag-tag', { displayName: 'E4' }, { ifMatch: first.eTag! })).rejects.toMatchObject({ statusCode: 412 });
    await expect(client.tag.delete(rg, svc, 'etag-tag', first.eTag!)).rejects.toMatchObject({ statusCode: 412 });
    await client.tag.update(rg, svc, 'etag-tag', '*', { displayName: 'E5' });
    await client.tag.delete(rg, svc, 'etag-tag', '*');
    await expect(client.tag.getEntityState(rg, svc, 'etag-tag')).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('paging and $filter', () => {
  beforeAll(async () => {
    for (let i = 1; i <= 5; i++) {
      await client.namedValue.beginCreateOrUpdateAndWait(rg, svc, `page-${i}`, { displayName: `page-${i}`, value: `v${i}`, tags: i % 2 ? ['odd'] : ['even'] }, fastPoll);
    }
  });

  it('lists across several pages through absolute nextLinks that carry the api-version', async () => {
    const first = await raw({ path: `${base}/namedValues?api-version=2024-05-01`, headers: auth });
    const body = first.json as { value: unknown[]; count: number; nextLink: string };
    expect(body.value).toHaveLength(2);
    expect(body.count).toBe(5);
    expect(body.nextLink).toMatch(new RegExp(`^${rec.emulator.endpoint}/.*api-version=2024-05-01.*\\$skip=2`));
    const names: string[] = [];
    for await (const nv of client.namedValue.listByService(rg, svc)) names.push(nv.name!);
    expect(names).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
  });

  it('honours $top and $skip', async () => {
    const res = await raw({ path: `${base}/namedValues?api-version=2024-05-01&$top=1&$skip=3`, headers: auth });
    expect((res.json as { value: Array<{ name: string }> }).value.map((v) => v.name)).toEqual(['page-4']);
  });

  it.each([
    ["startswith(name, 'page-1')", ['page-1']],
    ["properties/displayName eq 'page-2'", ['page-2']],
    ["tags/any(t: t eq 'even')", ['page-2', 'page-4']],
    ["contains(displayName,'-3') or endswith(name,'5')", ['page-3', 'page-5']],
  ])('filters named values by %s', async (filter, expected) => {
    const names: string[] = [];
    for await (const nv of client.namedValue.listByService(rg, svc, { filter })) names.push(nv.name!);
    expect(names).toEqual(expected);
  });

  it('refuses a filter on a field the list does not support', async () => {
    const res = await raw({ path: `${base}/namedValues?api-version=2024-05-01&$filter=${encodeURIComponent("secretSauce eq 'x'")}`, headers: auth });
    expect(res.status).toBe(400);
  });
});

describe('long-running operations', () => {
  it('answers a named value PUT as APIM does: InProgress, Location and Azure-AsyncOperation, top-level status on the poll', async () => {
    const res = await raw({
      method: 'PUT',
      path: `${base}/namedValues/lro-nv?api-version=2024-05-01`,
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { displayName: 'lro-nv', value: 'x' } }),
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ properties: { provisioningState: 'InProgress' } });
    const location = String(res.headers.location);
    const asyncOp = String(res.headers['azure-asyncoperation']);
    expect(location).toMatch(/\/namedValues\/lro-nv\?api-version=2024-05-01&asyncId=[0-9a-f]{24}&asyncCode=201$/);
    expect(asyncOp).toMatch(/\/tenant\/operationResults\/[0-9a-f]{24}\?api-version=2024-05-01$/);
    const poll = await raw({ path: asyncOp, headers: auth });
    expect(poll.json).toMatchObject({ status: 'Succeeded' });
    const final = await raw({ path: location, headers: auth });
    expect(final.status).toBe(200);
    expect(final.json).toMatchObject({ name: 'lro-nv' });
  });

  it('keeps an operation InProgress for the configured time and the SDK poller waits for it', async () => {
    rec.emulator.setKnobs('eastus', { lroDurationMs: 300 });
    try {
      const started = Date.now();
      const result = await client.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'slow-nv', { displayName: 'slow-nv', value: 'x' }, fastPoll);
      expect(result.name).toBe('slow-nv');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      rec.emulator.setKnobs('eastus', { lroDurationMs: 0 });
    }
  });

  it('reports a failed long-running write through the poll (duplicate display name)', async () => {
    await client.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'dup-a', { displayName: 'dup', value: 'x' }, fastPoll);
    await expect(client.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'dup-b', { displayName: 'dup', value: 'y' }, fastPoll)).rejects.toThrow(
      /ValidationError.*One or more fields contain incorrect values/,
    );
    await expect(client.namedValue.get(rg, svc, 'dup-b')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('deletes an API as a long-running operation (202 + headers)', async () => {
    await client.api.beginCreateOrUpdateAndWait(rg, svc, 'lro-api', { displayName: 'L', path: 'lro' }, fastPoll);
    const res = await raw({ method: 'DELETE', path: `${base}/apis/lro-api?api-version=2024-05-01`, headers: { ...auth, 'if-match': '*' } });
    expect(res.status).toBe(202);
    expect(String(res.headers.location)).toContain('asyncCode=204');
    expect(res.headers['azure-asyncoperation']).toBeTruthy();
  });
});

describe('conformance', () => {
  it('every answer in this file validates against the official specification', () => {
    expect(rec.conformanceErrors()).toEqual([]);
  });
});
