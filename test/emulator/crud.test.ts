// Every kind of the table goes through create / get / list / update / delete with the unmodified SDK, on two
// instances independently, and every answer conforms to the official specification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_NAMES, type Kind, LEVELS, prerequisites } from '../../core/kinds.ts';
import { KIND_FIXTURES, type Target } from '../support/kind-fixtures.ts';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';
import { sdkClient } from '../support/sdk.ts';

let rec: RecordedEmulator;
const targets: Record<string, Target> = {};

beforeAll(async () => {
  rec = await startRecordedEmulator({ instances: ['eastus', 'westus'], bare: true, pageSize: 2 });
  for (const [label, svc] of Object.entries(rec.emulator.instances)) {
    targets[label] = { client: sdkClient(rec.emulator), rg: rec.emulator.resourceGroup, svc };
  }
});

afterAll(async () => {
  await rec?.close();
});

/** All kinds a kind needs, transitively, in creation order. */
function closure(kind: Kind): Kind[] {
  const seen = new Set<Kind>();
  const visit = (k: Kind) => {
    for (const p of prerequisites(k)) {
      if (!seen.has(p)) {
        seen.add(p);
        visit(p);
      }
    }
  };
  visit(kind);
  // the policies of the fixtures use nv1 and fragment1
  if (['apiPolicy', 'apiOperationPolicy', 'servicePolicy', 'productPolicy'].includes(kind)) {
    seen.add('namedValue');
    seen.add('policyFragment');
  }
  return [...seen].sort((a, b) => LEVELS[a] - LEVELS[b]);
}

describe.each(['eastus', 'westus'])('CRUD of every kind on %s', (label) => {
  it.each(KIND_NAMES.map((k) => [k]))('%s', async (kind) => {
    const t = targets[label]!;
    const fixture = KIND_FIXTURES[kind];
    for (const prerequisite of closure(kind)) await KIND_FIXTURES[prerequisite].create(t);

    await fixture.create(t);
    const got = await fixture.get(t);
    expect(got.name).toBe(fixture.names[fixture.names.length - 1]);
    expect(await fixture.list(t)).toContain(fixture.names[fixture.names.length - 1]);
    // a second PUT is an update, not a duplicate
    await fixture.create(t);
    expect((await fixture.list(t)).filter((n) => n === fixture.names[fixture.names.length - 1])).toHaveLength(1);
    if ('update' in fixture && fixture.update) {
      await fixture.update.apply(t);
      const after = await fixture.get(t);
      if (kind === 'namedValue') {
        const value = await t.client.namedValue.listValue(t.rg, t.svc, 'nv1');
        expect(value.value).toBe(fixture.update.value);
      } else {
        expect(after.properties[fixture.update.property]).toEqual(fixture.update.value);
      }
    }
    await fixture.delete(t);
    expect(await fixture.list(t)).not.toContain(fixture.names[fixture.names.length - 1]);
    await expect(fixture.get(t)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('conformance', () => {
  it('every answer of the CRUD cycles validates against the official specification', () => {
    expect(rec.exchanges.length).toBeGreaterThan(300);
    expect(rec.conformanceErrors()).toEqual([]);
  });
});
