// core/live/read: a live instance read into a State, over real HTTPS against the emulator. The round trip puts the
// APIOps v7 samples into an instance and reads back exactly what was put; the filter is applied before children
// are read; APIM's own resources and secrets stay out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_NAMES, type Kind, LEVELS, kindSpec } from '../../core/kinds.ts';
import { KIND_FIXTURES } from '../support/kind-fixtures.ts';
import { sdkClient } from '../support/sdk.ts';
import type { ArmContract } from '../../core/live/arm.ts';
import { LiveError } from '../../core/live/errors.ts';
import { readLive, resourceFromArm } from '../../core/live/read.ts';
import { exportGroup } from '../../core/live/read-hooks.ts';
import { KeyedLocks, RequestQueue } from '../../core/live/read-queue.ts';
import { parseExtractorFilter } from '../../core/config/filter.ts';
import { orThrow } from '../../core/config/load.ts';
import { sameResource } from '../../core/normalize.ts';
import type { ApiSpecification, State } from '../../core/state.ts';
import { IMPORT_FORMATS, importSpec } from '../../core/specs/index.ts';
import { seedState } from '../support/seed.ts';
import { type EmulatedInstance, emulatedInstance, v7SampleState } from './helpers.ts';

const SVC = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim';

function contract(name: string, properties: Record<string, unknown>): ArmContract {
  return { id: `${SVC}/x/${name}`, name, properties: properties as ArmContract['properties'] };
}

describe('resourceFromArm', () => {
  const cases: Array<{ what: string; kind: Kind; names: string[]; properties: Record<string, unknown>; expected: { names: string[]; properties: Record<string, unknown> } }> = [
    {
      what: 'makes references relative and drops provisioningState and nulls, keeping unknown properties',
      kind: 'apiDiagnostic',
      names: ['a', 'applicationinsights'],
      properties: { loggerId: `${SVC}/loggers/ai`, verbosity: 'error', provisioningState: 'Succeeded', sampling: null, futureSetting: { on: true, off: null } },
      expected: { names: ['a', 'applicationinsights'], properties: { loggerId: '/loggers/ai', verbosity: 'error', futureSetting: { on: true } } },
    },
    {
      what: "drops an API's read-only properties and relativizes its version set",
      kind: 'api',
      names: ['v1'],
      properties: { path: 'v', isCurrent: true, isOnline: true, apiVersionSetId: `${SVC}/apiVersionSets/vs`, apiVersionSet: { id: 'x', name: 'vs' }, apiRevision: '1' },
      expected: { names: ['v1'], properties: { path: 'v', apiVersionSetId: '/apiVersionSets/vs', apiRevision: '1' } },
    },
    {
      what: "drops a secret named value's value but keeps a plain one's",
      kind: 'namedValue',
      names: ['s'],
      properties: { displayName: 's', secret: true, value: 'hunter2' },
      expected: { names: ['s'], properties: { displayName: 's', secret: true } },
    },
    {
      what: 'keeps a Key Vault reference',
      kind: 'namedValue',
      names: ['kv'],
      properties: { displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/x', identityClientId: null } },
      expected: { names: ['kv'], properties: { displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/x' } } },
    },
    {
      what: 'keys a product↔API link by its target, whatever APIM named the link',
      kind: 'productApiLink',
      names: ['p', 'b0c1d2e3'],
      properties: { apiId: `${SVC}/apis/basic-api` },
      expected: { names: ['p', 'basic-api'], properties: { apiId: '/apis/basic-api' } },
    },
    {
      what: "keeps a tag↔operation link's own name (operation names are unique only within their API)",
      kind: 'tagOperationLink',
      names: ['t', 'link1'],
      properties: { operationId: `${SVC}/apis/a/operations/o` },
      expected: { names: ['t', 'link1'], properties: { operationId: '/apis/a/operations/o' } },
    },
    {
      what: "gives a gateway↔API link no properties (APIM answers with the API's contract)",
      kind: 'gatewayApi',
      names: ['gw', 'a'],
      properties: { path: 'a', displayName: 'A' },
      expected: { names: ['gw', 'a'], properties: {} },
    },
    {
      what: "drops a subscription's keys and relativizes its scope",
      kind: 'subscription',
      names: ['s1'],
      properties: { scope: `${SVC}/products/p`, displayName: 'S', primaryKey: 'k1', secondaryKey: 'k2', state: 'active' },
      expected: { names: ['s1'], properties: { scope: '/products/p', displayName: 'S', state: 'active' } },
    },
    {
      what: 'keeps a policy document verbatim',
      kind: 'apiPolicy',
      names: ['a', 'policy'],
      properties: { format: 'rawxml', value: '<policies>\n\t<inbound>@(x => x &lt; 1)</inbound>\n</policies>' },
      expected: { names: ['a', 'policy'], properties: { format: 'rawxml', value: '<policies>\n\t<inbound>@(x => x &lt; 1)</inbound>\n</policies>' } },
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const r = resourceFromArm(c.kind, c.names, contract(c.names[c.names.length - 1] as string, c.properties));
      expect({ names: r.names, properties: r.properties }).toEqual(c.expected);
      expect(r.kind).toBe(c.kind);
    });
  }
});

describe('specification exports of one version set or one API never overlap', () => {
  it('groups APIs by version set, and revisions by their API', () => {
    const api = (name: string, properties: Record<string, unknown> = {}) => ({ kind: 'api' as const, names: [name], properties: properties as ArmContract['properties'] });
    expect(exportGroup(api('orders-v1', { apiVersionSetId: '/apiVersionSets/Orders' }))).toBe(exportGroup(api('orders-v2', { apiVersionSetId: '/apiVersionSets/orders' })));
    expect(exportGroup(api('petstore;rev=3'))).toBe(exportGroup(api('Petstore')));
    expect(exportGroup(api('petstore'))).not.toBe(exportGroup(api('orders-v1', { apiVersionSetId: '/apiVersionSets/orders' })));
  });

  it('runs work of one group one at a time, in order, and other groups meanwhile', async () => {
    const locks = new KeyedLocks();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = locks.run('vs', async () => {
      events.push('first start');
      await gate;
      events.push('first end');
    });
    const second = locks.run('vs', async () => {
      events.push('second start');
    });
    const other = locks.run('other', async () => {
      events.push('other start');
    });
    await other;
    expect(events).toEqual(['first start', 'other start']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first start', 'other start', 'first end', 'second start']);
  });

  it('keeps going after a failure in the group', async () => {
    const locks = new KeyedLocks();
    const failed = locks.run('vs', () => Promise.reject(new Error('boom')));
    const next = locks.run('vs', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});

describe('the request queue', () => {
  it('never has more requests in flight than its concurrency, and serves lists before reads', async () => {
    const queue = new RequestQueue(2);
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const gates: Array<() => void> = [];
    const send = (name: string) => () =>
      new Promise<string>((resolve) => {
        inFlight++;
        most = Math.max(most, inFlight);
        order.push(name);
        gates.push(() => {
          inFlight--;
          resolve(name);
        });
      });
    const all = [queue.run('read', send('r1')), queue.run('read', send('r2')), queue.run('read', send('r3')), queue.run('list', send('l1'))];
    while (order.length < 4) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    gates.forEach((g) => g());
    await Promise.all(all);
    expect(most).toBe(2);
    expect(order).toEqual(['r1', 'r2', 'l1', 'r3']);
    expect(queue.sent).toBe(4);
  });

  it('starts nothing more once aborted', async () => {
    const queue = new RequestQueue(1);
    queue.abort(new Error('list failed'));
    await expect(queue.run('read', () => Promise.resolve(1))).rejects.toThrow(/stopped by an earlier failure/);
    expect(queue.sent).toBe(0);
  });
});


/** The operations a specification defines, as `name METHOD /template` (what APIM makes of it). */
function operationsOf(spec: ApiSpecification): string[] {
  return importSpec(IMPORT_FORMATS[spec.format], spec.content)
    .operations.map((o) => `${o.name.toLowerCase()} ${o.properties.method} ${o.properties.urlTemplate}`)
    .sort();
}

describe('readLive: the v7 samples put into an instance read back as they were put', () => {
  let inst: EmulatedInstance;
  let put: State;
  let live: Awaited<ReturnType<typeof readLive>>;

  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true });
    put = await v7SampleState();
    await seedState(inst.arm, put);
    live = await readLive(inst.arm);
  });
  afterAll(async () => {
    await inst?.close();
  });

  it('holds every resource that was put, with the same meaning', () => {
    const missing: string[] = [];
    const different: string[] = [];
    for (const r of put.list()) {
      const got = live.state.get(r.kind, r.names);
      if (!got) missing.push(`${r.kind} ${r.names.join('/')}`);
      else if (!sameResource(r, got)) different.push(`${r.kind} ${r.names.join('/')}: put ${JSON.stringify(r.properties)}, read ${JSON.stringify(got.properties)}`);
    }
    expect(missing).toEqual([]);
    expect(different).toEqual([]);
  });

  it('holds nothing that was not put (operations and schemas come with the specifications)', () => {
    const extra = live.state
      .list()
      .filter((r) => kindSpec(r.kind).artifact.content !== 'none' && !put.has(r.kind, r.names))
      .map((r) => `${r.kind} ${r.names.join('/')}`);
    expect(extra).toEqual([]);
  });

  it('exports every specification with the operations that were imported', () => {
    for (const api of put.list('api')) {
      if (!api.specification) continue;
      const got = live.state.get('api', api.names)?.specification;
      expect(got, `specification of ${api.names[0]}`).toBeDefined();
      expect(operationsOf(got as ApiSpecification), api.names[0]).toEqual(operationsOf(api.specification));
      const operations = live.state.children('apiOperation', api.names).map((o) => o.names[1]?.toLowerCase());
      expect(operations.sort(), api.names[0]).toEqual(operationsOf(api.specification).map((o) => o.split(' ')[0]));
    }
  });

  it('reads the GraphQL SDL from the API schema', () => {
    const graphql = put.get('api', ['graphql-api'])?.specification;
    expect(live.state.get('api', ['graphql-api'])?.specification).toEqual(graphql);
  });

  it('keeps non-current revisions as APIs of their own', () => {
    expect(live.state.get('api', ['revisioned-api;rev=2'])?.properties.apiRevision).toBe('2');
    expect(live.state.has('apiOperationPolicy', ['revisioned-api;rev=2', 'get-revision-v2', 'policy'])).toBe(true);
  });

  it('reads the same through ARM throttling, 429s without Retry-After included', async () => {
    const { Arm } = await import('../../core/live/arm.ts');
    const { connect, EMULATOR_CREDENTIAL } = await import('../../core/live/connect.ts');
    const patient = new Arm(
      connect(
        { subscriptionId: inst.emulator.subscriptionId, resourceGroup: inst.emulator.resourceGroup, serviceName: inst.serviceName, endpoint: inst.emulator.endpoint, caCert: inst.emulator.caCert, credential: EMULATOR_CREDENTIAL },
        { retry: { maxRetries: 12, baseDelayMs: 20, maxDelayMs: 200 } },
      ),
    );
    // a bucket smaller than the first burst, sent before ARM has said what is left: 429s the pacing cannot prevent
    inst.emulator.setThrottling({ enabled: true, omitRetryAfter: true, reads: { capacity: 2, refillPerSecond: 60 } });
    inst.exchanges.length = 0;
    try {
      const throttled = await readLive(patient);
      expect(inst.exchanges.filter((e) => e.status === 429).length).toBeGreaterThan(0);
      expect(throttled.state.list().map((r) => JSON.stringify([r.kind, r.names, r.properties, r.specification]))).toEqual(live.state.list().map((r) => JSON.stringify([r.kind, r.names, r.properties, r.specification])));
    } finally {
      inst.emulator.setThrottling({ enabled: false, omitRetryAfter: false, reads: { capacity: 250, refillPerSecond: 25 } });
    }
  });

  it('warns about nothing and counts its requests', () => {
    expect(live.warnings).toEqual([]);
    const served = inst.exchanges.filter((e) => !e.path.startsWith('/_emulator/')).length;
    expect(live.requests).toBeGreaterThan(0);
    expect(live.requests).toBeLessThanOrEqual(served + inst.exchanges.length);
  });
});

describe('readLive: what APIM owns and what is secret', () => {
  let inst: EmulatedInstance;
  let live: Awaited<ReturnType<typeof readLive>>;
  const SECRET = 'do-not-leak-7f3a9c';

  beforeAll(async () => {
    // a new instance holds APIM's own groups, products, `master` subscription and Echo API
    inst = await emulatedInstance();
    await inst.arm.put('namedValue', ['secret-nv'], { properties: { displayName: 'secret-nv', value: SECRET, secret: true } });
    await inst.arm.put('namedValue', ['kv-nv'], { properties: { displayName: 'kv-nv', secret: true, keyVault: { secretIdentifier: 'https://vault.vault.azure.net/secrets/x' } } });
    await inst.arm.put('logger', ['ai'], { properties: { loggerType: 'applicationInsights', credentials: { instrumentationKey: SECRET } } });
    await inst.arm.put('backend', ['b1'], { properties: { url: 'https://b.example.com', protocol: 'http', tls: { validateCertificateChain: false, validateCertificateName: true } } });
    await inst.arm.put('subscription', ['partner'], { properties: { displayName: 'Partner', scope: '/products/starter', ownerId: '/users/1' } });
    inst.exchanges.length = 0;
    live = await readLive(inst.arm);
  });
  afterAll(async () => {
    await inst?.close();
  });

  it('leaves out built-in groups, the master subscription and logger-credential named values', () => {
    expect(live.state.list('group')).toEqual([]);
    expect(live.state.has('subscription', ['master'])).toBe(false);
    expect(live.state.list('namedValue').map((r) => r.names[0])).toEqual(['kv-nv', 'secret-nv']);
  });

  it('keeps product links to built-in groups; leaves out the subscriptions APIM made without a display name', () => {
    expect(live.state.has('productGroupLink', ['starter', 'administrators'])).toBe(true);
    // the administrator's subscriptions to the default products: APIM creates no subscription without a display name
    expect(live.state.has('subscription', ['starter-admin'])).toBe(false);
    expect(live.state.has('subscription', ['unlimited-admin'])).toBe(false);
    // the owner as APIM takes it, `/users/{id}`, not this instance's absolute id
    expect(live.state.get('subscription', ['partner'])?.properties.ownerId).toBe('/users/1');
  });

  it("drops a logger's credentials that APIM moved into its own named value, and says so", () => {
    expect(live.state.get('logger', ['ai'])?.properties.credentials).toBeUndefined();
    expect(live.warnings.join('\n')).toMatch(/logger ai: .*overrides/);
  });

  it('never reads a secret: no value, no listValue, no key, in the State or the warnings', () => {
    expect(live.state.get('namedValue', ['secret-nv'])?.properties).toEqual({ displayName: 'secret-nv', secret: true, tags: [] });
    expect(live.state.get('namedValue', ['kv-nv'])?.properties.keyVault).toMatchObject({ secretIdentifier: 'https://vault.vault.azure.net/secrets/x' });
    expect(inst.exchanges.filter((e) => e.method === 'POST')).toEqual([]);
    const everything = JSON.stringify({ resources: live.state.list(), warnings: live.warnings });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toMatch(/primaryKey|secondaryKey/);
  });

  it('keeps a property the toolkit does not model', () => {
    expect(live.state.get('backend', ['b1'])?.properties.tls).toEqual({ validateCertificateChain: false, validateCertificateName: true });
  });

  it('reads policies as rawxml', () => {
    const policies = inst.exchanges.filter((e) => e.method === 'GET' && /\/policies\/policy$/.test(e.path));
    expect(policies.length).toBeGreaterThan(0);
    for (const e of policies) expect(e.query).toContain('format=rawxml');
  });
});

describe('readLive: the filter is applied before children are read', () => {
  let inst: EmulatedInstance;
  const SPEC = (i: number) =>
    JSON.stringify({ openapi: '3.0.1', info: { title: `API ${i}`, version: '1' }, paths: { '/a': { get: { operationId: 'op-a', responses: { 200: { description: 'OK' } } } }, '/b': { get: { operationId: 'op-b', responses: { 200: { description: 'OK' } } } } } });

  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true, pageSize: 20 });
    await inst.arm.put('product', ['p'], { properties: { displayName: 'P', subscriptionRequired: false } });
    await inst.arm.put('tag', ['t'], { properties: { displayName: 'T' } });
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      work.push(
        (async () => {
          const api = `api-${String(i).padStart(2, '0')}`;
          await inst.arm.put('api', [api], { properties: { displayName: api, path: api, format: 'openapi+json', value: SPEC(i) } });
          await inst.arm.put('apiPolicy', [api, 'policy'], { properties: { format: 'rawxml', value: '<policies><inbound><base /></inbound></policies>' } });
          await inst.arm.put('apiOperationPolicy', [api, 'op-a', 'policy'], { properties: { format: 'rawxml', value: '<policies><inbound><base /></inbound></policies>' } });
          await inst.arm.put('productApiLink', ['p', api], { properties: { apiId: `/apis/${api}` } });
          await inst.arm.put('tagApiLink', ['t', api], { properties: { apiId: `/apis/${api}` } });
        })(),
      );
    }
    await Promise.all(work);
  });
  afterAll(async () => {
    await inst?.close();
  });

  it('requests nothing below the APIs it leaves out', async () => {
    const filter = orThrow(parseExtractorFilter('apis:\n  - api-07\n  - api-42\n', 'configuration.extractor.yaml'));
    inst.exchanges.length = 0;
    inst.emulator.resetCounts();
    const live = await readLive(inst.arm, { filter });
    expect(live.state.list('api').map((r) => r.names[0])).toEqual(['api-07', 'api-42']);
    expect(live.state.list('productApiLink').map((r) => r.names[1])).toEqual(['api-07', 'api-42']);
    expect(live.state.list('tagApiLink').map((r) => r.names[1])).toEqual(['api-07', 'api-42']);
    expect(live.state.list('apiOperationPolicy').map((r) => r.names[0])).toEqual(['api-07', 'api-42']);
    // every request below /apis/ names one of the two APIs
    const belowApis = inst.exchanges.map((e) => decodeURIComponent(e.path)).filter((p) => /\/service\/[^/]+\/apis\/[^/]+/.test(p));
    const others = belowApis.filter((p) => !/\/apis\/api-(07|42)(\/|$)/.test(p));
    expect(others).toEqual([]);
    // the emulator's own counts agree: two APIs' operations, policies and exports, nothing more
    const counts = inst.emulator.counts()[inst.label] ?? {};
    expect(counts['GET apiOperation']).toBe(2);
    expect(counts['GET apiOperationPolicy']).toBe(4);
    expect(counts['GET apiPolicy']).toBe(2);
    expect(counts['GET api']).toBe(3 + 2); // three pages of the API list, two exports
    expect(live.requests).toBe(Object.values(counts).reduce((a, b) => a + b, 0) + 2); // + two downloads
  });

  it('reads no operations at all when the filter says operations: []', async () => {
    const filter = orThrow(parseExtractorFilter('apis:\n  - api-07:\n      operations: []\n', 'configuration.extractor.yaml'));
    inst.emulator.resetCounts();
    const live = await readLive(inst.arm, { filter });
    expect(live.state.list('apiOperation')).toEqual([]);
    expect(inst.emulator.counts()[inst.label]?.['GET apiOperationPolicy']).toBeUndefined();
  });
});

describe('readLive: one resource of every kind', () => {
  let inst: EmulatedInstance;
  let live: Awaited<ReturnType<typeof readLive>>;

  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true });
    const t = { client: sdkClient(inst.emulator), rg: inst.emulator.resourceGroup, svc: inst.serviceName };
    // the fixtures' policies use nv1 and fragment1; levels put every prerequisite first
    for (const kind of [...KIND_NAMES].sort((a, b) => LEVELS[a] - LEVELS[b])) await KIND_FIXTURES[kind].create(t);
    live = await readLive(inst.arm);
  });
  afterAll(async () => {
    await inst?.close();
  });

  // links are keyed by their target's name (the fixtures link api1, group1, product1); operation links by their own
  const KEYED_AS: Partial<Record<Kind, string>> = { productApiLink: 'api1', tagApiLink: 'api1', productGroupLink: 'group1', tagProductLink: 'product1' };

  // an API schema other than GraphQL's travels in the exported specification and is not read on its own
  it.each(KIND_NAMES.filter((k) => k !== 'apiSchema').map((k) => [k]))('reads %s', (kind) => {
    const fixture = KIND_FIXTURES[kind];
    const keyedAs = KEYED_AS[kind];
    const names = keyedAs ? [...fixture.names.slice(0, -1), keyedAs] : fixture.names;
    expect(live.state.has(kind, names), `${kind} ${names.join('/')}`).toBe(true);
  });
});

describe('readLive: failures', () => {
  let inst: EmulatedInstance;
  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true });
  });
  afterAll(async () => {
    await inst?.close();
  });

  it('rejects with the ARM error instead of answering half a State', async () => {
    const { Arm } = await import('../../core/live/arm.ts');
    const { connect, EMULATOR_CREDENTIAL } = await import('../../core/live/connect.ts');
    const wrong = new Arm(
      connect({ subscriptionId: inst.emulator.subscriptionId, resourceGroup: inst.emulator.resourceGroup, serviceName: 'apim-nowhere', endpoint: inst.emulator.endpoint, caCert: inst.emulator.caCert, credential: EMULATOR_CREDENTIAL }),
    );
    const error = await readLive(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).status).toBe(404);
  });
});
