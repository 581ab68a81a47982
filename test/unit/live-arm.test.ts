// The generic ARM access of core/live against the emulator, through the real SDK client's pipeline: reads,
// paged lists, long-running writes and deletes, and the APIM-aware retries (409 in progress, 429 without
// Retry-After).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { Arm } from '../../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { LiveError } from '../../core/live/errors.ts';
import { subscriptionGate } from '../../core/live/limiter.ts';

let emulator: RunningEmulator;
let arm: Arm;

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus'], pageSize: 3 });
  const conn = connect(
    { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.eastus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL },
    { retry: { maxRetries: 6, baseDelayMs: 20, maxDelayMs: 200 } },
  );
  arm = new Arm(conn, { pollIntervalMs: 10 });
});

afterAll(async () => {
  await emulator?.close();
});

describe('core/live Arm', () => {
  it('lists every page of a collection', async () => {
    for (let i = 0; i < 7; i++) await arm.put('tag', [`t${i}`], { properties: { displayName: `T${i}` } });
    const names = (await arm.listAll('tag', [])).map((t) => t.name);
    expect(names).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('writes long-running kinds and returns what APIM holds afterwards', async () => {
    const nv = await arm.put('namedValue', ['region'], { properties: { displayName: 'region', value: 'eastus' } });
    expect(nv?.properties).toMatchObject({ displayName: 'region', value: 'eastus' });
    expect(nv?.properties.provisioningState).toBeUndefined();
  });

  it('reads policies verbatim as rawxml (which the SDK 10 ApiPolicy_Get cannot)', async () => {
    const xml = '<policies>\n\t<inbound>\n\t\t<base />\n\t</inbound>\n</policies>';
    await arm.put('apiPolicy', ['echo-api', 'policy'], { properties: { format: 'rawxml', value: xml } });
    const got = await arm.get('apiPolicy', ['echo-api', 'policy'], { format: 'rawxml' });
    expect(got?.properties.value).toBe(xml);
  });

  it('answers undefined for what does not exist, and reports failures with the ARM error', async () => {
    expect(await arm.get('api', ['nope'])).toBeUndefined();
    const error = await arm.put('product', ['p-dup'], { properties: { displayName: 'Starter' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).describe()).toContain('Product with the same name already exists');
  });

  it('reports a long-running failure with the details from the poll', async () => {
    await arm.put('namedValue', ['a'], { properties: { displayName: 'same', value: '1' } });
    const error = (await arm.put('namedValue', ['b'], { properties: { displayName: 'same', value: '2' } }).catch((e: unknown) => e)) as LiveError;
    expect(error).toBeInstanceOf(LiveError);
    expect(error.describe()).toContain('Property with the same name already exist.');
  });

  it('deletes, waiting for long-running deletes', async () => {
    await arm.put('api', ['gone'], { properties: { displayName: 'Gone', path: 'gone' } });
    await arm.delete('api', ['gone']);
    expect(await arm.get('api', ['gone'])).toBeUndefined();
    await arm.delete('api', ['gone']);
  });

  it('retries 409 "Operation on the API is in progress" until the API settles', async () => {
    emulator.setKnobs('eastus', { importBusyMs: 150 });
    try {
      await arm.put('api', ['busy'], { properties: { path: 'busy', format: 'openapi+json', value: JSON.stringify({ openapi: '3.0.1', info: { title: 'Busy', version: '1' }, paths: {} }) } });
      await arm.put('apiPolicy', ['busy', 'policy'], { properties: { format: 'rawxml', value: '<policies />' } });
      expect((await arm.get('apiPolicy', ['busy', 'policy'], { format: 'rawxml' }))?.properties.value).toBe('<policies />');
    } finally {
      emulator.setKnobs('eastus', { importBusyMs: 0 });
    }
  });

  it('retries 429 without Retry-After, which the SDK alone gives up on', async () => {
    // a bucket refilled more slowly than ARM documents (2 writes a second, not 10): the pacing, which counts on
    // the documented refill, sends too early and gets 429s
    emulator.setThrottling({ enabled: true, omitRetryAfter: true, writes: { capacity: 1, refillPerSecond: 2 } });
    const throttled = subscriptionGate(emulator.subscriptionId).throttled;
    try {
      for (let i = 0; i < 4; i++) await arm.put('tag', [`burst-${i}`], { properties: { displayName: `b${i}` } });
      expect(subscriptionGate(emulator.subscriptionId).throttled).toBeGreaterThan(throttled);
      expect((await arm.listAll('tag', [])).filter((t) => t.name.startsWith('burst-'))).toHaveLength(4);
    } finally {
      emulator.setThrottling({ enabled: false, omitRetryAfter: false });
    }
  });

  it('sends a request again when its answer never came (core-rest-pipeline alone throws the timeout at once)', async () => {
    const impatient = new Arm(
      connect(
        { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.eastus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL },
        { retry: { maxRetries: 6, maxServerErrorRetries: 1, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 300 } },
      ),
    );
    emulator.resetCounts();
    // a write carried out whose answer was lost: sent again, it writes the same thing
    emulator.setKnobs('eastus', { loseNext: 1 });
    await impatient.put('tag', ['lost-answer'], { properties: { displayName: 'Lost answer' } });
    // a read that got no answer
    emulator.setKnobs('eastus', { hangNext: 1 });
    expect((await impatient.get('tag', ['lost-answer']))?.properties.displayName).toBe('Lost answer');
    expect([emulator.counts().eastus?.['PUT tag'], emulator.counts().eastus?.['GET tag']]).toEqual([2, 2]);

    // an instance that never answers fails after the bounded tries, saying what got no answer
    emulator.setKnobs('eastus', { down: 'hang' });
    try {
      const error = await impatient.get('tag', ['lost-answer']).catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/^no answer within 300 ms to GET 127\.0\.0\.1:\d+\/subscriptions\/.*\/tags\/lost-answer \(sent 2 times\)$/);
    } finally {
      emulator.setKnobs('eastus', { down: false });
    }
  });
});
