// A SOAP API's operation policies across regions. APIM gives the operations of a WSDL import ids it generates,
// different in every instance (the emulator does too), so Git names them as the WSDL does and every region's own
// ids are found by method and URL template (core/soap.ts): the publish converges, the diff is then empty, an
// incremental change updates the one policy, and an extraction from one region publishes to the others.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator, writesByKind } from '../support/emulator.ts';
import { type RunSettings, run } from '../../publisher/run.ts';
import { hasChanges } from '../../core/plan/types.ts';
import { status } from '../../publisher/status.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run as extract } from '../../extractor/run.ts';
import { snapshot, tempFolder } from '../extractor/helpers.ts';

const LABELS = ['eastus', 'westus', 'northeurope'];
const API = 'order-desk';
const PLACE = 'POST /?soapAction=urn:example:orders/IOrderDesk/PlaceOrder';
const TRACK = 'POST /?soapAction=urn:example:orders/IOrderDesk/TrackOrder';

let emulator: RunningEmulator;
let repo: Workspace;

const settings = (over: Partial<RunSettings> = {}): RunSettings => ({
  configFile: repo.config,
  apply: true,
  full: false,
  allowMassDelete: false,
  env: {},
  pollIntervalMs: 5,
  retry: { maxRetries: 4, maxServerErrorRetries: 1, sdkMaxRetries: 1, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 2000 },
  ...over,
});

const policy = (value: string) => `<policies>\n\t<inbound>\n\t\t<base />\n\t\t<set-header name="x-order-desk" exists-action="override">\n\t\t\t<value>${value}</value>\n\t\t</set-header>\n\t</inbound>\n\t<backend>\n\t\t<base />\n\t</backend>\n\t<outbound>\n\t\t<base />\n\t</outbound>\n\t<on-error>\n\t\t<base />\n\t</on-error>\n</policies>\n`;

/** The region's operations of the SOAP API: route → [its id there, its policy's text]. */
function operations(label: string): Map<string, [string, string | undefined]> {
  const store = emulator.instance(label).store;
  return new Map(
    store.list('apiOperation', [API]).map((op) => {
      const held = store.get('apiOperationPolicy', [API, op.names[1]!, 'policy']);
      return [`${String(op.properties.method)} ${String(op.properties.urlTemplate)}`, [op.names[1]!, held ? String(held.properties.value) : undefined]];
    }),
  );
}

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: LABELS });
  repo = await createWorkspace({ emulator });
  const wsdl = await readFile(fileURLToPath(new URL('../fixtures/specs/orders.wsdl', import.meta.url)), 'utf8');
  await repo.commit('a SOAP API with a policy on one operation', {
    [`artifacts/apis/${API}/apiInformation.json`]: `${JSON.stringify({ properties: { apiRevision: '1', displayName: 'Order desk', path: 'order-desk', protocols: ['https'], serviceUrl: 'https://orders.contoso.example/desk', subscriptionRequired: true, type: 'soap' } }, null, 2)}\n`,
    [`artifacts/apis/${API}/specification.wsdl`]: wsdl,
    // Git's name for the operation PlaceOrder, as the WSDL names it
    [`artifacts/apis/${API}/operations/placeorder/policy.xml`]: policy('placed'),
  });
});

afterAll(async () => {
  await repo?.close();
  await emulator?.close();
});

describe('a SOAP API whose operations every region names with ids of its own', () => {
  it('publishes the operation policy to every region, onto the operation with its route', async () => {
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.target, o.status, o.error ?? ''])).toEqual(LABELS.map((l) => [l, 'applied', '']));
    const ids = new Set<string>();
    for (const label of LABELS) {
      const ops = operations(label);
      expect([...ops.keys()].sort(), label).toEqual([PLACE, TRACK]);
      const [id, text] = ops.get(PLACE)!;
      // an id of the region's own, as APIM gives: not Git's name
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      ids.add(id);
      expect(text, label).toContain('<value>placed</value>');
      expect(ops.get(TRACK)![1], label).toBeUndefined();
    }
    expect(ids.size).toBe(3);
  });

  it('then shows no change, although no region knows the operation by Git’s name', async () => {
    const diff = await run(settings({ apply: false, full: true }));
    for (const target of diff.plan.targets) expect(target.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`), target.target).toEqual([]);
    expect(hasChanges(diff.plan)).toBe(false);
    // and every region holds the commit, without drift
    const head = (await repo.git.revparse(['HEAD'])).trim();
    const report = await status({ configFile: repo.config, env: {} });
    expect(report.targets.map((t) => [t.target, t.commit, t.drift])).toEqual(LABELS.map((l) => [l, head, false]));
  });

  it('updates the one policy of a commit that changes it: one write per region, besides the record', async () => {
    await repo.commit('the policy changes', { [`artifacts/apis/${API}/operations/placeorder/policy.xml`]: policy('placed-v2') });
    emulator.resetCounts();
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.plan.mode])).toEqual(LABELS.map(() => ['applied', 'incremental']));
    // an update of what the region holds, not the creation of a policy on an operation it does not know
    for (const o of result.outcomes) expect(o.plan.items.map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`), o.target).toEqual([`update apiOperationPolicy ${API}/placeorder/policy`]);
    for (const label of LABELS) {
      expect(writesByKind(emulator)[label], label).toEqual({ apiOperationPolicy: 1, namedValue: 2 });
      expect(operations(label).get(PLACE)![1], label).toContain('<value>placed-v2</value>');
    }
  });

  it('moves a policy to another operation, and deletes the one Git no longer holds', async () => {
    await repo.commit('the policy moves to TrackOrder', {
      [`artifacts/apis/${API}/operations/placeorder/policy.xml`]: null,
      [`artifacts/apis/${API}/operations/trackorder/policy.xml`]: policy('tracked'),
    });
    const result = await run(settings());
    expect(result.outcomes.map((o) => o.status)).toEqual(LABELS.map(() => 'applied'));
    for (const label of LABELS) {
      const ops = operations(label);
      expect(ops.get(PLACE)![1], label).toBeUndefined();
      expect(ops.get(TRACK)![1], label).toContain('<value>tracked</value>');
    }
    expect(hasChanges((await run(settings({ apply: false, full: true }))).plan)).toBe(false);
  });

  it('keeps the policy of an operation whose soapAction a new WSDL changes, though its policy file did not change', async () => {
    const file = `artifacts/apis/${API}/specification.wsdl`;
    const moved = 'POST /?soapAction=urn:example:orders/IOrderDesk/TrackOrderV2';
    await repo.commit('TrackOrder takes a new soapAction', { [file]: (await repo.read(file)).replaceAll('IOrderDesk/TrackOrder"', 'IOrderDesk/TrackOrderV2"') });
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.status, o.plan.mode, o.error ?? ''])).toEqual(LABELS.map(() => ['applied', 'incremental', '']));
    for (const label of LABELS) {
      const ops = operations(label);
      expect([...ops.keys()].sort(), label).toEqual([PLACE, moved]);
      // APIM made the operation anew (a new id, no policy): the policy Git holds for it was written again
      expect(ops.get(moved)![1], label).toContain('<value>tracked</value>');
    }
    expect(hasChanges((await run(settings({ apply: false, full: true }))).plan)).toBe(false);
  });

  it('links a tag to operations — a SOAP one, known by its route, and an OpenAPI one — in every region', async () => {
    const link = (operationId: string) => `${JSON.stringify({ properties: { operationId } }, null, 2)}\n`;
    await repo.commit('a tag on two operations', {
      'artifacts/tags/watched/tagInformation.json': `${JSON.stringify({ properties: { displayName: 'Watched' } }, null, 2)}\n`,
      'artifacts/tags/watched/operations/place/tagOperationInformation.json': link(`/apis/${API}/operations/placeorder`),
      'artifacts/tags/watched/operations/feedback/tagOperationInformation.json': link('/apis/conference-api/operations/submit-feedback'),
    });
    const result = await run(settings());
    expect(result.outcomes.map((o) => [o.target, o.status, o.error ?? '', o.apply?.failed.map((f) => f.error) ?? []])).toEqual(LABELS.map((l) => [l, 'applied', '', []]));
    for (const label of LABELS) {
      const store = emulator.instance(label).store;
      const placeId = operations(label).get(PLACE)![0];
      const linked = store.list('tagOperationLink', ['watched']).map((r) => String(r.properties.operationId).replace(/^.*\/apis\//, '/apis/')).sort();
      expect(linked, label).toEqual(['/apis/conference-api/operations/submit-feedback', `/apis/${API}/operations/${placeId}`]);
    }
    expect(hasChanges((await run(settings({ apply: false, full: true }))).plan)).toBe(false);
  });

  it('extracts a region with the operation folders named as the WSDL names them, which publish to the others', async () => {
    const out = await tempFolder();
    await extract(
      {
        instance: { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.westus!, endpoint: emulator.endpoint, caCert: emulator.caCert, emulator: true },
        out,
      },
      { log: () => undefined },
    );
    const extracted = Object.keys(await snapshot(out));
    // nor the record of the commit the region holds (published elsewhere, it would overwrite that region's)
    expect(extracted.filter((p) => p.includes('apiops-state'))).toEqual([]);
    const files = extracted.filter((p) => p.startsWith(`apis/${API}/`));
    expect(files.sort()).toEqual([`apis/${API}/apiInformation.json`, `apis/${API}/operations/trackorder/policy.xml`, `apis/${API}/specification.wsdl`]);
    expect(await readFile(join(out, `apis/${API}/operations/trackorder/policy.xml`), 'utf8')).toContain('<value>tracked</value>');
    // and a tag's link to the operation names it so too
    expect(JSON.parse(await readFile(join(out, 'tags/watched/operations/place/tagOperationInformation.json'), 'utf8'))).toEqual({ properties: { operationId: `/apis/${API}/operations/placeorder` } });

    // the extraction is a repository of its own (its history unrelated: every region is reconciled in full)
    const copy = await createWorkspace({ emulator, artifactsFrom: out });
    try {
      const published = await run(settings({ configFile: copy.config }));
      expect(published.validation.findings.filter((f) => f.severity === 'error')).toEqual([]);
      // every region holds exactly what the extraction of one of them says: a full reconciliation changes nothing
      expect(published.outcomes.map((o) => [o.target, o.status, o.plan.mode, o.plan.items.map((x) => `${x.action} ${x.kind} ${x.names.join('/')}`)])).toEqual(LABELS.map((l) => [l, 'unchanged', 'full', []]));
      expect(hasChanges((await run(settings({ configFile: copy.config, apply: false, full: true }))).plan)).toBe(false);

      // a region lost and made anew (APIM's new instance: its default products, Echo API): rebuilt from the extraction
      emulator.reset('northeurope');
      const rebuilt = await run(settings({ configFile: copy.config }));
      expect(rebuilt.outcomes.map((o) => [o.target, o.status, o.error ?? '', o.apply?.failed.map((f) => f.error) ?? []])).toEqual([
        ['eastus', 'unchanged', '', []],
        ['westus', 'unchanged', '', []],
        ['northeurope', 'applied', '', []],
      ]);
      const [trackId, trackPolicy] = [...operations('northeurope').values()].find(([, text]) => text !== undefined)!;
      expect(trackId).toMatch(/^[0-9a-f]{24}$/);
      expect(trackPolicy).toContain('<value>tracked</value>');
      expect(hasChanges((await run(settings({ configFile: copy.config, apply: false, full: true }))).plan)).toBe(false);
    } finally {
      await copy.close();
    }
  });
});
