// The order in which a plan's writes may run: which write waits for which (publisher/dependencies.ts), and the
// runner that starts each write as soon as what it needs exists (publisher/schedule.ts).
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../core/diff/diff.ts';
import type { PlanItem } from '../../core/plan/types.ts';
import { type JsonObject, type Resource, State } from '../../core/state.ts';
import { blockedByFreeing, freeingDeletes, swappedValues, takenByLive, upsertDependencies } from '../../publisher/dependencies.ts';
import { releasedClaims, uniqueClaims } from '../../core/unique.ts';
import { writableProperties } from '../../publisher/apply.ts';
import { GraphCycleError, criticalPathLengths, runGraph } from '../../publisher/schedule.ts';

const POLICY = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';

function res(kind: Resource['kind'], names: string[], properties: JsonObject = {}): Resource {
  return { kind, names, properties };
}

/** Everything of the estate is new: the plan creates it all, in plan order. */
function planOf(resources: Resource[]): { items: PlanItem[]; desired: State } {
  const desired = State.from(resources);
  const items = diffStates(desired, new State()).items.filter((i) => i.action !== 'delete');
  return { items, desired };
}

const label = (i: PlanItem) => `${i.kind} ${i.names.join('/')}`;

function dependenciesByLabel(resources: Resource[]): Map<string, string[]> {
  const { items, desired } = planOf(resources);
  const deps = upsertDependencies(items, desired);
  return new Map(items.map((item, i) => [label(item), deps[i]!.map((j) => label(items[j]!)).sort()]));
}

describe('which write waits for which', () => {
  const estate = [
    res('namedValue', ['nv-1'], { displayName: 'nv-1', value: 'one' }),
    res('namedValue', ['nv-2'], { displayName: 'Backend-Key', value: 'two' }),
    res('logger', ['insights'], { loggerType: 'applicationInsights', credentials: { instrumentationKey: '{{backend-key}}' } }),
    res('backend', ['be'], { url: 'https://be.example', protocol: 'http' }),
    res('versionSet', ['vs'], { displayName: 'vs', versioningScheme: 'Segment' }),
    res('api', ['a'], { displayName: 'A', path: 'a', protocols: ['https'], apiVersionSetId: '/apiVersionSets/vs' }),
    res('api', ['b'], { displayName: 'B', path: 'b', protocols: ['https'] }),
    res('apiPolicy', ['a', 'policy'], { format: 'rawxml', value: POLICY.replace('<inbound>', '<inbound><set-header name="x" exists-action="override"><value>{{nv-1}}</value></set-header><set-backend-service backend-id="be" />') }),
    res('apiOperationPolicy', ['a', 'get', 'policy'], { format: 'rawxml', value: POLICY }),
    res('apiOperationPolicy', ['b', 'list', 'policy'], { format: 'rawxml', value: POLICY }),
    res('product', ['p'], { displayName: 'P', state: 'published' }),
    res('productApiLink', ['p', 'b'], { apiId: '/apis/b' }),
    res('subscription', ['s'], { displayName: 'S', scope: '/products/p' }),
    res('tag', ['t'], { displayName: 'T' }),
    res('tagOperationLink', ['t', 'watch-list'], { operationId: '/apis/b/operations/list' }),
  ];
  const deps = dependenciesByLabel(estate);

  it('an API waits for the version set it names, and for nothing else', () => {
    expect(deps.get('api a')).toEqual(['versionSet vs']);
    expect(deps.get('api b')).toEqual([]);
  });

  it('a write below an API waits for its own API (and the write before it on that API), not for the other APIs', () => {
    // (operations come with the API's specification: they are never written on their own)
    expect(deps.get('apiOperationPolicy a/get/policy')).toEqual(['api a', 'apiPolicy a/policy']);
    expect(deps.get('apiOperationPolicy b/list/policy')).toEqual(['api b']);
  });

  it('a policy waits for exactly the named values of its {{tokens}} (by display name, any case) and the backends it sends to', () => {
    expect(deps.get('apiPolicy a/policy')).toEqual(['api a', 'backend be', 'namedValue nv-1']);
  });

  it('a logger waits for the named values of the {{tokens}} in its credentials, not for every named value', () => {
    expect(deps.get('logger insights')).toEqual(['namedValue nv-2']);
    expect(deps.get('backend be')).toEqual([]);
  });

  it('edges stay linear in the estate: a thousand named values and a thousand policies are not a million edges', () => {
    const many = [
      ...Array.from({ length: 1000 }, (_, n) => res('namedValue', [`nv-${n}`], { displayName: `nv-${n}`, value: String(n) })),
      res('api', ['big'], { displayName: 'Big', path: 'big', protocols: ['https'] }),
      ...Array.from({ length: 1000 }, (_, n) =>
        res('apiOperationPolicy', ['big', `op-${n}`, 'policy'], { format: 'rawxml', value: POLICY.replace('<inbound>', `<inbound><set-header name="x" exists-action="override"><value>{{nv-${n}}}</value></set-header>`) }),
      ),
    ];
    const { items, desired } = planOf(many);
    const edges = upsertDependencies(items, desired).reduce((n, d) => n + d.length, 0);
    // each policy: its API, its named value, the policy before it on the API
    expect(edges).toBe(1000 * 3 - 1);
  });

  it('a link waits for both its ends; a subscription for the product its scope names', () => {
    expect(deps.get('productApiLink p/b')).toEqual(['api b', 'product p']);
    expect(deps.get('subscription s')).toEqual(['product p']);
    // an operation is made by its API's import: a link to it waits for that
    expect(deps.get('tagOperationLink t/watch-list')).toEqual(['api b', 'tag t']);
  });

  it('every dependency is an earlier item of the plan, so the graph has no cycle', () => {
    const { items, desired } = planOf(estate);
    upsertDependencies(items, desired).forEach((ds, i) => ds.forEach((d) => expect(d).toBeLessThan(i)));
  });

  it('a fragment waits for the fragments it includes, wherever they come in the plan', () => {
    const fragment = (body: string) => ({ format: 'rawxml', value: `<fragment>${body}</fragment>` });
    const fragments = dependenciesByLabel([
      res('policyFragment', ['a-outer'], fragment('<include-fragment fragment-id="z-inner" />')),
      res('policyFragment', ['z-inner'], fragment('<set-header name="x" exists-action="override"><value>1</value></set-header>')),
      res('servicePolicy', ['policy'], { format: 'rawxml', value: POLICY.replace('<inbound>', '<inbound><include-fragment fragment-id="a-outer" />') }),
    ]);
    expect(fragments.get('policyFragment a-outer')).toEqual(['policyFragment z-inner']);
    // (z-inner is awaited through a-outer)
    expect(fragments.get('servicePolicy policy')).toEqual(['policyFragment a-outer']);
  });

  it('a revision waits for the API it is a revision of (one lane per API)', () => {
    const revision = dependenciesByLabel([
      res('api', ['r'], { displayName: 'R', path: 'r', protocols: ['https'] }),
      res('api', ['r;rev=2'], { displayName: 'R', path: 'r', protocols: ['https'], apiRevision: '2' }),
    ]);
    expect(revision.get('api r;rev=2')).toEqual(['api r']);
  });
});

describe('running the writes as a graph', () => {
  const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('starts a task only after everything it depends on, and never runs more than the bound at once', async () => {
    // two chains of three and a task needing both chains' ends
    const dependsOn = [[], [0], [1], [], [3], [4], [2, 5]];
    const finished: number[] = [];
    let running = 0;
    let most = 0;
    const result = await runGraph({
      dependsOn,
      concurrency: 2,
      run: async (task) => {
        for (const d of dependsOn[task]!) expect(finished).toContain(d);
        running++;
        most = Math.max(most, running);
        await delay(2);
        running--;
        finished.push(task);
        return true;
      },
    });
    expect(result.notStarted).toEqual([]);
    expect(finished.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });

  it('starts the task with the longest chain behind it first', async () => {
    // task 0 heads a chain of three, task 3 stands alone: with one slot, the chain's head goes first
    const dependsOn = [[], [0], [1], []];
    expect(criticalPathLengths(dependsOn)).toEqual([3, 2, 1, 1]);
    const order: number[] = [];
    await runGraph({ dependsOn: [[], [], [1], [2]], concurrency: 1, run: async (t) => (order.push(t), true) });
    expect(order).toEqual([1, 2, 0, 3]);
  });

  it('starts nothing new after a failure: what runs finishes, the rest is reported as not started', async () => {
    const dependsOn = [[], [], [0], [1], []];
    const started: number[] = [];
    const result = await runGraph({
      dependsOn,
      concurrency: 2,
      run: async (task) => {
        started.push(task);
        await delay(task === 1 ? 10 : 1);
        return task !== 0;
      },
    });
    // 0 fails while 1 runs; 1 finishes, and neither its dependent (3) nor the others start
    expect(started.sort()).toEqual([0, 1]);
    expect(result.notStarted).toEqual([2, 3, 4]);
  });

  it('runs a task that waits for a later one of the list (a fragment including a fragment named after it)', async () => {
    const order: number[] = [];
    await runGraph({ dependsOn: [[1], []], concurrency: 2, run: async (t) => (order.push(t), true) });
    expect(order).toEqual([1, 0]);
  });

  it('refuses a cycle before starting anything, naming the tasks that wait for each other', async () => {
    let started = 0;
    const run = runGraph({ dependsOn: [[], [2], [1], [2]], concurrency: 2, run: async () => (started++, true) });
    await expect(run).rejects.toThrow(GraphCycleError);
    await expect(run).rejects.toThrow('tasks 1, 2, 3 wait for each other');
    expect(started).toBe(0);
  });
});

describe('values APIM keeps unique: a write waits for the write or delete giving up the value it takes', () => {
  const ABS = '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s';
  const plan = (desired: Resource[], live: Resource[]) => {
    const state = State.from(desired);
    return { items: diffStates(state, State.from(live), { prune: true, owned: () => true }).items, desired: state };
  };

  it('an API path (not a revision\'s), a unique display name, a link target; any case, any id form', () => {
    expect(uniqueClaims('api', ['Conference'], { path: 'Conference', displayName: 'C' })).toEqual(uniqueClaims('api', ['other'], { path: 'conference' }));
    expect(uniqueClaims('api', ['a;rev=2'], { path: 'a' })).toEqual([]);
    expect(uniqueClaims('namedValue', ['x'], { displayName: 'Env' })).toEqual(uniqueClaims('namedValue', ['y'], { displayName: 'env' }));
    expect(uniqueClaims('versionSet', ['x'], { displayName: 'Public' })).toEqual([]);
    expect(uniqueClaims('tag', ['x'], { displayName: 'Public' })).toEqual(uniqueClaims('tag', ['y'], { displayName: 'public' }));
    // Git's link is named after its target; a live one holds the target's id
    expect(uniqueClaims('productApiLink', ['starter', 'orders'], {})).toEqual(uniqueClaims('productApiLink', ['starter', '5f3a'], { apiId: `${ABS}/apis/Orders` }));
    expect(uniqueClaims('productApiLink', ['starter', 'orders'], {})).not.toEqual(uniqueClaims('productApiLink', ['partner', 'orders'], {}));
  });

  it('a delete gives up what the live resource held; an update only the values it changes', () => {
    const { items } = plan(
      [res('namedValue', ['b'], { displayName: 'renamed', value: '1' }), res('namedValue', ['c'], { displayName: 'same', value: '2' })],
      [res('namedValue', ['a'], { displayName: 'gone', value: '0' }), res('namedValue', ['b'], { displayName: 'old', value: '1' }), res('namedValue', ['c'], { displayName: 'same', value: '3' })],
    );
    const released = new Map(items.map((i) => [label(i), releasedClaims(i)]));
    expect(released.get('namedValue a')).toEqual(uniqueClaims('namedValue', ['a'], { displayName: 'gone' }));
    expect(released.get('namedValue b')).toEqual(uniqueClaims('namedValue', ['b'], { displayName: 'old' }));
    expect(released.get('namedValue c')).toEqual([]);
  });

  it('a named value taking the display name another one gives up waits for that update', () => {
    const { items, desired } = plan(
      [res('namedValue', ['a'], { displayName: 'env-old', value: '1' }), res('namedValue', ['b'], { displayName: 'env', value: '2' })],
      [res('namedValue', ['a'], { displayName: 'env', value: '1' }), res('namedValue', ['b'], { displayName: 'env-new', value: '2' })],
    );
    const deps = upsertDependencies(items, desired);
    expect(items.map((item, i) => [label(item), deps[i]!.map((j) => label(items[j]!))])).toEqual([
      ['namedValue a', []],
      ['namedValue b', ['namedValue a']],
    ]);
  });

  it('two display names swapped wait for each other: a circle, refused before anything is written', () => {
    const { items, desired } = plan(
      [res('namedValue', ['a'], { displayName: 'two', value: '1' }), res('namedValue', ['b'], { displayName: 'one', value: '2' })],
      [res('namedValue', ['a'], { displayName: 'one', value: '1' }), res('namedValue', ['b'], { displayName: 'two', value: '2' })],
    );
    expect(() => criticalPathLengths(upsertDependencies(items, desired))).toThrow(GraphCycleError);
    expect(swappedValues(items, desired).map(label)).toEqual(['namedValue a', 'namedValue b']);
  });

  it('a display name a live-only resource keeps is taken by nobody; one Git holds under another case, or the plan deletes, is free', () => {
    const desired = [res('tag', ['partners'], { displayName: 'Partners' }), res('namedValue', ['Env'], { displayName: 'env', value: '1' })];
    const held = (live: Resource[], prune = false) => {
      const state = State.from(desired);
      const items = diffStates(state, State.from(live), prune ? { prune: true, owned: () => true } : {}).items;
      return takenByLive(items, state, State.from(live)).map((t) => `${label(t.item)} ← ${label({ kind: t.holder.kind, names: t.holder.names } as PlanItem)}`);
    };
    const elsewhere = res('tag', ['partners-673e0548'], { displayName: 'PARTNERS' });
    expect(held([elsewhere])).toEqual(['tag partners ← tag partners-673e0548']);
    expect(held([elsewhere], true)).toEqual([]);
    expect(held([res('namedValue', ['env'], { displayName: 'env', value: '0' })])).toEqual([]);
  });

  it('a product renamed with its display name kept is deleted first, unless a subscription moves off it', () => {
    const product = (name: string) => res('product', [name], { displayName: 'Partner', state: 'published' });
    const sub = (scope: string) => res('subscription', ['fabrikam'], { displayName: 'Fabrikam', scope });
    const alone = plan([product('partner-plan')], [product('partner')]);
    expect(freeingDeletes(alone.items, alone.desired).map(label)).toEqual(['product partner']);
    expect(blockedByFreeing(alone.items, alone.desired)).toEqual([]);
    const moving = plan([product('partner-plan'), sub('/products/partner-plan')], [product('partner'), sub(`${ABS}/products/partner`)]);
    expect(blockedByFreeing(moving.items, moving.desired).map((b) => `${label(b.item)} off ${label(b.freeing)}`)).toEqual(['subscription fabrikam off product partner']);
  });

  it('a display name moved on to a name nothing holds is no circle', () => {
    const { items, desired } = plan(
      [res('namedValue', ['a'], { displayName: 'env-old', value: '1' }), res('namedValue', ['b'], { displayName: 'env', value: '2' })],
      [res('namedValue', ['a'], { displayName: 'env', value: '1' }), res('namedValue', ['b'], { displayName: 'env-new', value: '2' })],
    );
    expect(swappedValues(items, desired)).toEqual([]);
  });
});

describe('the body a write sends', () => {
  it("leaves out what APIM computes, nested paths included, without touching the desired resource", () => {
    const desired = res('namedValue', ['kv'], { displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/s', lastStatus: { code: 'Success' } }, tags: ['a'] });
    const before = structuredClone(desired);
    expect(writableProperties(desired)).toEqual({ displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/s' }, tags: ['a'] });
    expect(desired).toEqual(before);
    // a path whose parent is absent removes nothing else
    expect(writableProperties(res('namedValue', ['plain'], { displayName: 'plain', lastStatus: 'kept' }))).toEqual({ displayName: 'plain', lastStatus: 'kept' });
  });
});
