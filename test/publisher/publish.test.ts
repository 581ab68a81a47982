// The publisher end to end: a real git repository, three emulator instances, the real SDK client pipeline.
// Each scenario is one of the promises the publisher makes to a team that runs APIM in several regions.
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator, writesByKind } from '../support/emulator.ts';
import { type RunResult, type RunSettings, run } from '../../publisher/run.ts';
import { status } from '../../publisher/status.ts';
import { hasChanges } from '../../core/plan/types.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { Arm } from '../../core/live/arm.ts';
import { acquireLock } from '../../publisher/record.ts';

let emulator: RunningEmulator;
let repo: Workspace;
const LABELS = ['eastus', 'westus', 'northeurope'];

const settings = (over: Partial<RunSettings> = {}): RunSettings => ({
  configFile: repo.config,
  apply: true,
  full: false,
  allowMassDelete: false,
  env: { APIOPS_TEST: '1' },
  pollIntervalMs: 5,
  // a region that is down fails within a second here, not after minutes of backoff
  retry: { maxRetries: 6, maxServerErrorRetries: 1, sdkMaxRetries: 1, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 2000 },
  ...over,
});

function recorded(result: RunResult): Record<string, string | null> {
  return Object.fromEntries(result.outcomes.map((o) => [o.target, o.recorded]));
}

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: LABELS });
});

afterAll(async () => {
  await emulator?.close();
});

describe('secrets from the environment', () => {
  beforeAll(async () => {
    // every region takes the environment's value from a token, as a secret
    const overrides = `namedValues:\n  - name: environment\n    properties:\n      secret: true\n      value: "{#ENVIRONMENT_VALUE#}"\n`;
    repo = await createWorkspace({ emulator, overrides: Object.fromEntries(LABELS.map((l) => [l, overrides])) });
  });
  afterAll(async () => {
    await repo?.close();
  });

  it('publishes a rotated secret without a commit and without --full: what takes a token is compared on every run', async () => {
    const first = await run(settings({ env: { ENVIRONMENT_VALUE: 'first-secret' } }));
    expect(first.outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
    emulator.resetCounts();
    const same = await run(settings({ env: { ENVIRONMENT_VALUE: 'first-secret' } }));
    expect(same.outcomes.map((o) => [o.status, o.plan.mode])).toEqual(LABELS.map(() => ['unchanged', 'incremental']));
    expect(writesByKind(emulator)).toEqual(Object.fromEntries(LABELS.map((l) => [l, {}])));

    emulator.resetCounts();
    const rotated = await run(settings({ env: { ENVIRONMENT_VALUE: 'second-secret' } }));
    expect(rotated.outcomes.map((o) => [o.status, o.plan.mode, o.plan.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`)])).toEqual(
      LABELS.map(() => ['applied', 'incremental', ['update namedValue environment']]),
    );
    // the value (and the lock and the record), and never the secret in the plan
    expect(writesByKind(emulator)).toEqual(Object.fromEntries(LABELS.map((l) => [l, { namedValue: 3 }])));
    expect(JSON.stringify(rotated.plan)).not.toContain('second-secret');
    for (const label of LABELS) expect(emulator.instance(label).store.get('namedValue', ['environment'])?.properties.value, label).toBe('second-secret');
  });
});

describe('publishing the sample estate to three regions', () => {
  beforeAll(async () => {
    repo = await createWorkspace({ emulator });
  });
  afterAll(async () => {
    await repo?.close();
  });
  afterEach(() => {
    for (const label of LABELS) emulator.setKnobs(label, { down: false });
  });

  it('converges every region, then diff shows no changes and status shows all three at HEAD', async () => {
    const head = (await repo.git.revparse(['HEAD'])).trim();
    const published = await run(settings());
    expect(published.validation.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(published.outcomes.map((o) => [o.target, o.status, o.error ?? ''])).toEqual(LABELS.map((l) => [l, 'applied', '']));
    expect(recorded(published)).toEqual(Object.fromEntries(LABELS.map((l) => [l, head])));

    // the emulator answers with absolute ids, server defaults and its own policy formatting: still no change
    const diff = await run(settings({ apply: false, full: true }));
    for (const target of diff.plan.targets) {
      expect(
        target.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')} ${JSON.stringify(i.changes)} ${JSON.stringify(i.spec ?? {})}`),
        target.target,
      ).toEqual([]);
    }
    expect(hasChanges(diff.plan)).toBe(false);

    const report = await status({ configFile: repo.config, env: {} });
    expect(report.targets.map((t) => [t.target, t.commit, t.behind, t.drift])).toEqual(LABELS.map((l) => [l, head, 0, false]));
    expect(report.current).toBe(true);
  });

  it('publishes one changed operation policy with exactly one write per region, plus the recorded commit', async () => {
    const file = 'artifacts/apis/conference-api/operations/submit-feedback/policy.xml';
    const before = await repo.read(file);
    const commit = await repo.commit('smaller feedback bodies', { [file]: before.replace('max-size="4096"', 'max-size="2048"') });
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.plan.mode])).toEqual(LABELS.map(() => ['applied', 'incremental']));
    expect(recorded(result)).toEqual(Object.fromEntries(LABELS.map((l) => [l, commit])));
    const counted = writesByKind(emulator);
    for (const label of LABELS) {
      // the lock and the recorded commit live in one named value: two writes of it, one of the policy
      expect(counted[label], label).toEqual({ apiOperationPolicy: 1, namedValue: 2 });
    }
  });

  it('writes nothing at all when run again at the commit every region holds, reconciling everything or not', async () => {
    for (const full of [false, true]) {
      emulator.resetCounts();
      const again = await run(settings({ full }));
      expect(again.outcomes.map((o) => [o.target, o.status, o.plan.mode])).toEqual(LABELS.map((l) => [l, 'unchanged', full ? 'full' : 'incremental']));
      expect(writesByKind(emulator), `full: ${full}`).toEqual(Object.fromEntries(LABELS.map((l) => [l, {}])));
    }
  });

  it('moves the record with one write when a commit changes nothing a region holds', async () => {
    const commit = await repo.commit('notes for the team', { 'NOTES.md': 'nothing APIM holds\n' });
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.target, o.status, o.recorded])).toEqual(LABELS.map((l) => [l, 'unchanged', commit]));
    expect(writesByKind(emulator)).toEqual(Object.fromEntries(LABELS.map((l) => [l, { namedValue: 1 }])));
  });

  it('deletes what a commit removed, measured against all a region holds; refuses more than the limit, leaving the record as it was', async () => {
    const head = (await repo.git.revparse(['HEAD'])).trim();
    const files = (await readdir(join(repo.dir, 'artifacts', 'tags', 'public'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const gone = Object.fromEntries(files.map((e) => [relative(repo.dir, join(e.parentPath, e.name)), null]));
    const originals = Object.fromEntries(await Promise.all(Object.keys(gone).map(async (f) => [f, await repo.read(f)] as const)));
    // a tag and its three links: under a tenth of what each region holds, although they are all this commit reads
    const removed = await repo.commit('the public tag removed', gone);
    emulator.resetCounts();
    const refused = await run(settings({ maxDeletePercent: 5 }));
    expect(refused.outcomes.map((o) => [o.target, o.status, o.plan.mode, o.plan.summary.delete])).toEqual(LABELS.map((l) => [l, 'refused', 'incremental', 4]));
    expect(refused.outcomes[0]!.plan.refused).toMatch(/^the plan deletes 4 of \d{2} resources \(more than 5 %\)/);
    // no configuration written; the record still holds the commit before, and no lock is left behind
    for (const label of LABELS) expect(Object.keys(writesByKind(emulator)[label]!).filter((k) => k !== 'namedValue'), label).toEqual([]);
    const report = await status({ configFile: repo.config, env: {} });
    expect(report.targets.map((t) => t.commit)).toEqual(LABELS.map(() => head));
    for (const label of LABELS) expect(JSON.parse(String(emulator.instance(label).store.get('namedValue', ['apiops-state'])?.properties.value)).lock ?? null, label).toBeNull();

    // under the default limit (20 %) the same commit goes through: the tag goes, its links with it
    const applied = await run(settings());
    expect(applied.outcomes.map((o) => [o.status, o.recorded, o.plan.summary.delete])).toEqual(LABELS.map(() => ['applied', removed, 4]));
    for (const label of LABELS) expect(emulator.instance(label).store.get('tag', ['public']), label).toBeUndefined();
    // and back: the links' owner is new to the regions again (listing its links answers 404, which means none)
    const restored = await repo.commit('the public tag back', originals);
    const back = await run(settings());
    expect(back.outcomes.map((o) => [o.status, o.recorded, o.plan.summary.create])).toEqual(LABELS.map(() => ['applied', restored, 4]));
  });

  it('lets a region that was down catch up by itself on the next commit', async () => {
    const nv = 'artifacts/named values/environment/namedValueInformation.json';
    const original = JSON.parse(await repo.read(nv)) as { properties: Record<string, unknown> };
    const commitA = await repo.commit('environment A', { [nv]: `${JSON.stringify({ properties: { ...original.properties, value: 'release-A' } }, null, 2)}\n` });
    const before = await run(settings({ apply: false }));
    void before;
    emulator.setKnobs('westus', { down: 'unavailable' });
    const a = await run(settings());
    expect(a.outcomes.find((o) => o.target === 'westus')?.status).toBe('unreachable');
    expect(a.outcomes.filter((o) => o.target !== 'westus').map((o) => o.recorded)).toEqual([commitA, commitA]);
    const westBefore = (await status({ configFile: repo.config, targets: ['westus'], env: {} })).targets[0];
    expect(westBefore?.reachable).toBe(false);

    emulator.setKnobs('westus', { down: false });
    const tag = 'artifacts/tags/orders/tagInformation.json';
    const commitB = await repo.commit('tag B', { [tag]: `${JSON.stringify({ properties: { displayName: 'Orders B' } }, null, 2)}\n` });
    const b = await run(settings());
    expect(b.outcomes.map((o) => [o.target, o.status, o.recorded])).toEqual(LABELS.map((l) => [l, 'applied', commitB]));
    // westus got A's change too, although commit B did not touch that file
    const diff = await run(settings({ apply: false, full: true, targets: ['westus'] }));
    expect(hasChanges(diff.plan)).toBe(false);
    const west = emulator.instance('westus').store.get('namedValue', ['environment']);
    expect(west?.properties.value).toBe('release-A');
  });

  it('reports a region that hangs as unreachable instead of hanging the publish; the others go on', async () => {
    const head = (await repo.git.revparse(['HEAD'])).trim();
    emulator.setKnobs('northeurope', { down: 'hang' });
    const result = await run(settings({ full: true }));
    emulator.setKnobs('northeurope', { down: false });
    expect(result.outcomes.map((o) => [o.target, o.status])).toEqual([
      ['eastus', 'unchanged'],
      ['westus', 'unchanged'],
      ['northeurope', 'unreachable'],
    ]);
    expect(result.outcomes.filter((o) => o.target !== 'northeurope').map((o) => o.recorded)).toEqual([head, head]);
    // sent again once after the first timeout, then given up, saying what got no answer
    expect(result.outcomes.find((o) => o.target === 'northeurope')?.error).toMatch(/no answer within 2000 ms to GET .* \(sent 2 times\)/);
  });

  it('survives answers lost on the way: a read that never came back, a lock write carried out and sent again', async () => {
    const file = 'artifacts/apis/conference-api/operations/submit-feedback/policy.xml';
    const before = await repo.read(file);
    const commit = await repo.commit('feedback bodies up to 3 KiB', { [file]: before.replace(/max-size="\d+"/, 'max-size="3072"') });
    const quick = settings({ retry: { maxRetries: 6, maxServerErrorRetries: 1, sdkMaxRetries: 1, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 400 } });
    // westus: its first request (the record's read) gets no answer; eastus: its first write (the lock) is carried
    // out unanswered, so the one sent again meets an ETag that has moved on (412) and the lock is taken anew
    emulator.setKnobs('westus', { hangNext: 1 });
    emulator.setKnobs('eastus', { loseNext: 1 });
    try {
      const result = await run(quick);
      expect(result.outcomes.map((o) => [o.target, o.status, o.error ?? ''])).toEqual(LABELS.map((l) => [l, 'applied', '']));
      expect(recorded(result)).toEqual(Object.fromEntries(LABELS.map((l) => [l, commit])));
      expect(emulator.instance('eastus').knobs.loseNext).toBe(0);
    } finally {
      for (const label of LABELS) emulator.setKnobs(label, { hangNext: 0, loseNext: 0 });
    }
    expect(await repo.read(file)).toContain('max-size="3072"');
    const diff = await run(settings({ apply: false, full: true }));
    expect(hasChanges(diff.plan)).toBe(false);
    await repo.commit('feedback bodies as before', { [file]: before });
    expect((await run(settings())).outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
  });

  it('never moves a region back when two publishes of different commits run at once', async () => {
    const older = (await repo.git.revparse(['HEAD'])).trim();
    const tag = 'artifacts/tags/orders/tagInformation.json';
    const newer = await repo.commit('tag C', { [tag]: `${JSON.stringify({ properties: { displayName: 'Orders C' } }, null, 2)}\n` });
    // the older publish starts first and takes the locks; the newer one waits for them, then catches up
    const olderRun = run(settings({ commit: older, full: true }));
    await new Promise((r) => setTimeout(r, 30));
    const [r1, r2] = await Promise.all([run(settings({ commit: newer })), olderRun]);
    expect([...r1.outcomes, ...r2.outcomes].every((o) => o.status !== 'failed' && o.status !== 'unreachable')).toBe(true);
    const report = await status({ configFile: repo.config, env: {} });
    expect(report.targets.map((t) => t.commit)).toEqual(LABELS.map(() => newer));
    for (const label of LABELS) expect(emulator.instance(label).store.get('tag', ['orders'])?.properties.displayName, label).toBe('Orders C');
  });

  it('reconciles everything after a run that died holding a region (its lock expired)', async () => {
    const conn = connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.westus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL });
    const head = (await repo.git.revparse(['HEAD'])).trim();
    // a run takes the lock and dies before it records anything
    await acquireLock(new Arm(conn, { pollIntervalMs: 5 }), { owner: 'run-that-died', commit: head, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.target, o.plan.mode])).toEqual(LABELS.map((l) => [l, l === 'westus' ? 'full' : 'incremental']));
    expect(result.outcomes.every((o) => o.recorded === head)).toBe(true);
    // nothing differed, but the dead run's lock is cleared (one write of the record), so the next run is incremental
    expect(JSON.parse(String(emulator.instance('westus').store.get('namedValue', ['apiops-state'])?.properties.value)).lock ?? null).toBeNull();
    const next = await run(settings());
    expect(next.outcomes.map((o) => o.plan.mode)).toEqual(LABELS.map(() => 'incremental'));
  });

  it('publishes the commit, not the working tree: an edit not yet committed is shown by diff and never written', async () => {
    const file = 'artifacts/apis/conference-api/operations/submit-feedback/policy.xml';
    const committed = await repo.read(file);
    await writeFile(join(repo.dir, file), committed.replace('max-size="2048"', 'max-size="1024"'));
    try {
      const diff = await run(settings({ apply: false }));
      expect(diff.plan.targets.map((t) => t.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`))).toEqual(LABELS.map(() => ['update apiOperationPolicy conference-api/submit-feedback/policy']));
      emulator.resetCounts();
      const published = await run(settings({ full: true }));
      expect(published.outcomes.map((o) => [o.status, o.plan.items.length])).toEqual(LABELS.map(() => ['unchanged', 0]));
      for (const label of LABELS) expect(writesByKind(emulator)[label]!.apiOperationPolicy ?? 0, label).toBe(0);
    } finally {
      await writeFile(join(repo.dir, file), committed);
    }
  });

  it('refuses invalid artifacts before writing anything, naming the file and line', async () => {
    const bad = 'artifacts/named values/environment/namedValueInformation.json';
    await repo.commit('broken', { [bad]: '{\n  "properties": {\n    "displayName": "environment",\n    "value": \n  }\n}\n' });
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.validation.valid).toBe(false);
    expect(result.validation.findings.find((f) => f.severity === 'error')).toMatchObject({ file: expect.stringContaining('namedValueInformation.json'), line: expect.any(Number) });
    expect(Object.values(writesByKind(emulator)).every((w) => Object.keys(w).length === 0)).toBe(true);
  });
});
