// The subscription throttle of core/live/limiter.ts against the emulator's ARM token buckets, through the real SDK
// client's pipeline: once ARM says a bucket is empty, requests are paced at its refill rate instead of sent into
// the empty bucket for 429s; when ARM says nothing of its buckets, nothing is paced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { Arm } from '../../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { budgetTypeOf, subscriptionGate } from '../../core/live/limiter.ts';

let emulator: RunningEmulator;
let arms: Arm[];

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus', 'westus'] });
  // two regions in one subscription: ARM's buckets, and so the throttle, are the subscription's
  arms = ['eastus', 'westus'].map(
    (label) =>
      new Arm(
        connect(
          { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances[label]!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL },
          { retry: { maxRetries: 12, baseDelayMs: 20, maxDelayMs: 200 } },
        ),
      ),
  );
});

afterAll(async () => {
  await emulator?.close();
});

/** `count` reads of named values, `inFlight` at a time, spread over the regions */
async function burstOfReads(count: number, inFlight: number): Promise<Array<string | undefined>> {
  const answers: Array<string | undefined> = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const got = await arms[i % arms.length]!.get('namedValue', [`nv-${i % 5}`]);
      answers[i] = got?.properties.displayName as string | undefined;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return answers;
}

describe('core/live subscription throttle', () => {
  it('tells reads, writes and deletes apart as ARM counts them', () => {
    expect(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'].map(budgetTypeOf)).toEqual(['reads', 'reads', 'writes', 'writes', 'writes', 'deletes']);
  });

  it('paces reads at the refill rate once the bucket is empty, with hardly a 429, for all regions of the subscription', async () => {
    for (const arm of arms) for (let i = 0; i < 5; i++) await arm.put('namedValue', [`nv-${i}`], { properties: { displayName: `nv-${i}`, value: String(i) } });
    const gate = subscriptionGate(emulator.subscriptionId);
    const throttledBefore = gate.throttled;
    // ARM's documented refill (25 reads a second), a bucket smaller than the burst: 60 reads, 16 at a time, of
    // which 40 must wait for tokens. Sent into the empty bucket they would be answered 429 over and over.
    emulator.setThrottling({ enabled: true, reads: { capacity: 20, refillPerSecond: 25 } });
    emulator.resetCounts();
    try {
      const answers = await burstOfReads(60, 16);
      expect(answers).toEqual(Array.from({ length: 60 }, (_, i) => `nv-${i % 5}`));
    } finally {
      emulator.setThrottling({ enabled: false });
    }
    // every read answered once (a 429 is not counted by the emulator), and at most a stray 429 from timer jitter
    const served = Object.values(emulator.counts()).reduce((n, c) => n + (c['GET namedValue'] ?? 0), 0);
    expect(served).toBe(60);
    expect(gate.throttled - throttledBefore).toBeLessThanOrEqual(2);
    expect(gate.budgets.reads.estimate).toBeDefined();
  });

  it('stops pacing when ARM no longer tells what is left', async () => {
    const gate = subscriptionGate(emulator.subscriptionId);
    emulator.setThrottling({ enabled: true, reads: { capacity: 1, refillPerSecond: 25 } });
    try {
      await arms[0]!.get('namedValue', ['nv-0']);
      expect(gate.budgets.reads.estimate).toBeLessThan(1);
    } finally {
      emulator.setThrottling({ enabled: false });
    }
    await arms[0]!.get('namedValue', ['nv-0']);
    expect(gate.budgets.reads.estimate).toBeUndefined();
  });
});
