// The semantic diff: what APIM decides itself never counts as a change, what Git changes always does, and the
// items come out in an order the publisher can apply as is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DiffOptions, diffStates } from '../../core/diff/diff.ts';
import { importSpec } from '../../core/specs/index.ts';
import { LEVELS } from '../../core/kinds.ts';
import { type JsonObject, type Resource, State, resourceKey } from '../../core/state.ts';

const ABS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/apim-westus';

function res(kind: Resource['kind'], names: string[], properties: JsonObject, more: Partial<Resource> = {}): Resource {
  return { kind, names, properties, ...more };
}

const key = (r: Resource) => resourceKey(r.kind, r.names);

const POLICY = [
  '<policies>',
  '  <inbound>',
  '    <base />',
  '    <set-header name="X-Env" exists-action="override">',
  '      <value>prod &amp; more</value>',
  '    </set-header>',
  '    <rate-limit calls="10" renewal-period="60" />',
  '  </inbound>',
  '  <backend>',
  '    <base />',
  '  </backend>',
  '  <outbound>',
  '    <base />',
  '  </outbound>',
  '  <on-error>',
  '    <base />',
  '  </on-error>',
  '</policies>',
].join('\n');

const policy = (xml: string, format = 'rawxml'): JsonObject => ({ format, value: xml });

const PETS_YAML = `openapi: 3.0.1
info:
  title: Pets
  version: '1'
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      responses:
        '200':
          description: ok
  /pets/{id}:
    get:
      operationId: getPet
      summary: Get a pet
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: ok
`;

// The same operations as APIM exports them: JSON, its own servers, keys in another order.
const PETS_AS_EXPORTED = JSON.stringify({
  openapi: '3.0.1',
  servers: [{ url: 'https://apim-westus.azure-api.net/pets' }],
  info: { version: '1', title: 'Pets' },
  paths: {
    '/pets/{id}': {
      get: {
        summary: 'Get a pet',
        operationId: 'getPet',
        parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/pets': { get: { summary: 'List pets', operationId: 'listPets', responses: { '200': { description: 'ok' } } } },
  },
});

// an `addPet` operation under /pets
const PETS_ADDED = PETS_YAML.replace(
  "          description: ok\n  /pets/{id}:",
  "          description: ok\n    post:\n      operationId: addPet\n      summary: Add a pet\n      responses:\n        '201':\n          description: created\n  /pets/{id}:",
);

const API_PROPS: JsonObject = { displayName: 'Pets', path: 'pets', serviceUrl: 'https://pets.internal' };

const api = (properties: JsonObject = API_PROPS, content = PETS_YAML): Resource =>
  res('api', ['pets'], properties, { specification: { format: 'openapi-yaml', content } });

/** An operation without parameters or bodies as a GET returns it after an import: with its signature. */
const inFull = (displayName: string, method: string, urlTemplate: string, response: { statusCode: number; description: string }): JsonObject => ({
  displayName,
  method,
  urlTemplate,
  templateParameters: [],
  request: { queryParameters: [], headers: [], representations: [] },
  responses: [{ ...response, representations: [], headers: [] }],
});

/** listPets of PETS_YAML, read in full. */
const LIST_PETS_IN_FULL = inFull('List pets', 'GET', '/pets', { statusCode: 200, description: 'ok' });

/**
 * Operations as APIM holds them after importing PETS_YAML: one read in full, one as APIM's documented list of
 * operations shows it (displayName/method/urlTemplate only, `ApiManagementListApiOperations.json`).
 */
const PET_OPERATIONS: Resource[] = [
  res('apiOperation', ['pets', 'listpets'], LIST_PETS_IN_FULL),
  res('apiOperation', ['pets', 'getpet'], { displayName: 'Get a pet', method: 'GET', urlTemplate: '/pets/{id}' }),
];

interface Case {
  name: string;
  desired: Resource[];
  live: Resource[];
  options?: DiffOptions;
}

describe('diffStates: what APIM decides itself is no change', () => {
  const cases: Case[] = [
    {
      name: 'read-only properties on the live side',
      desired: [
        api({ ...API_PROPS }),
        res('subscription', ['ci'], { displayName: 'CI', scope: '/apis' }),
        res('certificate', ['tls'], { keyVault: { secretIdentifier: 'https://kv.vault.azure.net/secrets/tls' } }),
      ],
      live: [
        api({ ...API_PROPS, isCurrent: true, isOnline: true, provisioningState: 'Succeeded' }),
        ...PET_OPERATIONS,
        res('subscription', ['ci'], { displayName: 'CI', scope: '/apis', createdDate: '2024-01-01T00:00:00Z', startDate: '2024-01-01T00:00:00Z', state: 'submitted' }),
        res('certificate', ['tls'], { keyVault: { secretIdentifier: 'https://kv.vault.azure.net/secrets/tls' }, subject: 'CN=x', thumbprint: 'ABC', expirationDate: '2030-01-01T00:00:00Z' }),
      ],
    },
    {
      name: 'write-only import instructions on the desired side',
      desired: [api({ ...API_PROPS, format: 'openapi', value: 'ignored', apiType: 'http' })],
      live: [api(), ...PET_OPERATIONS],
    },
    {
      name: 'server defaults filled in by APIM',
      desired: [
        api(),
        res('product', ['starter'], { displayName: 'Starter' }),
        res('namedValue', ['env'], { displayName: 'env', value: 'prod' }),
        res('logger', ['ai'], { loggerType: 'applicationInsights' }),
        res('apiPolicy', ['pets', 'policy'], policy(POLICY)),
      ],
      live: [
        api({
          ...API_PROPS,
          apiRevision: '1',
          type: 'http',
          subscriptionRequired: true,
          protocols: ['https'],
          subscriptionKeyParameterNames: { query: 'subscription-key', header: 'Ocp-Apim-Subscription-Key' },
        }),
        ...PET_OPERATIONS,
        res('product', ['starter'], { displayName: 'Starter', state: 'notPublished', subscriptionRequired: true, approvalRequired: false }),
        res('namedValue', ['env'], { displayName: 'env', value: 'prod', secret: false, tags: [] }),
        res('logger', ['ai'], { loggerType: 'applicationInsights', isBuffered: true }),
        res('apiPolicy', ['pets', 'policy'], policy(POLICY, 'xml')),
      ],
    },
    {
      name: 'absolute versus relative ids',
      desired: [
        api({ ...API_PROPS, apiVersionSetId: '/apiVersionSets/pets' }),
        res('productApiLink', ['starter', 'pets'], { apiId: '/apis/pets' }),
        res('serviceDiagnostic', ['applicationinsights'], { loggerId: '/loggers/ai' }),
        res('subscription', ['ci'], { displayName: 'CI', scope: '/products/starter' }),
      ],
      live: [
        api({ ...API_PROPS, apiVersionSetId: `${ABS}/apiVersionSets/pets` }),
        ...PET_OPERATIONS,
        res('productApiLink', ['starter', 'pets'], { apiId: `${ABS}/apis/pets` }),
        res('serviceDiagnostic', ['applicationinsights'], { loggerId: `${ABS}/loggers/ai` }),
        res('subscription', ['ci'], { displayName: 'CI', scope: `${ABS}/products/starter` }),
      ],
    },
    {
      name: 'nulls for absent optional properties',
      desired: [res('product', ['starter'], { displayName: 'Starter', terms: 'Be nice' })],
      live: [res('product', ['starter'], { displayName: 'Starter', terms: 'Be nice', description: null, subscriptionsLimit: null })],
    },
    {
      name: 'key order, at every depth',
      desired: [res('backend', ['orders'], { url: 'https://orders', protocol: 'http', credentials: { header: { a: ['1'] }, query: { b: ['2'] } } })],
      live: [res('backend', ['orders'], { credentials: { query: { b: ['2'] }, header: { a: ['1'] } }, protocol: 'http', url: 'https://orders' })],
    },
    ...(
      [
        ['CRLF line endings', POLICY.replace(/\n/g, '\r\n')],
        ['tabs instead of spaces', POLICY.replace(/ {2}/g, '\t')],
        ['no layout at all', POLICY.replace(/\n\s*/g, '')],
        ['attribute order and quoting', POLICY.replace('name="X-Env" exists-action="override"', `exists-action='override' name="X-Env"`)],
        ['<x/> versus <x></x>', POLICY.replace('<rate-limit calls="10" renewal-period="60" />', '<rate-limit calls="10" renewal-period="60"></rate-limit>')],
        ['entity escaping', POLICY.replace('prod &amp; more', '&#x70;rod &#38; more')],
      ] as const
    ).map(
      ([what, live]): Case => ({
        name: `policy formatting: ${what}`,
        desired: [res('apiPolicy', ['pets', 'policy'], policy(POLICY))],
        live: [res('apiPolicy', ['pets', 'policy'], policy(live, 'xml'))],
      }),
    ),
    {
      name: 'policy expressions in format=xml (escaped) versus rawxml',
      desired: [res('servicePolicy', ['policy'], policy('<policies><inbound><set-header name="a" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("x", "") + "<y>")</value></set-header></inbound></policies>'))],
      live: [res('servicePolicy', ['policy'], policy('<policies><inbound><set-header name="a" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault(&quot;x&quot;, &quot;&quot;) + &quot;&lt;y&gt;&quot;)</value></set-header></inbound></policies>', 'xml'))],
    },
    {
      name: 'a specification re-serialised by APIM (same operations)',
      desired: [api()],
      live: [res('api', ['pets'], API_PROPS, { specification: { format: 'openapi-json', content: PETS_AS_EXPORTED } })],
    },
    {
      name: 'a specification whose operations APIM holds as resources',
      desired: [api()],
      live: [res('api', ['pets'], API_PROPS), ...PET_OPERATIONS],
    },
  ];

  it.each(cases)('$name', ({ desired, live, options }) => {
    const result = diffStates(State.from(desired), State.from(live), options);
    expect(result.items).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.unchanged).toBe(desired.length);
  });
});

describe('diffStates: what Git changes is a change', () => {
  it('a changed property is an update with its dotted path, before and after', () => {
    const live = api({ ...API_PROPS, subscriptionKeyParameterNames: { header: 'X-Key', query: 'key' } });
    const desired = api({ ...API_PROPS, displayName: 'Pet store', subscriptionKeyParameterNames: { header: 'X-Api-Key', query: 'key' } });
    const { items, unchanged } = diffStates(State.from([desired]), State.from([live, ...PET_OPERATIONS]));
    expect(unchanged).toBe(0);
    expect(items).toEqual([
      {
        key: key(desired),
        kind: 'api',
        names: ['pets'],
        action: 'update',
        level: LEVELS.api,
        changes: [
          { path: 'displayName', before: 'Pets', after: 'Pet store' },
          { path: 'subscriptionKeyParameterNames.header', before: 'X-Key', after: 'X-Api-Key' },
        ],
      },
    ]);
  });

  it('a property added or removed has no before, or no after', () => {
    const live = res('product', ['starter'], { displayName: 'Starter', terms: 'Be nice' });
    const desired = res('product', ['starter'], { displayName: 'Starter', description: 'For everyone' });
    const [item] = diffStates(State.from([desired]), State.from([live])).items;
    expect(item?.changes).toEqual([
      { path: 'description', after: 'For everyone' },
      { path: 'terms', before: 'Be nice' },
    ]);
  });

  it('a value set back to the server default is a change when the other side says otherwise', () => {
    const live = res('product', ['starter'], { displayName: 'Starter', subscriptionRequired: false });
    const desired = res('product', ['starter'], { displayName: 'Starter' });
    const [item] = diffStates(State.from([desired]), State.from([live])).items;
    expect(item?.changes).toEqual([{ path: 'subscriptionRequired', before: false }]);
  });

  it('a changed policy attribute gives a unified diff of the canonical documents', () => {
    const live = res('apiPolicy', ['pets', 'policy'], policy(POLICY, 'xml'));
    const desired = res('apiPolicy', ['pets', 'policy'], policy(POLICY.replace('calls="10"', 'calls="20"')));
    const [item, ...rest] = diffStates(State.from([desired]), State.from([live])).items;
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ action: 'update', kind: 'apiPolicy', changes: [] });
    const diff = item?.policy?.diff ?? [];
    expect(diff[0]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(diff.filter((l) => l.startsWith('-'))).toEqual(['-    <rate-limit calls="10" renewal-period="60" />']);
    expect(diff.filter((l) => l.startsWith('+'))).toEqual(['+    <rate-limit calls="20" renewal-period="60" />']);
    // three lines of context each side, as `diff -u`
    expect(diff.filter((l) => l.startsWith(' '))).toHaveLength(6);
  });

  it('a specification with an added operation lists it in spec.added', () => {
    const { items } = diffStates(State.from([api(API_PROPS, PETS_ADDED)]), State.from([api(), ...PET_OPERATIONS]));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: 'update', changes: [], spec: { added: ['addpet (POST /pets)'], removed: [], changed: [] } });
  });

  it('a specification with a removed and a renamed operation lists them in spec.removed and spec.changed', () => {
    const desired = PETS_YAML.replace('summary: Get a pet', 'summary: Fetch a pet').replace(/ {2}\/pets:\n[\s\S]*?(?= {2}\/pets\/\{id\})/, '');
    const { items } = diffStates(State.from([api(API_PROPS, desired)]), State.from([api(), ...PET_OPERATIONS]));
    expect(items[0]?.spec).toEqual({ added: [], removed: ['listpets (GET /pets)'], changed: ['getpet (GET /pets/{id}): display name'] });
  });

  // an operation's parameters, request and responses change without its name, method or URL template
  const LIST_PETS_WITH = (lines: string) => PETS_YAML.replace('      summary: List pets\n', `      summary: List pets\n${lines}`);
  const signatureChanges: { name: string; spec: string; part: string }[] = [
    {
      name: 'a query parameter added',
      spec: LIST_PETS_WITH('      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n'),
      part: 'parameters',
    },
    {
      name: 'a header made required',
      spec: LIST_PETS_WITH('      parameters:\n        - name: x-tenant\n          in: header\n          required: true\n          schema:\n            type: string\n'),
      part: 'parameters',
    },
    { name: 'a response code', spec: PETS_YAML.replace("        '200':\n          description: ok\n  /pets/{id}", "        '204':\n          description: ok\n  /pets/{id}"), part: 'responses' },
  ];
  for (const c of signatureChanges) {
    it(`an operation's signature is compared when APIM returns it: ${c.name}`, () => {
      expect(c.spec).not.toBe(PETS_YAML);
      const { items } = diffStates(State.from([api(API_PROPS, c.spec)]), State.from([api(), ...PET_OPERATIONS]));
      expect(items.map((i) => i.spec)).toEqual([{ added: [], removed: [], changed: [`listpets (GET /pets): ${c.part}`] }]);
    });
  }

  it("an operation's signature is compared when APIM returns it: a request body", () => {
    const spec = PETS_ADDED.replace('      summary: Add a pet\n', '      summary: Add a pet\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n');
    expect(spec).not.toBe(PETS_ADDED);
    const addPet = res('apiOperation', ['pets', 'addpet'], inFull('Add a pet', 'POST', '/pets', { statusCode: 201, description: 'created' }));
    expect(diffStates(State.from([api(API_PROPS, PETS_ADDED)]), State.from([api(), ...PET_OPERATIONS, addPet])).items).toEqual([]);
    const { items } = diffStates(State.from([api(API_PROPS, spec)]), State.from([api(), ...PET_OPERATIONS, addPet]));
    expect(items.map((i) => i.spec)).toEqual([{ added: [], removed: [], changed: ['addpet (POST /pets): request'] }]);
  });

  it('an operation listed without its signature is not compared by it (no re-import on every run)', () => {
    const spec = PETS_YAML.replace('            type: string\n', '            type: string\n        - name: expand\n          in: query\n          schema:\n            type: boolean\n');
    expect(spec).not.toBe(PETS_YAML);
    // getpet's live view has no signature (the documented list shape): a changed parameter cannot be seen there
    expect(diffStates(State.from([api(API_PROPS, spec)]), State.from([api(), ...PET_OPERATIONS])).items).toEqual([]);
    const inFull = res('apiOperation', ['pets', 'getpet'], {
      displayName: 'Get a pet',
      method: 'GET',
      urlTemplate: '/pets/{id}',
      templateParameters: [{ name: 'id', type: 'string', required: true }],
      responses: [{ statusCode: 200 }],
    });
    const { items } = diffStates(State.from([api(API_PROPS, spec)]), State.from([api(), PET_OPERATIONS[0]!, inFull]));
    expect(items[0]?.spec?.changed).toEqual(['getpet (GET /pets/{id}): parameters']);
  });

  it('what APIM rewrites in a signature is no change: descriptions, examples, schema names, order, content-type case', () => {
    const spec = PETS_YAML.replace('      summary: List pets\n', '      summary: List pets\n      parameters:\n        - name: a\n          in: query\n          description: first\n          schema:\n            type: string\n        - name: b\n          in: query\n          schema:\n            type: string\n').replace(
      "        '200':\n          description: ok\n  /pets/{id}",
      "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n  /pets/{id}",
    );
    const live = res('apiOperation', ['pets', 'listpets'], {
      ...LIST_PETS_IN_FULL,
      request: {
        queryParameters: [
          { name: 'b', type: 'string', required: false, typeName: 'B' },
          { name: 'A', type: 'string', description: 'rewritten', examples: { default: { value: 'x' } } },
        ],
        headers: [],
        representations: [],
      },
      responses: [{ statusCode: 200, description: 'OK', representations: [{ contentType: 'Application/JSON', schemaId: '6f0e', typeName: 'ListPets200ApplicationJsonResponse' }], headers: [] }],
    });
    expect(diffStates(State.from([api(API_PROPS, spec)]), State.from([api(), live, PET_OPERATIONS[1]!])).items).toEqual([]);
  });

  it('a resource only Git holds is a create carrying all its properties, its policy and its operations', () => {
    const desired = [api(), res('apiPolicy', ['pets', 'policy'], policy(POLICY)), res('tag', ['public'], { displayName: 'Public' })];
    const { items, unchanged } = diffStates(State.from(desired), State.from([]));
    expect(unchanged).toBe(0);
    expect(items.map((i) => [i.action, i.kind])).toEqual([
      ['create', 'tag'],
      ['create', 'api'],
      ['create', 'apiPolicy'],
    ]);
    expect(items[0]?.changes).toEqual([{ path: 'displayName', after: 'Public' }]);
    expect(items[1]?.changes.map((c) => c.path)).toEqual(['displayName', 'path', 'serviceUrl']);
    expect(items[1]?.spec).toEqual({ added: ['listpets (GET /pets)', 'getpet (GET /pets/{id})'], removed: [], changed: [] });
    // the document is the diff, not a property
    expect(items[2]?.changes).toEqual([]);
    expect(items[2]?.policy?.diff.slice(1).every((l) => l.startsWith('+'))).toBe(true);
  });

  it('a resource only the target holds is left alone unless scope names it or prune owns it', () => {
    const live = [res('tag', ['old'], { displayName: 'Old' })];
    expect(diffStates(State.from([]), State.from(live)).items).toEqual([]);
    const { items } = diffStates(State.from([]), State.from(live), { prune: true, owned: () => true });
    expect(items).toEqual([{ key: key(live[0]!), kind: 'tag', names: ['old'], action: 'delete', level: LEVELS.tag, changes: [{ path: 'displayName', before: 'Old' }] }]);
  });
});

describe('diffStates: incremental scope and prune', () => {
  const tagA = res('tag', ['a'], { displayName: 'A' });
  const tagB = res('tag', ['b'], { displayName: 'B' });
  const tagC = res('tag', ['c'], { displayName: 'C' });

  it('scope limits the comparison to the resources it names', () => {
    const desired = [tagA, tagB, tagC];
    const live = [res('tag', ['a'], { displayName: 'A (old)' }), res('tag', ['b'], { displayName: 'B (old)' }), tagC];
    const { items, unchanged } = diffStates(State.from(desired), State.from(live), { scope: new Set([key(tagA), key(tagC)]) });
    expect(items.map((i) => i.names[0])).toEqual(['a']);
    expect(unchanged).toBe(1);
  });

  it('scope deletes only the keys it names that Git no longer holds', () => {
    const live = [tagA, tagB, tagC];
    const { items } = diffStates(State.from([tagC]), State.from(live), { scope: new Set([key(tagA), key(tagC)]) });
    expect(items.map((i) => [i.action, i.names[0]])).toEqual([['delete', 'a']]);
  });

  it('prune deletes only what `owned` accepts', () => {
    const live = [tagA, tagB, res('group', ['administrators'], { displayName: 'Administrators', builtIn: true, type: 'system' })];
    const owned = (r: Resource) => r.kind !== 'group' && r.names[0] !== 'b';
    const { items } = diffStates(State.from([]), State.from(live), { prune: true, owned });
    expect(items.map((i) => i.key)).toEqual([key(tagA)]);
  });

  it('prune without an ownership rule deletes nothing', () => {
    expect(diffStates(State.from([]), State.from([tagA]), { prune: true }).items).toEqual([]);
  });
});

describe('diffStates: deletes and apply order', () => {
  it('children of a deleted parent are marked cascade; operations travel in the specification and are not items', () => {
    const live = [
      api(),
      ...PET_OPERATIONS,
      res('apiPolicy', ['pets', 'policy'], policy(POLICY, 'xml')),
      res('apiOperationPolicy', ['pets', 'listpets', 'policy'], policy(POLICY, 'xml')),
      res('apiDiagnostic', ['pets', 'applicationinsights'], { loggerId: '/loggers/ai' }),
      res('product', ['starter'], { displayName: 'Starter' }),
      res('productPolicy', ['starter', 'policy'], policy(POLICY, 'xml')),
    ];
    const desired = [res('product', ['starter'], { displayName: 'Starter' })];
    const { items } = diffStates(State.from(desired), State.from(live), { prune: true, owned: () => true });
    expect(items.map((i) => [i.kind, i.cascade ?? false])).toEqual([
      ['apiOperationPolicy', true],
      ['apiPolicy', true],
      ['productPolicy', false],
      ['apiDiagnostic', true],
      ['api', false],
    ]);
  });

  it('creates and updates go up the levels, then deletes come down them', () => {
    const desired = [
      res('apiOperationPolicy', ['pets', 'listpets', 'policy'], policy(POLICY)),
      res('productApiLink', ['starter', 'pets'], { apiId: '/apis/pets' }),
      api(),
      res('namedValue', ['env'], { displayName: 'env', value: 'prod' }),
      res('product', ['starter'], { displayName: 'Starter (new)' }),
      res('backend', ['orders'], { url: 'https://orders', protocol: 'http' }),
    ];
    const live = [
      res('product', ['starter'], { displayName: 'Starter' }),
      res('tag', ['old'], { displayName: 'Old' }),
      res('tagApiLink', ['old', 'pets'], { apiId: '/apis/pets' }),
      res('tagOperationLink', ['old', 'listpets'], { operationId: '/apis/pets/operations/listpets' }),
      res('versionSet', ['legacy'], { displayName: 'Legacy', versioningScheme: 'Segment' }),
    ];
    const { items } = diffStates(State.from(desired), State.from(live), { prune: true, owned: () => true });
    const firstDelete = items.findIndex((i) => i.action === 'delete');
    const upserts = items.slice(0, firstDelete);
    const deletes = items.slice(firstDelete);
    expect(upserts.every((i) => i.action !== 'delete')).toBe(true);
    expect(deletes.every((i) => i.action === 'delete')).toBe(true);
    expect(upserts.map((i) => i.level)).toEqual([...upserts.map((i) => i.level)].sort((a, b) => a - b));
    expect(deletes.map((i) => i.level)).toEqual([...deletes.map((i) => i.level)].sort((a, b) => b - a));
    expect(upserts.map((i) => i.kind)).toEqual(['namedValue', 'product', 'api', 'backend', 'productApiLink', 'apiOperationPolicy']);
    expect(deletes.map((i) => i.kind)).toEqual(['tagOperationLink', 'tagApiLink', 'tag', 'versionSet']);
    // the link's children go with the tag: only the tag delete is sent
    expect(deletes.map((i) => i.cascade ?? false)).toEqual([true, true, false, false]);
  });
});

describe('diffStates: secrets', () => {
  const SECRET = 'sup3r-s3cret-v4lue';
  const secretNv = (value?: string): Resource =>
    res('namedValue', ['db-password'], { displayName: 'db-password', secret: true, ...(value === undefined ? {} : { value }) });

  it('never puts a secret value in the plan: named values, logger credentials, subscription keys', () => {
    const desired = [
      secretNv(SECRET),
      res('namedValue', ['api-key'], { displayName: 'api-key', secret: true, value: SECRET }),
      res('logger', ['ai'], { loggerType: 'applicationInsights', credentials: { instrumentationKey: SECRET } }),
      res('subscription', ['ci'], { displayName: 'CI', scope: '/apis', primaryKey: SECRET, secondaryKey: SECRET }),
      res('certificate', ['tls'], { data: SECRET, password: SECRET }),
    ];
    const live = [
      secretNv(),
      res('logger', ['ai'], { loggerType: 'applicationInsights', credentials: { instrumentationKey: '{{Logger-Credentials--1}}' } }),
    ];
    const result = diffStates(State.from(desired), State.from(live), { liveSecrets: new Map([[key(secretNv()), 'older']]) });
    expect(result.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain('older');
  });

  it('compares a secret named value through liveSecrets', () => {
    const desired = State.from([secretNv(SECRET)]);
    const live = State.from([secretNv()]);
    const same = diffStates(desired, live, { liveSecrets: new Map([[key(secretNv()), SECRET]]) });
    expect(same.items).toEqual([]);
    expect(same.unchanged).toBe(1);
    const changed = diffStates(desired, live, { liveSecrets: new Map([[key(secretNv()), 'rotated']]) });
    expect(changed.items.map((i) => [i.action, i.changes])).toEqual([['update', [{ path: 'value', before: '(secret)', after: '(secret)', secret: true }]]]);
  });

  it('treats a secret it cannot read on the target as changed', () => {
    const { items } = diffStates(State.from([secretNv(SECRET)]), State.from([secretNv()]));
    expect(items[0]?.changes).toEqual([{ path: 'value', before: '(secret)', after: '(secret)', secret: true }]);
  });

  it('creating a secret named value shows its value as (secret)', () => {
    const { items } = diffStates(State.from([secretNv(SECRET)]), State.from([]));
    expect(items[0]?.changes).toEqual([
      { path: 'displayName', after: 'db-password' },
      { path: 'secret', after: true },
      { path: 'value', after: '(secret)', secret: true },
    ]);
  });

  it('a secret without a value that the target lacks gives a warning and no item', () => {
    const result = diffStates(State.from([secretNv()]), State.from([]));
    expect(result.items).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('named value db-password');
  });

  it('a secret without a value that the target has is left as it is', () => {
    const result = diffStates(State.from([secretNv()]), State.from([secretNv()]));
    expect(result).toEqual({ items: [], unchanged: 1, warnings: [] });
  });

  it('a Key Vault named value needs no value', () => {
    const kv = res('namedValue', ['kv'], { displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://kv.vault.azure.net/secrets/kv' } });
    const result = diffStates(State.from([kv]), State.from([]));
    expect(result.warnings).toEqual([]);
    expect(result.items.map((i) => i.action)).toEqual(['create']);
  });

  it('a named value marked secret: false shows its value changes', () => {
    const live = res('namedValue', ['env'], { displayName: 'env', secret: false, value: 'staging' });
    const desired = res('namedValue', ['env'], { displayName: 'env', secret: false, value: 'prod' });
    const [item] = diffStates(State.from([desired]), State.from([live])).items;
    expect(item?.changes).toEqual([{ path: 'value', before: 'staging', after: 'prod' }]);
  });

  it('a named value turned secret shows one redacted value change', () => {
    const live = res('namedValue', ['env'], { displayName: 'env', value: 'visible-before' });
    const desired = res('namedValue', ['env'], { displayName: 'env', secret: true, value: SECRET });
    const [item] = diffStates(State.from([desired]), State.from([live])).items;
    expect(item?.changes).toEqual([
      { path: 'secret', after: true },
      { path: 'value', before: '(secret)', after: '(secret)', secret: true },
    ]);
    expect(JSON.stringify(item)).not.toContain(SECRET);
  });

  it('a named value turned secret with the value it already had changes only its flag', () => {
    const live = res('namedValue', ['env'], { displayName: 'env', value: SECRET });
    const desired = res('namedValue', ['env'], { displayName: 'env', secret: true, value: SECRET });
    const [item] = diffStates(State.from([desired]), State.from([live])).items;
    expect(item?.changes).toEqual([{ path: 'secret', after: true }]);
  });
});

describe('diffStates: names', () => {
  it('matches names case-insensitively, as APIM does (Pets live is pets in Git)', () => {
    const live = State.from([{ kind: 'tag', names: ['Pets'], properties: { displayName: 'Pets' } }]);
    const desired = State.from([{ kind: 'tag', names: ['pets'], properties: { displayName: 'Pets' } }]);
    const result = diffStates(desired, live, { prune: true, owned: () => true });
    expect(result.items).toEqual([]);
    expect(result.unchanged).toBe(1);
  });
});

describe('diffStates: targets of one run share their creates', () => {
  it('a resource no override changes is planned once for every new target; an overridden one on its own', () => {
    const shared = res('apiPolicy', ['pets', 'policy'], policy(POLICY));
    const plain = res('namedValue', ['env'], { displayName: 'env', value: 'prod' });
    const overridden = res('namedValue', ['env'], { displayName: 'env', value: 'test' });
    const creates: NonNullable<DiffOptions['creates']> = new WeakMap();
    const first = diffStates(State.from([shared, plain]), new State(), { creates }).items;
    const second = diffStates(State.from([shared, overridden]), new State(), { creates }).items;
    const policyOf = (items: typeof first) => items.find((i) => i.kind === 'apiPolicy')!;
    const valueOf = (items: typeof first) => items.find((i) => i.kind === 'namedValue')!.changes.find((c) => c.path === 'value')?.after;
    // the same plan, each target with items of its own
    expect(policyOf(second)).toEqual(policyOf(first));
    expect(policyOf(second)).not.toBe(policyOf(first));
    expect(policyOf(first).policy?.diff.length).toBeGreaterThan(0);
    // the overridden value is planned from the target's own resource
    expect([valueOf(first), valueOf(second)]).toEqual(['prod', 'test']);
    // and planned without the cache, every item is the same
    expect(diffStates(State.from([shared, overridden]), new State()).items).toEqual(second);
  });
});

describe('diffStates: GraphQL schemas', () => {
  const SDL = 'type Query {\n  product(sku: ID!): Product\n}\n\n"A product."\ntype Product {\n  sku: ID!\n  price: Float!\n}\n';
  const api = (sdl?: string) => res('api', ['catalog'], { displayName: 'Catalog', path: 'catalog', protocols: ['https'], type: 'graphql' }, sdl === undefined ? {} : { specification: { format: 'graphql', content: sdl } });
  const schema = (sdl: string) => res('apiSchema', ['catalog', 'graphql'], { contentType: 'application/vnd.ms-azure-apim.graphql.schema', document: { value: sdl } });
  const operation = res('apiOperation', ['catalog', 'query-product'], { displayName: 'product', method: 'POST', urlTemplate: '/product', description: '' });

  it('a change of types that no operation shows is a change of the schema', () => {
    const live = State.from([api(), operation, schema(SDL)]);
    const desired = State.from([api(SDL.replace('  price: Float!\n', '  price: Float!\n  inStock: Boolean\n'))]);
    const [item] = diffStates(desired, live).items;
    expect(item?.spec?.changed).toContain('the GraphQL schema (types)');
  });

  it("an operation's signature as APIM generates it for a GraphQL field is not compared (the schema is)", () => {
    // the field as APIM lists it, then as a GET returns it, with a request and responses this importer does not make
    const listed = { displayName: 'product', method: 'POST', urlTemplate: '/query/product', description: '' };
    const inFull = { ...listed, templateParameters: [], request: { queryParameters: [], headers: [], representations: [{ contentType: 'application/json' }] }, responses: [{ statusCode: 200 }] };
    const desired = State.from([api(SDL)]);
    expect(diffStates(desired, State.from([api(), res('apiOperation', ['catalog', 'query-product'], listed), schema(SDL)])).items).toEqual([]);
    expect(diffStates(desired, State.from([api(), res('apiOperation', ['catalog', 'query-product'], inFull), schema(SDL)])).items).toEqual([]);
  });

  it('whitespace, comments and line endings of the SDL are no change', () => {
    const live = State.from([api(), operation, schema(SDL)]);
    const desired = State.from([api(`# the catalog\n${SDL.replace(/\n/g, '\r\n').replace('  sku: ID!\r\n  price', '    sku:   ID!\r\n\r\n  price')}`)]);
    expect(diffStates(desired, live).items.filter((i) => i.spec?.changed.includes('the GraphQL schema (types)'))).toEqual([]);
  });
});

describe('diffStates: SOAP operations', () => {
  // APIM names a WSDL import's operations with ids it generates, different in every instance (azure-docs #119237)
  const WSDL = readFileSync(new URL('../fixtures/specs/orders.wsdl', import.meta.url), 'utf8');
  const api = (spec?: string) => res('api', ['orders'], { displayName: 'Orders', path: 'orders', protocols: ['https'], type: 'soap' }, spec === undefined ? {} : { specification: { format: 'wsdl', content: spec } });
  const liveOperations = (rename: (urlTemplate: string) => string = (u) => u) =>
    importSpec('wsdl', WSDL).operations.map((op, i) =>
      res('apiOperation', ['orders', `62b35e88397726132ca74e${String(60 + i)}`], { displayName: op.properties.displayName, method: op.properties.method, urlTemplate: rename(op.properties.urlTemplate), description: op.properties.description ?? '' }),
    );
  const specItems = (live: Resource[]) => diffStates(State.from([api(WSDL)]), State.from([api(), ...live])).items.filter((i) => i.spec);

  it('are matched by method and URL template (the soapAction), not by the ids APIM gave them', () => {
    expect(liveOperations().length).toBeGreaterThan(1);
    expect(specItems(liveOperations())).toEqual([]);
  });

  it('an operation whose soapAction changed is one removed and one added', () => {
    const live = liveOperations();
    const first = live[0]!;
    live[0] = { ...first, properties: { ...first.properties, urlTemplate: `${String(first.properties.urlTemplate)}-old` } };
    const [item] = specItems(live);
    expect(item?.spec?.added).toHaveLength(1);
    expect(item?.spec?.removed).toEqual([expect.stringContaining('-old')]);
    expect(item?.spec?.changed).toEqual([]);
  });
});
