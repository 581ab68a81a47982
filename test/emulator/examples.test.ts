// Replays the official request/response examples (../shared/apim-rest/examples) against the emulator: each
// example whose operation the emulator serves gets the status code and response shape the example shows (not
// the literal values). What the example needs to exist beforehand is put into the instance first, from the
// example's own answer where it has one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kind, KINDS, ancestry, kindSpec } from '../../core/kinds.ts';
import type { JsonObject } from '../../core/state.ts';
import { resourceArmId, type Instance } from '../../emulator/context.ts';
import { parsePath } from '../../emulator/router.ts';
import { policyReferences } from '../../core/policy.ts';
import { newEtag } from '../../emulator/store.ts';
import { type ExampleRequest, compareShape, loadExamples } from '../support/conformance/index.ts';
import { type RecordedEmulator, startRecordedEmulator } from '../support/emulator.ts';
import { rawRequest } from '../support/raw.ts';

/** Properties an example's answer shows that the emulator cannot know, and why. */
const SHAPE_EXCEPTIONS: Record<string, Record<string, string>> = {
  ApiManagementCreateAILogger: { '$.properties.resourceId: missing (expected string)': "APIM looks up the Application Insights component behind the instrumentation key; the emulator has no Azure to ask" },
};

/** Examples the emulator cannot replay, and why. */
const NOT_REPLAYED: Record<string, string> = {
  ApiManagementCreateApiTagDescription: 'API tag descriptions are not a kind of the toolkit (yet): the emulator does not serve them',
  ApiManagementCreateApiUsingOai3Import: 'imports from a link on the internet (openapi-link); the emulator has no network',
  ApiManagementCreateApiUsingSwaggerImport: 'imports from a link on the internet (swagger-link-json); the emulator has no network',
};

const SERVICE_PREFIX = /\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/gi;

let rec: RecordedEmulator;
let prefix: string;

beforeAll(async () => {
  rec = await startRecordedEmulator({ instances: ['examples'], bare: true });
  prefix = `/subscriptions/${rec.emulator.subscriptionId}/resourceGroups/${rec.emulator.resourceGroup}/providers/Microsoft.ApiManagement/service/${rec.emulator.instances.examples}`;
});

afterAll(async () => {
  await rec?.close();
});

function rewrite<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null).replace(SERVICE_PREFIX, () => prefix)) as T;
}

const MINIMAL: Record<Kind, (names: string[], inst: Instance) => JsonObject> = {
  servicePolicy: () => ({ value: '<policies />', format: 'rawxml' }),
  apiPolicy: () => ({ value: '<policies />', format: 'rawxml' }),
  apiOperationPolicy: () => ({ value: '<policies />', format: 'rawxml' }),
  productPolicy: () => ({ value: '<policies />', format: 'rawxml' }),
  namedValue: (n) => ({ displayName: n[0]!, value: 'seeded', secret: false, tags: [] }),
  certificate: () => ({ subject: 'CN=seeded', thumbprint: '00', expirationDate: '2030-01-01T00:00:00Z' }),
  group: (n) => ({ displayName: n[0]!, builtIn: false, type: 'custom' }),
  tag: (n) => ({ displayName: n[0]! }),
  versionSet: (n) => ({ displayName: n[0]!, versioningScheme: 'Segment' }),
  gateway: () => ({ locationData: { name: 'seeded' } }),
  logger: () => ({ loggerType: 'azureMonitor', isBuffered: true }),
  backend: () => ({ url: 'https://backend.example.com', protocol: 'http' }),
  policyFragment: () => ({ value: '<fragment />', format: 'rawxml' }),
  serviceDiagnostic: () => ({ alwaysLog: 'allErrors' }),
  apiDiagnostic: () => ({ alwaysLog: 'allErrors' }),
  api: (n) => ({
    displayName: n[0]!,
    path: n[0]!.replace(/;rev=\d+$/, ''),
    serviceUrl: 'https://backend.example.com',
    protocols: ['https'],
    isCurrent: true,
    isOnline: true,
    apiRevision: '1',
    type: 'http',
    subscriptionRequired: true,
    subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
  }),
  apiSchema: () => ({ contentType: 'application/vnd.oai.openapi.components+json', document: {} }),
  apiOperation: (n) => ({ displayName: n[1]!, method: 'GET', urlTemplate: `/${n[1]}`, templateParameters: [], responses: [] }),
  apiRelease: (n, inst) => ({ apiId: resourceArmId(inst.ids, 'api', [n[0]!]) }),
  product: (n) => ({ displayName: `Seeded ${n[0]}`, state: 'published', subscriptionRequired: true }),
  productApiLink: () => ({}),
  productGroupLink: () => ({}),
  tagApiLink: () => ({}),
  tagProductLink: () => ({}),
  tagOperationLink: () => ({}),
  subscription: (n) => ({ scope: `/apis`, displayName: n[0]!, state: 'active' }),
  gatewayApi: () => ({}),
};

function seedParents(inst: Instance, kind: Kind, names: string[]): void {
  const chain = ancestry(kind);
  for (let depth = 1; depth < chain.length; depth++) {
    const k = chain[depth - 1]!;
    const n = names.slice(0, depth);
    if (!inst.store.get(k, n)) seed(inst, k, n);
  }
  // an API revision needs its root API
  if (kind === 'api' && /;rev=\d+$/.test(names[0]!)) {
    const root = names[0]!.replace(/;rev=\d+$/, '');
    if (!inst.store.get('api', [root])) seed(inst, 'api', [root]);
  }
}

function seed(inst: Instance, kind: Kind, names: string[], properties?: JsonObject): void {
  seedParents(inst, kind, names);
  if (inst.store.get(kind, names) && !properties) return;
  inst.store.set({ kind, names, properties: properties ?? MINIMAL[kind](names, inst), etag: newEtag(), internal: {} });
}

/** Everything an example's request refers to: parents, the item itself, link targets and references. */
function prepare(inst: Instance, example: ExampleRequest): void {
  const parsed = parsePath(example.path);
  const route = parsed?.route;
  if (!route) return;
  const answer = Object.values(example.responses).find((r) => r.status === 200)?.body ?? Object.values(example.responses)[0]?.body;
  const props = (body: unknown): JsonObject | undefined => (body && typeof body === 'object' && 'properties' in body ? rewrite((body as { properties: JsonObject }).properties) : undefined);
  if (route.type === 'item' || route.type === 'action') {
    if (example.method !== 'PUT') seed(inst, route.kind, route.names, route.type === 'item' ? props(answer) : undefined);
    else {
      seedParents(inst, route.kind, route.names);
      // an association addressed by its target's name (gateway↔API) needs the target
      const link = kindSpec(route.kind).link;
      if (link && link.property === null) seed(inst, link.target, [route.names[route.names.length - 1]!]);
      // a PUT whose example only shows 200 updates something that exists; one that shows 201 may create it
      const exists = inst.store.get(route.kind, route.names);
      if (!(201 in example.responses) && !exists) seed(inst, route.kind, route.names);
      if (201 in example.responses && exists) inst.store.remove(route.kind, route.names);
    }
  }
  if (route.type === 'collection') {
    const items = (answer as { value?: Array<{ name: string; properties: JsonObject }> } | undefined)?.value ?? [];
    for (const item of items) seed(inst, route.kind, [...route.parentNames, item.name], rewrite(item.properties));
    if (items.length === 0 && route.parentNames.length > 0) seed(inst, ancestry(route.kind).at(-2)!, route.parentNames);
  }
  if (route.type === 'legacyItem' || route.type === 'legacyCollection') {
    const spec = kindSpec(route.kind);
    const urlParentIsOwner = spec.link!.legacyRoute!.parent === spec.parent;
    const urlParentKind = urlParentIsOwner ? spec.parent! : spec.link!.target;
    seed(inst, urlParentKind, route.parentNames);
    const shownKind = urlParentIsOwner ? spec.link!.target : spec.parent!;
    const linkTo = (shown: string[]) => {
      const owner = urlParentIsOwner ? route.parentNames : shown;
      const target = urlParentIsOwner ? shown : route.parentNames;
      const properties: JsonObject = spec.link!.property ? { [spec.link!.property]: resourceArmId(inst.ids, spec.link!.target, target) } : {};
      inst.store.set({ kind: route.kind, names: [...owner, target.join('-')], properties, etag: newEtag(), internal: {} });
    };
    if (route.type === 'legacyItem') seed(inst, shownKind, route.targetNames);
    if (route.type === 'legacyCollection') {
      const items = (answer as { value?: Array<{ name: string; properties: JsonObject }> } | undefined)?.value ?? [];
      for (const item of items) {
        seed(inst, shownKind, [item.name], rewrite(item.properties));
        linkTo([item.name]);
      }
    }
  }
  if (route.type === 'revisions') seed(inst, 'api', [route.apiName]);
  // references inside the request body
  const body = rewrite(example.body) as { properties?: JsonObject } | null;
  const p = body?.properties ?? {};
  for (const [key, value] of Object.entries(p)) {
    if (typeof value !== 'string' || !value.includes('/')) continue;
    const target = parsePath(value.startsWith('/subscriptions/') ? value : `${prefix}${value.startsWith('/') ? '' : '/'}${value}`)?.route;
    if (target?.type === 'item' && key !== 'ownerId') seed(inst, target.kind, target.names);
  }
  for (const token of JSON.stringify(p).matchAll(/\{\{([^{}]+)\}\}/g)) seed(inst, 'namedValue', [token[1]!]);
  if (typeof p.value === 'string' && p.value.includes('<')) {
    const refs = policyReferences(p.value);
    for (const id of refs.fragments) seed(inst, 'policyFragment', [id]);
    for (const id of refs.backends) seed(inst, 'backend', [id]);
    for (const id of refs.loggers) seed(inst, 'logger', [id]);
  }
}

const examples = loadExamples();

describe('official examples replayed against the emulator', () => {
  it('loads the example corpus', () => {
    expect(examples.length).toBeGreaterThan(60);
  });

  it.each(examples.filter((e) => !(e.name in NOT_REPLAYED)).map((e) => [e.name, e]))('%s', async (_name, example) => {
    // each example starts from an empty instance, as the example's own service did
    rec.emulator.reset('examples');
    const inst = rec.emulator.instance('examples');
    const path = example.path.replace(SERVICE_PREFIX, () => prefix);
    prepare(inst, { ...example, path });
    const headers: Record<string, string> = { authorization: 'Bearer example', ...example.headers };
    let body: string | undefined;
    if (example.body !== undefined) {
      body = JSON.stringify(rewrite(example.body));
      headers['content-type'] = 'application/json';
    }
    const query = new URLSearchParams(example.query).toString();
    const res = await rawRequest(rec.emulator, { method: example.method, path: `${path}?${query}`, headers, body });
    const declared = Object.keys(example.responses).map(Number);
    expect(declared, `${example.method} ${path} answered ${res.status}: ${res.text.slice(0, 400)}`).toContain(res.status);
    const expected = example.responses[res.status]?.body;
    if (expected !== undefined && example.method !== 'HEAD') {
      const exceptions = SHAPE_EXCEPTIONS[example.name] ?? {};
      expect(compareShape(rewrite(expected), res.json).filter((d) => !(d in exceptions))).toEqual([]);
    }
  });

  it('lists every example it does not replay with a reason', () => {
    for (const name of Object.keys(NOT_REPLAYED)) expect(examples.map((e) => e.name)).toContain(name);
    expect(Object.keys(KINDS).length).toBeGreaterThan(0);
  });

  it('every answer validates against the official specification', () => {
    expect(rec.conformanceErrors()).toEqual([]);
  });
});
