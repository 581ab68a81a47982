// ARM throttles per subscription: three regional instances in one subscription share one token bucket. A full
// publish of 300 APIs to all three completes without an error reaching the user, the 429s absorbed by the
// shared subscription gate and the retries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { run } from '../../publisher/run.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { writeSyntheticEstate } from '../../demo/synthetic.ts';

let emulator: RunningEmulator;
let repo: Workspace;
let estate: string;

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus', 'westus', 'northeurope'], bare: true });
  estate = await mkdtemp(join(tmpdir(), 'apiops-estate-'));
  await writeSyntheticEstate(estate, { apis: 300, operations: 2, products: 3 });
  repo = await createWorkspace({ emulator, artifactsFrom: estate });
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
  await rm(estate, { recursive: true, force: true });
});

describe('publishing under ARM throttling', () => {
  it('completes a full publish of 300 APIs to three targets in one subscription', async () => {
    // ARM's bucket sizes; faster refills than Azure's so that the test takes seconds, not minutes
    emulator.setThrottling({ enabled: true, reads: { capacity: 250, refillPerSecond: 400 }, writes: { capacity: 200, refillPerSecond: 250 }, deletes: { capacity: 200, refillPerSecond: 250 } });
    const result = await run({ configFile: repo.config, apply: true, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5, concurrency: 8 });
    emulator.setThrottling({ enabled: false });
    expect(result.outcomes.map((o) => [o.target, o.status, o.error ?? ''])).toEqual([
      ['eastus', 'applied', ''],
      ['westus', 'applied', ''],
      ['northeurope', 'applied', ''],
    ]);
    const throttled = Object.values(emulator.counts()).reduce((n, c) => n + (c['PUT api'] ?? 0), 0);
    expect(throttled).toBeGreaterThanOrEqual(900);
    for (const label of ['eastus', 'westus', 'northeurope']) expect(emulator.instance(label).store.list('api', []).length).toBe(300);
  });
});
