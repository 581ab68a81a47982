// What a full diff reads of a target: with nothing to prune, a live resource Git does not hold can never be part
// of the plan, so nothing below it is read (ARM counts every read against the subscription's budget); with
// prune, everything is read and the plan deletes what Git does not hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { Arm } from '../../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { run } from '../../publisher/run.ts';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';

let recorded: RecordedEmulator;
let emulator: RunningEmulator;
let repo: Workspace;

const POLICY = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
const SPEC = "openapi: 3.0.1\ninfo:\n  title: Live only\n  version: '1'\npaths:\n  /a:\n    get:\n      operationId: get-a\n      responses:\n        '200':\n          description: OK\n  /b:\n    get:\n      operationId: get-b\n      responses:\n        '200':\n          description: OK\n";

beforeAll(async () => {
  recorded = await startRecordedEmulator({ instances: ['eastus'] });
  emulator = recorded.emulator;
  repo = await createWorkspace({ emulator });
  const published = await run({ configFile: repo.config, apply: true, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
  expect(published.outcomes[0]?.status).toBe('applied');
  // an API that only the live instance has, with an API policy and two operation policies
  const arm = new Arm(
    connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.eastus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL }),
    { pollIntervalMs: 5 },
  );
  await arm.put('api', ['live-only'], { properties: { displayName: 'Live only', path: 'live-only', protocols: ['https'], format: 'openapi', value: SPEC } });
  await arm.put('apiPolicy', ['live-only', 'policy'], { properties: { format: 'rawxml', value: POLICY } });
  for (const op of ['get-a', 'get-b']) await arm.put('apiOperationPolicy', ['live-only', op, 'policy'], { properties: { format: 'rawxml', value: POLICY } });
});

afterAll(async () => {
  await recorded?.close();
  await repo?.close();
});

/** The diff's plan for the target, and the paths it requested below the live-only API. */
async function diff(prune: boolean) {
  const from = recorded.exchanges.length;
  const result = await run({ configFile: repo.config, apply: false, full: true, prune, allowMassDelete: true, env: {} });
  const below = recorded.exchanges.slice(from).filter((e) => /\/apis\/live-only\//i.test(e.path)).map((e) => `${e.method} ${e.path.replace(/.*\/apis\//, 'apis/')}`);
  return { plan: result.plan.targets[0]!, below };
}

describe('what a full diff reads', () => {
  it('reads nothing below a live API that Git does not hold when nothing is pruned; with prune, all of it', async () => {
    const kept = await diff(false);
    expect(kept.plan.items.filter((i) => i.names[0] === 'live-only')).toEqual([]);
    // the API list names it (one request for all APIs), and nothing below it is asked for
    expect(kept.below).toEqual([]);
    const pruned = await diff(true);
    expect(pruned.plan.items.filter((i) => !i.cascade && i.names[0] === 'live-only').map((i) => `${i.action} ${i.kind}`)).toEqual(['delete api']);
    expect(pruned.below).toEqual(
      expect.arrayContaining(['GET apis/live-only/operations', 'GET apis/live-only/policies/policy', 'GET apis/live-only/operations/get-a/policies/policy', 'GET apis/live-only/operations/get-b/policies/policy']),
    );
  });
});
