// The test knobs: throttling (and the SDK's own retry of it), the 409 window after an import, faults,
// latency and the request counts a benchmark uses to prove how many writes a publish made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiManagementClient } from '@azure/arm-apimanagement';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';
import { rawRequest } from '../support/raw.ts';
import { fastPoll, sdkClient } from '../support/sdk.ts';

let rec: RecordedEmulator;
let client: ApiManagementClient;
let rg: string;
let east: string;
let west: string;

beforeAll(async () => {
  rec = await startRecordedEmulator({ instances: ['eastus', 'westus'], bare: true });
  client = sdkClient(rec.emulator);
  rg = rec.emulator.resourceGroup;
  east = rec.emulator.instances.eastus!;
  west = rec.emulator.instances.westus!;
});

afterAll(async () => {
  await rec?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  rawRequest(rec.emulator, { method, path: `/_emulator/${path}`, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('throttling', () => {
  it('answers 429 with Retry-After and ratelimit headers once the write bucket is empty, and the SDK retries by itself', async () => {
    rec.emulator.setThrottling({ enabled: true, writes: { capacity: 3, refillPerSecond: 2 } });
    try {
      const results = [];
      // 6 writes against a bucket of 3: the SDK's throttling retry waits out Retry-After and every write lands
      for (let i = 0; i < 6; i++) results.push(await client.tag.createOrUpdate(rg, east, `t${i}`, { displayName: `t${i}` }));
      expect(results).toHaveLength(6);
      const throttled = rec.exchanges.filter((e) => e.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.responseHeaders['retry-after']).toMatch(/^\d+$/);
      expect(throttled[0]!.responseHeaders['x-ms-ratelimit-remaining-subscription-writes']).toBe('0');
      expect(throttled[0]!.responseBody).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled' } });
    } finally {
      rec.emulator.setThrottling({ enabled: false });
    }
  });

  it('shares one bucket between the instances of one subscription, as ARM does', async () => {
    rec.emulator.setThrottling({ enabled: true, writes: { capacity: 2, refillPerSecond: 0.001 }, omitRetryAfter: true });
    try {
      await client.tag.createOrUpdate(rg, east, 'shared-1', { displayName: 's1' });
      await client.tag.createOrUpdate(rg, west, 'shared-2', { displayName: 's2' });
      // a 429 without Retry-After is not retried by the SDK: the toolkit must handle it itself
      await expect(client.tag.createOrUpdate(rg, west, 'shared-3', { displayName: 's3' })).rejects.toMatchObject({ statusCode: 429 });
    } finally {
      rec.emulator.setThrottling({ enabled: false, omitRetryAfter: false });
    }
  });
});

describe('the 409 window after an API import', () => {
  it('answers "Operation on the API is in progress" to writes on that API until the window closes', async () => {
    rec.emulator.setKnobs('eastus', { importBusyMs: 400 });
    try {
      await client.api.beginCreateOrUpdateAndWait(rg, east, 'busy', { path: 'busy', format: 'openapi+json', value: JSON.stringify({ openapi: '3.0.1', info: { title: 'Busy', version: '1' }, paths: { '/a': { get: { operationId: 'a', responses: { '200': { description: 'ok' } } } } } }) }, fastPoll);
      await expect(client.apiPolicy.createOrUpdate(rg, east, 'busy', 'policy', { value: '<policies />', format: 'rawxml' })).rejects.toMatchObject({
        statusCode: 409,
        code: 'PessimisticConcurrencyConflict',
        message: 'Operation on the API is in progress',
      });
      await new Promise((r) => setTimeout(r, 450));
      await client.apiPolicy.createOrUpdate(rg, east, 'busy', 'policy', { value: '<policies />', format: 'rawxml' });
    } finally {
      rec.emulator.setKnobs('eastus', { importBusyMs: 0 });
    }
  });
});

describe('faults', () => {
  it('a down instance answers 503 while the other instance keeps serving', async () => {
    await admin('PATCH', 'instances/westus/knobs', { down: 'unavailable' });
    try {
      const noRetry = sdkClient(rec.emulator, { retries: 0 });
      await expect(noRetry.tag.get(rg, west, 'whatever')).rejects.toMatchObject({ statusCode: 503 });
      await expect(noRetry.tag.createOrUpdate(rg, east, 'alive', { displayName: 'alive' })).resolves.toBeTruthy();
    } finally {
      await admin('PATCH', 'instances/westus/knobs', { down: false });
    }
  });

  it('a hanging instance never answers: the client times out', async () => {
    rec.emulator.setKnobs('westus', { down: 'hang' });
    try {
      const noRetry = sdkClient(rec.emulator, { retries: 0 });
      await expect(noRetry.tag.get(rg, west, 'x', { requestOptions: { timeout: 300 } })).rejects.toThrow();
    } finally {
      rec.emulator.setKnobs('westus', { down: false });
    }
  });

  it('an error rate of 1 fails every request with the chosen status; the SDK retries 5xx and then gives up', async () => {
    rec.emulator.setKnobs('westus', { errorRate: 1, errorStatus: 500 });
    try {
      await expect(sdkClient(rec.emulator, { retries: 1 }).tag.get(rg, west, 'x')).rejects.toMatchObject({ statusCode: 500 });
    } finally {
      rec.emulator.setKnobs('westus', { errorRate: 0 });
    }
  });

  it('refuses unknown knobs, and counts that are not whole numbers', async () => {
    const res = await admin('PATCH', 'instances/eastus/knobs', { warpSpeed: 9 });
    expect(res.status).toBe(400);
    expect((await admin('PATCH', 'instances/eastus/knobs', { hangNext: 1.5 })).status).toBe(400);
    expect((await admin('PATCH', 'instances/eastus/knobs', { loseNext: -1 })).status).toBe(400);
  });
});

describe('latency and request counts', () => {
  it('adds the configured latency', async () => {
    rec.emulator.setKnobs('eastus', { latencyMs: 120 });
    try {
      const started = Date.now();
      await client.tag.listByService(rg, east).next();
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      rec.emulator.setKnobs('eastus', { latencyMs: 0 });
    }
  });

  it('counts requests per instance by method and kind, and resets them', async () => {
    await admin('DELETE', 'counts');
    await client.tag.createOrUpdate(rg, east, 'count-1', { displayName: 'c1' });
    await client.tag.createOrUpdate(rg, east, 'count-2', { displayName: 'c2' });
    await client.namedValue.beginCreateOrUpdateAndWait(rg, west, 'count-nv', { displayName: 'count-nv', value: 'x' }, fastPoll);
    const counts = (await admin('GET', 'counts')).json as Record<string, Record<string, number>>;
    expect(counts.eastus).toEqual({ 'PUT tag': 2 });
    expect(counts.westus!['PUT namedValue']).toBe(1);
    await admin('DELETE', 'counts');
    expect(((await admin('GET', 'counts')).json as Record<string, Record<string, number>>).eastus).toEqual({});
  });
});
