// Commits that change an API's specification: with the policies of its operations together (an operation removed
// with its policy, an operation added with one: the import comes first, then the new operation's policy; the
// removed one's policy goes with its operation), an operation whose parameters change but not its name, method or
// URL template, and a GraphQL schema whose types change but not its operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run } from '../../publisher/run.ts';
import { status } from '../../publisher/status.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { Arm } from '../../core/live/arm.ts';
import type { JsonObject } from '../../core/state.ts';
import { startCheckedEmulator } from '../support/emulator.ts';

const LABELS = ['eastus', 'westus'];
let emulator: RunningEmulator;
let repo: Workspace;

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: LABELS });
  repo = await createWorkspace({ emulator });
  const published = await run({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
  expect(published.outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
});

const SPEC = 'artifacts/apis/conference-api/specification.yaml';
const OLD_POLICY = 'artifacts/apis/conference-api/operations/submit-feedback/policy.xml';
const NEW_POLICY = 'artifacts/apis/conference-api/operations/rate-session/policy.xml';

describe('a specification and its operations changed in one commit', () => {
  it('imports the new specification, then writes the new operation policy; the removed operation takes its policy along', async () => {
    const spec = await repo.read(SPEC);
    const feedback = spec.slice(spec.indexOf("  '/sessions/{id}/feedback':"), spec.indexOf('components:'));
    const rating = [
      "  '/sessions/{id}/rating':",
      '    put:',
      '      summary: Rate a session',
      '      operationId: rate-session',
      '      parameters:',
      '        - name: id',
      '          in: path',
      '          required: true',
      '          schema:',
      '            type: integer',
      '      responses:',
      "        '204':",
      '          description: Rated.',
      '',
    ].join('\n');
    const policy = (await repo.read(OLD_POLICY)).replace(/\s*<set-backend-service[^>]*\/>/, '').replace(/<validate-content[\s\S]*?<\/validate-content>/, '<rate-limit calls="5" renewal-period="60" />');
    const commit = await repo.commit('feedback becomes a rating', { [SPEC]: spec.replace(feedback, rating), [OLD_POLICY]: null, [NEW_POLICY]: policy });

    const result = await run({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(result.outcomes.map((o) => [o.status, o.plan.mode, o.recorded, o.error ?? ''])).toEqual(LABELS.map(() => ['applied', 'incremental', commit, '']));
    const items = result.outcomes[0]!.plan.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`);
    expect(items).toEqual(expect.arrayContaining(['update api conference-api', 'create apiOperationPolicy conference-api/rate-session/policy', 'delete apiOperationPolicy conference-api/submit-feedback/policy']));
    expect(result.outcomes[0]!.plan.items.find((i) => i.kind === 'api')?.spec).toMatchObject({ added: [expect.stringContaining('rate-session')], removed: [expect.stringContaining('submit-feedback')] });
    for (const label of LABELS) {
      const store = emulator.instance(label).store;
      expect(store.get('apiOperation', ['conference-api', 'submit-feedback']), label).toBeUndefined();
      expect(store.get('apiOperationPolicy', ['conference-api', 'rate-session', 'policy'])?.properties.value, label).toContain('rate-limit');
    }
    // and nothing is left to change
    const diff = await run({ configFile: repo.config, apply: false, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(diff.plan.targets.map((t) => t.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`))).toEqual(LABELS.map(() => []));
  });

  it('publishes an operation that gained a query parameter (same name, method and URL template), once per region', async () => {
    const spec = await repo.read(SPEC);
    const id = '        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n      responses:\n        \'200\':\n          description: The session.';
    expect(spec).toContain(id);
    const expand = id.replace('      responses:', '        - name: expand\n          in: query\n          schema:\n            type: boolean\n      responses:');
    const commit = await repo.commit('a session can be read with its speakers', { [SPEC]: spec.replace(id, expand) });
    emulator.resetCounts();
    const result = await run({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.plan.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')} ${i.spec?.changed.join(', ') ?? ''}`)])).toEqual(
      LABELS.map(() => ['applied', commit, ['update api conference-api get-session (GET /sessions/{id}): parameters']]),
    );
    for (const label of LABELS) {
      const op = emulator.instance(label).store.get('apiOperation', ['conference-api', 'get-session'])?.properties.request as { queryParameters?: { name: string }[] } | undefined;
      expect(op?.queryParameters?.map((p) => p.name), label).toEqual(['expand']);
      expect(emulator.counts()[label]!['PUT api'], label).toBe(1);
    }
    // read back in full, the operation is the same: nothing left to change (no re-import on the next run)
    const diff = await run({ configFile: repo.config, apply: false, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(diff.plan.targets.map((t) => t.items.length)).toEqual(LABELS.map(() => 0));
  });

  it("reports an operation's parameters changed in the portal as drift, and `--full` puts the specification back", async () => {
    // someone adds a header parameter to get-session in westus, through the management API as the portal does
    const conn = connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.westus!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL });
    const arm = new Arm(conn, { pollIntervalMs: 5 });
    const live = (await arm.get('apiOperation', ['conference-api', 'get-session']))!;
    const request = (live.properties.request ?? {}) as JsonObject & { headers?: JsonObject[] };
    await arm.put('apiOperation', ['conference-api', 'get-session'], { properties: { ...live.properties, request: { ...request, headers: [...(request.headers ?? []), { name: 'x-debug', type: 'string', required: true }] } } });

    const report = await status({ configFile: repo.config, env: {} });
    expect(report.targets.map((t) => [t.target, t.drift, t.drifted])).toEqual([
      ['eastus', false, []],
      ['westus', true, [expect.stringContaining('conference-api')]],
    ]);
    const repaired = await run({ configFile: repo.config, apply: true, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(repaired.outcomes.map((o) => [o.target, o.status, o.plan.items.map((i) => `${i.action} ${i.kind} ${i.spec?.changed.join(', ') ?? ''}`)])).toEqual([
      ['eastus', 'unchanged', []],
      ['westus', 'applied', ['update api get-session (GET /sessions/{id}): parameters']],
    ]);
    const headers = (emulator.instance('westus').store.get('apiOperation', ['conference-api', 'get-session'])?.properties.request as { headers?: { name: string }[] }).headers ?? [];
    expect(headers.map((h) => h.name)).toEqual([]);
    expect((await status({ configFile: repo.config, env: {} })).targets.map((t) => t.drift)).toEqual([false, false]);
  });

  it("publishes a GraphQL schema whose types changed although no operation did (a query field's type gained a field)", async () => {
    const file = 'artifacts/apis/catalog-graphql/specification.graphql';
    const commit = await repo.commit('products say whether they are in stock', { [file]: (await repo.read(file)).replace('  price: Float!\n', '  price: Float!\n  inStock: Boolean\n') });
    emulator.resetCounts();
    const result = await run({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(result.outcomes.map((o) => [o.status, o.recorded, o.plan.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')} ${i.spec?.changed.join(', ') ?? ''}`)])).toEqual(
      LABELS.map(() => ['applied', commit, ['update api catalog-graphql the GraphQL schema (types)']]),
    );
    for (const label of LABELS) {
      const schema = emulator.instance(label).store.get('apiSchema', ['catalog-graphql', 'graphql'])?.properties.document as { value?: string } | undefined;
      expect(schema?.value, label).toContain('inStock: Boolean');
      expect(emulator.counts()[label]!['PUT apiSchema'], label).toBe(1);
    }
    // read back in full, the schema is the same: nothing left to change
    const diff = await run({ configFile: repo.config, apply: false, full: true, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(diff.plan.targets.map((t) => t.items.length)).toEqual(LABELS.map(() => 0));
  });
});
