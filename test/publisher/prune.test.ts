// Prune deletes what the live instance holds and Git does not — never APIM's own resources (built-in groups, the
// master subscription, the credentials it files as named values, apiops' own record) — and a plan that would delete
// a large share of a target is refused unless the run allows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run } from '../../publisher/run.ts';
import { startCheckedEmulator } from '../support/emulator.ts';

let emulator: RunningEmulator;
let repo: Workspace;

beforeAll(async () => {
  // a new instance as APIM creates it: the Echo API, the Starter and Unlimited products, built-in groups, master
  emulator = await startCheckedEmulator({ instances: ['eastus'] });
  repo = await createWorkspace({ emulator });
  const published = await run({ configFile: repo.config, apply: true, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
  expect(published.outcomes.map((o) => o.status)).toEqual(['applied']);
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
});

const settings = { apply: true, full: true, prune: true, env: {}, pollIntervalMs: 5 };

describe('prune', () => {
  it('deletes what Git does not hold, once allowed, and never what APIM or apiops own', async () => {
    const store = emulator.instance('eastus').store;
    const builtIn = store.all('group').filter((g) => g.properties.builtIn === true).map((g) => g.names[0]);
    expect(builtIn.length).toBeGreaterThan(0);
    expect(store.get('api', ['echo-api'])).toBeDefined();

    // the plan deletes more than 5 % of the instance: refused, nothing written
    const refused = await run({ configFile: repo.config, ...settings, allowMassDelete: false, maxDeletePercent: 5 });
    expect(refused.outcomes.map((o) => o.status)).toEqual(['refused']);
    const planned = refused.outcomes[0]!.plan.items.filter((i) => !i.cascade).map((i) => `${i.kind} ${i.names.join('/')}`);
    expect(planned).toContain('api echo-api');
    expect(store.get('api', ['echo-api'])).toBeDefined();
    // APIM's own resources and apiops' record are never part of a plan
    for (const item of refused.outcomes[0]!.plan.items) {
      expect(item.kind === 'group' && builtIn.includes(item.names[0]), item.key).toBe(false);
      expect(item.kind === 'subscription' && item.names[0] === 'master', item.key).toBe(false);
      expect(item.kind === 'namedValue' && item.names[0] === 'apiops-state', item.key).toBe(false);
    }

    const pruned = await run({ configFile: repo.config, ...settings, allowMassDelete: true, maxDeletePercent: 5 });
    expect(pruned.outcomes.map((o) => [o.status, o.apply?.failed ?? []])).toEqual([['applied', []]]);
    expect(store.get('api', ['echo-api'])).toBeUndefined();
    for (const name of builtIn) expect(store.get('group', [name!]), name).toBeDefined();
    expect(store.get('subscription', ['master'])).toBeDefined();
    expect(store.get('namedValue', ['apiops-state'])).toBeDefined();

    // and the region now matches Git exactly: a full diff with prune plans nothing
    const diff = await run({ configFile: repo.config, ...settings, apply: false, allowMassDelete: false });
    expect(diff.plan.targets[0]!.items).toEqual([]);
  });
});
