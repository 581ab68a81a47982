// A named value renamed (its display name) together with every policy that names it, in one commit: each policy
// waits for the named value's write, found by the display name of its `{{token}}` — APIM (and the emulator) refuse
// a policy whose token names no named value yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run } from '../../publisher/run.ts';
import { startCheckedEmulator } from '../support/emulator.ts';

let emulator: RunningEmulator;
let repo: Workspace;
const settings = () => ({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus'] });
  repo = await createWorkspace({ emulator });
  expect((await run(settings())).outcomes.map((o) => o.status)).toEqual(['applied']);
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
});

describe('a named value renamed with the policies that name it', () => {
  it('writes the named value first, then every policy naming it by its new display name', async () => {
    const nv = 'artifacts/named values/environment/namedValueInformation.json';
    const files: Record<string, string> = { [nv]: (await repo.read(nv)).replace('"displayName": "environment"', '"displayName": "deployment-environment"') };
    for (const file of ['artifacts/policy fragments/orders-routing/policy.xml', 'artifacts/apis/conference-api/policy.xml', 'artifacts/products/partner/policy.xml']) {
      files[file] = (await repo.read(file)).replaceAll('{{environment}}', '{{deployment-environment}}');
    }
    const commit = await repo.commit('environment is now deployment-environment', files);
    const applied: string[] = [];
    const result = await run({ ...settings(), concurrency: 8, log: (line) => void (line.includes(' ✓ ') && applied.push(line.split(' ✓ ')[1]!)) });
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.apply?.failed ?? []])).toEqual([['applied', commit, []]]);
    expect(applied[0]).toBe('update namedValue environment');
    expect(applied.slice(1).sort()).toEqual(['update apiPolicy conference-api/policy', 'update policyFragment orders-routing', 'update productPolicy partner/policy']);
    expect(emulator.instance('eastus').store.get('namedValue', ['environment'])?.properties.displayName).toBe('deployment-environment');
  });
});
