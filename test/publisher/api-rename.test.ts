// Resources renamed in one commit (their folder, so their id, changes) keeping a value APIM holds unique: an API
// its path ("Cannot create API … with the same Path …"), a named value its display name ("Property with the same
// name already exist."), a product its display name. The publisher deletes the old resource before it creates the
// new one. Two named values swapping display names cannot be written in any order, and a display name a live-only
// resource holds cannot be taken: both are refused in the plan, before any write.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run } from '../../publisher/run.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { Arm } from '../../core/live/arm.ts';

const LABELS = ['eastus', 'westus'];
let emulator: RunningEmulator;
let repo: Workspace;
const settings = (over: { full?: boolean; apply?: boolean; prune?: boolean } = {}) => ({ configFile: repo.config, apply: true, full: false, allowMassDelete: true, env: {}, pollIntervalMs: 5, ...over });

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: LABELS });
  repo = await createWorkspace({ emulator });
  expect((await run(settings())).outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
});

/** Every file below `dir` of the repository, relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(join(repo.dir, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(repo.dir.length + 1));
}

describe('values APIM keeps unique (API paths, display names) when resources are renamed or found live', () => {
  it('deletes the old API before creating the new one, in an incremental publish, and leaves nothing to change', async () => {
    const moves: Record<string, string | null> = {};
    for (const dir of ['artifacts/apis/conference-api', 'artifacts/products/starter/apis/conference-api', 'artifacts/tags/public/apis/conference-api']) {
      for (const file of await filesBelow(dir)) {
        moves[file.replace('conference-api', 'conference')] = await repo.read(file);
        moves[file] = null;
      }
    }
    const commit = await repo.commit('conference-api is now conference', moves);

    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.plan.mode, o.recorded, o.error ?? '', o.apply?.failed ?? []])).toEqual(LABELS.map(() => ['applied', 'incremental', commit, '', []]));
    for (const label of LABELS) {
      const store = emulator.instance(label).store;
      expect(store.get('api', ['conference-api']), label).toBeUndefined();
      expect(store.get('api', ['conference'])?.properties.path, label).toBe('conference');
      expect(store.get('apiOperationPolicy', ['conference', 'submit-feedback', 'policy']), label).toBeDefined();
      expect(store.get('productApiLink', ['starter', 'conference']) ?? store.list('productApiLink', ['starter']).find((l) => String(l.properties.apiId).endsWith('/apis/conference')), label).toBeDefined();
    }
    const diff = await run(settings({ apply: false, full: true }));
    expect(diff.plan.targets.map((t) => t.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`))).toEqual(LABELS.map(() => []));
  });

  it('re-creates a named value and a product under new ids with their display names kept', async () => {
    const moves: Record<string, string | null> = {};
    for (const [from, to] of [
      ['artifacts/named values/environment', 'artifacts/named values/environment-v2'],
      ['artifacts/products/starter', 'artifacts/products/starter-plan'],
      ['artifacts/tags/public/products/starter', 'artifacts/tags/public/products/starter-plan'],
    ]) {
      for (const file of await filesBelow(from!)) {
        moves[file.replace(from!, to!)] = await repo.read(file);
        moves[file] = null;
      }
    }
    const commit = await repo.commit('new ids, same names', moves);
    const result = await run(settings());
    expect(result.validation.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.apply?.failed ?? []])).toEqual(LABELS.map(() => ['applied', commit, []]));
    for (const label of LABELS) {
      const store = emulator.instance(label).store;
      expect([store.get('namedValue', ['environment']), store.get('product', ['starter'])], label).toEqual([undefined, undefined]);
      expect([store.get('namedValue', ['environment-v2'])?.properties.displayName, store.get('product', ['starter-plan'])?.properties.displayName], label).toEqual(['environment', expect.any(String)]);
    }
    const diff = await run(settings({ apply: false, full: true }));
    expect(diff.plan.targets.map((t) => t.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`))).toEqual(LABELS.map(() => []));
  });

  it('refuses a tag whose display name a live-only tag holds (extracted elsewhere under another id, apiops #855) before any write; --prune then replaces it', async () => {
    // the tag exists in westus under another id, as another instance's extract would name it
    const conn = connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.westus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL });
    await new Arm(conn, { pollIntervalMs: 5 }).put('tag', ['partners-673e0548c5f6294c3c3daf2f'], { properties: { displayName: 'Partners' } });
    const commit = await repo.commit('a partners tag', { 'artifacts/tags/partners/tagInformation.json': '{\n  "properties": {\n    "displayName": "Partners"\n  }\n}\n' });
    emulator.resetCounts();
    const refused = await run(settings({ full: true }));
    expect(refused.outcomes.map((o) => [o.target, o.status, o.plan.refused ?? ''])).toEqual([
      ['eastus', 'applied', ''],
      ['westus', 'refused', "tag 'partners' takes the display name 'Partners', which tag 'partners-673e0548c5f6294c3c3daf2f' holds on the target and Git does not: APIM refuses a second holder — delete the live one (publish with --prune) or give one of them another display name"],
    ]);
    // (the record and its lock are a named value: taken while planning, released)
    expect(Object.keys(emulator.counts().westus ?? {}).filter((k) => /^(PUT|PATCH|DELETE) /.test(k) && !k.endsWith(' namedValue'))).toEqual([]);
    const pruned = await run(settings({ full: true, prune: true }));
    expect(pruned.outcomes.map((o) => [o.target, o.status, o.recorded])).toEqual([
      ['eastus', expect.stringMatching(/^(applied|unchanged)$/), commit],
      ['westus', 'applied', commit],
    ]);
    expect(emulator.instance('westus').store.get('tag', ['partners'])?.properties.displayName).toBe('Partners');
    expect(emulator.instance('westus').store.get('tag', ['partners-673e0548c5f6294c3c3daf2f'])).toBeUndefined();
  });

  it('refuses the same in an incremental publish (which reads the tags because the commit creates one); the region catches up once the live one is gone', async () => {
    const conn = connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.westus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL });
    const arm = new Arm(conn, { pollIntervalMs: 5 });
    await arm.put('tag', ['vip-0c4f1e2a9b7d'], { properties: { displayName: 'VIP' } });
    const commit = await repo.commit('a vip tag', { 'artifacts/tags/vip/tagInformation.json': '{\n  "properties": {\n    "displayName": "VIP"\n  }\n}\n' });
    emulator.resetCounts();
    const refused = await run(settings());
    expect(refused.outcomes.map((o) => [o.target, o.status, o.plan.mode, o.plan.refused ?? ''])).toEqual([
      ['eastus', 'applied', 'incremental', ''],
      ['westus', 'refused', 'incremental', "tag 'vip' takes the display name 'VIP', which tag 'vip-0c4f1e2a9b7d' holds on the target and Git does not: APIM refuses a second holder — delete the live one (publish with --prune) or give one of them another display name"],
    ]);
    expect(Object.keys(emulator.counts().westus ?? {}).filter((k) => /^(PUT|PATCH|DELETE) /.test(k) && !k.endsWith(' namedValue'))).toEqual([]);
    await arm.delete('tag', ['vip-0c4f1e2a9b7d']);
    const caughtUp = await run(settings());
    expect(caughtUp.outcomes.map((o) => [o.target, o.status, o.recorded])).toEqual([
      ['eastus', 'unchanged', commit],
      ['westus', 'applied', commit],
    ]);
    expect(emulator.instance('westus').store.get('tag', ['vip'])?.properties.displayName).toBe('VIP');
  });

  it('refuses a product renamed with its display name kept while a subscription moves onto the new one (deleting the old first would delete the subscription and its keys)', async () => {
    const moves: Record<string, string | null> = {};
    for (const file of await filesBelow('artifacts/products/partner')) {
      moves[file.replace('products/partner', 'products/partner-plan')] = await repo.read(file);
      moves[file] = null;
    }
    const sub = 'artifacts/subscriptions/partner-fabrikam/subscriptionInformation.json';
    moves[sub] = (await repo.read(sub)).replace('"/products/partner"', '"/products/partner-plan"');
    const recorded = (await run(settings({ apply: false }))).outcomes.map((o) => o.recorded);
    const keys = LABELS.map((label) => emulator.instance(label).store.get('subscription', ['partner-fabrikam'])?.properties.primaryKey);
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    await repo.commit('partner is now partner-plan', moves);
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.plan.refused])).toEqual(
      LABELS.map((_, i) => [
        'refused',
        recorded[i],
        "subscription 'partner-fabrikam' moves off product 'partner', which must be deleted before its successor can take its value (a display name or path APIM keeps unique) — deleting it first would take what still refers to it along: publish it in two commits (first give the old one another display name or path)",
      ]),
    );
    for (const label of LABELS) {
      expect(emulator.instance(label).store.get('subscription', ['partner-fabrikam'])?.properties.scope, label).toMatch(/\/products\/partner$/);
    }
    // the way out the message gives: the old product's display name first, then the rename
    await repo.git.revert('HEAD', ['--no-edit']);
    const info = 'artifacts/products/partner/productInformation.json';
    const text = await repo.read(info);
    const displayName = (JSON.parse(text) as { properties: { displayName: string } }).properties.displayName;
    await repo.commit('partner: a display name to retire', { [info]: text.replace(`"displayName": "${displayName}"`, `"displayName": "${displayName} (retiring)"`) });
    expect((await run(settings())).outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
    moves[info.replace('products/partner', 'products/partner-plan')] = text;
    const commit = await repo.commit('partner is now partner-plan', moves);
    const renamed = await run(settings());
    expect(renamed.outcomes.map((o) => [o.status, o.recorded, o.apply?.failed ?? []])).toEqual(LABELS.map(() => ['applied', commit, []]));
    for (const label of LABELS) {
      const store = emulator.instance(label).store;
      expect(store.get('subscription', ['partner-fabrikam'])?.properties.scope, label).toMatch(/\/products\/partner-plan$/);
      expect(store.get('product', ['partner']), label).toBeUndefined();
    }
    // the subscription moved: its keys are the ones its users hold
    expect(LABELS.map((label) => emulator.instance(label).store.get('subscription', ['partner-fabrikam'])?.properties.primaryKey)).toEqual(keys);
  });

  it('refuses two named values swapping display names, in the plan (diff shows it) and before any write; the record stays', async () => {
    const a = 'artifacts/named values/allowed-origins/namedValueInformation.json';
    const b = 'artifacts/named values/orders-backend-url/namedValueInformation.json';
    const [textA, textB] = [await repo.read(a), await repo.read(b)];
    const recorded = (await run(settings())).outcomes.map((o) => o.recorded);
    expect(recorded.every((c) => c !== null)).toBe(true);
    await repo.commit('swap', {
      [a]: textA.replace('"displayName": "allowed-origins"', '"displayName": "orders-backend-url"'),
      [b]: textB.replace('"displayName": "orders-backend-url"', '"displayName": "allowed-origins"'),
    });
    const refusal = expect.stringMatching(/^named value allowed-origins, named value orders-backend-url swap values APIM keeps unique .* publish it in two commits/);
    const diff = await run(settings({ apply: false }));
    expect(diff.plan.targets.map((t) => t.refused)).toEqual(LABELS.map(() => refusal));
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.plan.refused])).toEqual(LABELS.map((_, i) => ['refused', recorded[i], refusal]));
    // no write of another kind (the record and its lock are named values), and both named values as they were
    for (const label of LABELS) {
      const writes = Object.entries(emulator.counts()[label] ?? {}).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k) && !k.endsWith(' namedValue'));
      expect(writes, label).toEqual([]);
      const store = emulator.instance(label).store;
      expect([store.get('namedValue', ['allowed-origins'])?.properties.displayName, store.get('namedValue', ['orders-backend-url'])?.properties.displayName], label).toEqual(['allowed-origins', 'orders-backend-url']);
    }
  });
});
