// One fixture per kind: a resource of that kind and how the unmodified SDK creates, reads, lists, updates and
// deletes it. `satisfies Record<Kind, …>` makes a kind added to the table without a fixture fail to compile.
import type { ApiManagementClient } from '@azure/arm-apimanagement';
import type { Kind } from '../../core/kinds.ts';
import { fastPoll } from './sdk.ts';

export interface Target {
  client: ApiManagementClient;
  rg: string;
  svc: string;
}

export interface KindFixture {
  names: string[];
  /** creates (or re-puts) the resource; returns the properties the service answered with */
  create(t: Target): Promise<unknown>;
  get(t: Target): Promise<{ name?: string; properties: Record<string, unknown> }>;
  /** names of the resources the list operation returns (all pages) */
  list(t: Target): Promise<string[]>;
  /** changes one property; `check` reads it back */
  update?: { apply(t: Target): Promise<unknown>; property: string; value: unknown };
  delete(t: Target): Promise<void>;
}

async function names<T extends { name?: string }>(iter: AsyncIterable<T>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iter) out.push(item.name ?? '');
  return out;
}

/** SDK results flatten `properties`; tests compare them as plain records. */
function props(value: object): { name?: string; properties: Record<string, unknown> } {
  const { name, ...rest } = value as Record<string, unknown> & { name?: string };
  return { name, properties: rest };
}

const POLICY_XML = '<policies><inbound><base /><set-header name="x-region" exists-action="override"><value>{{nv1}}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
const SIMPLE_POLICY = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
const OPENAPI = `openapi: 3.0.1
info:
  title: Fixture API
  version: '1.0'
servers:
  - url: https://backend.example.com/v1
paths:
  /items:
    get:
      operationId: listItems
      summary: List items
      responses:
        '200':
          description: OK
`;

export const KIND_FIXTURES = {
  servicePolicy: {
    names: ['policy'],
    create: (t) => t.client.policy.createOrUpdate(t.rg, t.svc, 'policy', { value: SIMPLE_POLICY, format: 'rawxml' }),
    get: async (t) => props(await t.client.policy.get(t.rg, t.svc, 'policy', { format: 'rawxml' })),
    list: (t) => names(t.client.policy.listByService(t.rg, t.svc)),
    delete: (t) => t.client.policy.delete(t.rg, t.svc, 'policy', '*'),
  },
  namedValue: {
    names: ['nv1'],
    create: (t) => t.client.namedValue.beginCreateOrUpdateAndWait(t.rg, t.svc, 'nv1', { displayName: 'nv1', value: 'eastus', tags: ['region'] }, fastPoll),
    get: async (t) => props(await t.client.namedValue.get(t.rg, t.svc, 'nv1')),
    list: (t) => names(t.client.namedValue.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.namedValue.beginUpdateAndWait(t.rg, t.svc, 'nv1', '*', { value: 'westus' }, fastPoll), property: 'value', value: 'westus' },
    delete: (t) => t.client.namedValue.delete(t.rg, t.svc, 'nv1', '*'),
  },
  certificate: {
    names: ['cert1'],
    create: (t) => t.client.certificate.createOrUpdate(t.rg, t.svc, 'cert1', { data: Buffer.from('not really a pfx').toString('base64'), password: 'p@ss' }),
    get: async (t) => props(await t.client.certificate.get(t.rg, t.svc, 'cert1')),
    list: (t) => names(t.client.certificate.listByService(t.rg, t.svc)),
    delete: (t) => t.client.certificate.delete(t.rg, t.svc, 'cert1', '*'),
  },
  group: {
    names: ['group1'],
    create: (t) => t.client.group.createOrUpdate(t.rg, t.svc, 'group1', { displayName: 'Group one', description: 'partners' }),
    get: async (t) => props(await t.client.group.get(t.rg, t.svc, 'group1')),
    list: (t) => names(t.client.group.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.group.update(t.rg, t.svc, 'group1', '*', { description: 'changed' }), property: 'description', value: 'changed' },
    delete: (t) => t.client.group.delete(t.rg, t.svc, 'group1', '*'),
  },
  tag: {
    names: ['tag1'],
    create: (t) => t.client.tag.createOrUpdate(t.rg, t.svc, 'tag1', { displayName: 'Tag one' }),
    get: async (t) => props(await t.client.tag.get(t.rg, t.svc, 'tag1')),
    list: (t) => names(t.client.tag.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.tag.update(t.rg, t.svc, 'tag1', '*', { displayName: 'Tag 1' }), property: 'displayName', value: 'Tag 1' },
    delete: (t) => t.client.tag.delete(t.rg, t.svc, 'tag1', '*'),
  },
  versionSet: {
    names: ['vs1'],
    create: (t) => t.client.apiVersionSet.createOrUpdate(t.rg, t.svc, 'vs1', { displayName: 'Version set one', versioningScheme: 'Segment' }),
    get: async (t) => props(await t.client.apiVersionSet.get(t.rg, t.svc, 'vs1')),
    list: (t) => names(t.client.apiVersionSet.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.apiVersionSet.update(t.rg, t.svc, 'vs1', '*', { description: 'v-set' }), property: 'description', value: 'v-set' },
    delete: (t) => t.client.apiVersionSet.delete(t.rg, t.svc, 'vs1', '*'),
  },
  gateway: {
    names: ['gw1'],
    create: (t) => t.client.gateway.createOrUpdate(t.rg, t.svc, 'gw1', { locationData: { name: 'on-premises' }, description: 'self-hosted' }),
    get: async (t) => props(await t.client.gateway.get(t.rg, t.svc, 'gw1')),
    list: (t) => names(t.client.gateway.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.gateway.update(t.rg, t.svc, 'gw1', '*', { description: 'edge' }), property: 'description', value: 'edge' },
    delete: (t) => t.client.gateway.delete(t.rg, t.svc, 'gw1', '*'),
  },
  logger: {
    names: ['logger1'],
    create: (t) => t.client.logger.createOrUpdate(t.rg, t.svc, 'logger1', { loggerType: 'applicationInsights', credentials: { instrumentationKey: '11111111-2222-3333-4444-555555555555' } }),
    get: async (t) => props(await t.client.logger.get(t.rg, t.svc, 'logger1')),
    list: (t) => names(t.client.logger.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.logger.update(t.rg, t.svc, 'logger1', '*', { description: 'ai' }), property: 'description', value: 'ai' },
    delete: (t) => t.client.logger.delete(t.rg, t.svc, 'logger1', '*'),
  },
  backend: {
    names: ['backend1'],
    create: (t) => t.client.backend.createOrUpdate(t.rg, t.svc, 'backend1', { url: 'https://backend.example.com', protocol: 'http' }),
    get: async (t) => props(await t.client.backend.get(t.rg, t.svc, 'backend1')),
    list: (t) => names(t.client.backend.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.backend.update(t.rg, t.svc, 'backend1', '*', { description: 'primary' }), property: 'description', value: 'primary' },
    delete: (t) => t.client.backend.delete(t.rg, t.svc, 'backend1', '*'),
  },
  policyFragment: {
    names: ['fragment1'],
    create: (t) => t.client.policyFragment.beginCreateOrUpdateAndWait(t.rg, t.svc, 'fragment1', { value: '<fragment><set-header name="x-fragment" exists-action="override"><value>1</value></set-header></fragment>', format: 'rawxml', description: 'shared' }, fastPoll),
    get: async (t) => props(await t.client.policyFragment.get(t.rg, t.svc, 'fragment1', { format: 'rawxml' })),
    list: (t) => names(t.client.policyFragment.listByService(t.rg, t.svc)),
    delete: (t) => t.client.policyFragment.delete(t.rg, t.svc, 'fragment1', '*'),
  },
  serviceDiagnostic: {
    names: ['applicationinsights'],
    create: (t) => t.client.diagnostic.createOrUpdate(t.rg, t.svc, 'applicationinsights', { loggerId: '/loggers/logger1', alwaysLog: 'allErrors' }),
    get: async (t) => props(await t.client.diagnostic.get(t.rg, t.svc, 'applicationinsights')),
    list: (t) => names(t.client.diagnostic.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.diagnostic.update(t.rg, t.svc, 'applicationinsights', '*', { loggerId: '/loggers/logger1', verbosity: 'error' }), property: 'verbosity', value: 'error' },
    delete: (t) => t.client.diagnostic.delete(t.rg, t.svc, 'applicationinsights', '*'),
  },
  api: {
    names: ['api1'],
    create: (t) => t.client.api.beginCreateOrUpdateAndWait(t.rg, t.svc, 'api1', { displayName: 'API one', path: 'one', protocols: ['https'], format: 'openapi', value: OPENAPI }, fastPoll),
    get: async (t) => props(await t.client.api.get(t.rg, t.svc, 'api1')),
    list: (t) => names(t.client.api.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.api.update(t.rg, t.svc, 'api1', '*', { description: 'first' }), property: 'description', value: 'first' },
    delete: async (t) => {
      await t.client.api.beginDeleteAndWait(t.rg, t.svc, 'api1', '*', fastPoll);
    },
  },
  apiSchema: {
    names: ['api1', 'schema1'],
    create: (t) => t.client.apiSchema.beginCreateOrUpdateAndWait(t.rg, t.svc, 'api1', 'schema1', { contentType: 'application/vnd.oai.openapi.components+json', components: { schemas: { Item: { type: 'object' } } } }, fastPoll),
    get: async (t) => props(await t.client.apiSchema.get(t.rg, t.svc, 'api1', 'schema1')),
    list: (t) => names(t.client.apiSchema.listByApi(t.rg, t.svc, 'api1')),
    delete: (t) => t.client.apiSchema.delete(t.rg, t.svc, 'api1', 'schema1', '*'),
  },
  apiOperation: {
    names: ['api1', 'op1'],
    create: (t) =>
      t.client.apiOperation.createOrUpdate(t.rg, t.svc, 'api1', 'op1', {
        displayName: 'Get item',
        method: 'GET',
        urlTemplate: '/items/{id}',
        templateParameters: [{ name: 'id', type: 'string', required: true }],
        responses: [{ statusCode: 200, description: 'OK' }],
      }),
    get: async (t) => props(await t.client.apiOperation.get(t.rg, t.svc, 'api1', 'op1')),
    list: (t) => names(t.client.apiOperation.listByApi(t.rg, t.svc, 'api1')),
    update: { apply: (t) => t.client.apiOperation.update(t.rg, t.svc, 'api1', 'op1', '*', { description: 'one item' }), property: 'description', value: 'one item' },
    delete: (t) => t.client.apiOperation.delete(t.rg, t.svc, 'api1', 'op1', '*'),
  },
  apiPolicy: {
    names: ['api1', 'policy'],
    create: (t) => t.client.apiPolicy.createOrUpdate(t.rg, t.svc, 'api1', 'policy', { value: POLICY_XML, format: 'rawxml' }),
    // SDK 10 marks ApiPolicy_Get isXML and so reads no `properties.value` from APIM's JSON answer; list it instead
    get: async (t) => {
      const found = ((await t.client.apiPolicy.listByApi(t.rg, t.svc, 'api1')).value ?? []).find((p) => p.name === 'policy');
      if (!found) throw Object.assign(new Error('not found'), { statusCode: 404 });
      return props(found);
    },
    list: async (t) => ((await t.client.apiPolicy.listByApi(t.rg, t.svc, 'api1')).value ?? []).map((p) => p.name ?? ''),
    delete: (t) => t.client.apiPolicy.delete(t.rg, t.svc, 'api1', 'policy', '*'),
  },
  apiOperationPolicy: {
    names: ['api1', 'op1', 'policy'],
    create: (t) => t.client.apiOperationPolicy.createOrUpdate(t.rg, t.svc, 'api1', 'op1', 'policy', { value: '<policies><inbound><base /><include-fragment fragment-id="fragment1" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>', format: 'rawxml' }),
    get: async (t) => props(await t.client.apiOperationPolicy.get(t.rg, t.svc, 'api1', 'op1', 'policy', { format: 'rawxml' })),
    list: async (t) => ((await t.client.apiOperationPolicy.listByOperation(t.rg, t.svc, 'api1', 'op1')).value ?? []).map((p) => p.name ?? ''),
    delete: (t) => t.client.apiOperationPolicy.delete(t.rg, t.svc, 'api1', 'op1', 'policy', '*'),
  },
  apiDiagnostic: {
    names: ['api1', 'applicationinsights'],
    create: (t) => t.client.apiDiagnostic.createOrUpdate(t.rg, t.svc, 'api1', 'applicationinsights', { loggerId: '/loggers/logger1', alwaysLog: 'allErrors' }),
    get: async (t) => props(await t.client.apiDiagnostic.get(t.rg, t.svc, 'api1', 'applicationinsights')),
    list: (t) => names(t.client.apiDiagnostic.listByService(t.rg, t.svc, 'api1')),
    update: { apply: (t) => t.client.apiDiagnostic.update(t.rg, t.svc, 'api1', 'applicationinsights', '*', { loggerId: '/loggers/logger1', verbosity: 'information' }), property: 'verbosity', value: 'information' },
    delete: (t) => t.client.apiDiagnostic.delete(t.rg, t.svc, 'api1', 'applicationinsights', '*'),
  },
  apiRelease: {
    names: ['api1', 'release1'],
    create: (t) => t.client.apiRelease.createOrUpdate(t.rg, t.svc, 'api1', 'release1', { apiId: '/apis/api1', notes: 'first release' }),
    get: async (t) => props(await t.client.apiRelease.get(t.rg, t.svc, 'api1', 'release1')),
    list: (t) => names(t.client.apiRelease.listByService(t.rg, t.svc, 'api1')),
    update: { apply: (t) => t.client.apiRelease.update(t.rg, t.svc, 'api1', 'release1', '*', { apiId: '/apis/api1', notes: 'renamed' }), property: 'notes', value: 'renamed' },
    delete: (t) => t.client.apiRelease.delete(t.rg, t.svc, 'api1', 'release1', '*'),
  },
  product: {
    names: ['product1'],
    create: (t) => t.client.product.createOrUpdate(t.rg, t.svc, 'product1', { displayName: 'Product one', subscriptionRequired: true, state: 'published' }),
    get: async (t) => props(await t.client.product.get(t.rg, t.svc, 'product1')),
    list: (t) => names(t.client.product.listByService(t.rg, t.svc)),
    update: { apply: (t) => t.client.product.update(t.rg, t.svc, 'product1', '*', { terms: 'be nice' }), property: 'terms', value: 'be nice' },
    delete: (t) => t.client.product.delete(t.rg, t.svc, 'product1', '*', { deleteSubscriptions: true }),
  },
  productPolicy: {
    names: ['product1', 'policy'],
    create: (t) => t.client.productPolicy.createOrUpdate(t.rg, t.svc, 'product1', 'policy', { value: SIMPLE_POLICY, format: 'rawxml' }),
    get: async (t) => props(await t.client.productPolicy.get(t.rg, t.svc, 'product1', 'policy', { format: 'rawxml' })),
    list: (t) => names(t.client.productPolicy.listByProduct(t.rg, t.svc, 'product1')),
    delete: (t) => t.client.productPolicy.delete(t.rg, t.svc, 'product1', 'policy', '*'),
  },
  productApiLink: {
    names: ['product1', 'link1'],
    create: (t) => t.client.productApiLink.createOrUpdate(t.rg, t.svc, 'product1', 'link1', { apiId: '/apis/api1' }),
    get: async (t) => props(await t.client.productApiLink.get(t.rg, t.svc, 'product1', 'link1')),
    list: (t) => names(t.client.productApiLink.listByProduct(t.rg, t.svc, 'product1')),
    delete: (t) => t.client.productApiLink.delete(t.rg, t.svc, 'product1', 'link1'),
  },
  productGroupLink: {
    names: ['product1', 'link1'],
    create: (t) => t.client.productGroupLink.createOrUpdate(t.rg, t.svc, 'product1', 'link1', { groupId: '/groups/group1' }),
    get: async (t) => props(await t.client.productGroupLink.get(t.rg, t.svc, 'product1', 'link1')),
    list: (t) => names(t.client.productGroupLink.listByProduct(t.rg, t.svc, 'product1')),
    delete: (t) => t.client.productGroupLink.delete(t.rg, t.svc, 'product1', 'link1'),
  },
  tagApiLink: {
    names: ['tag1', 'link1'],
    create: (t) => t.client.tagApiLink.createOrUpdate(t.rg, t.svc, 'tag1', 'link1', { apiId: '/apis/api1' }),
    get: async (t) => props(await t.client.tagApiLink.get(t.rg, t.svc, 'tag1', 'link1')),
    list: (t) => names(t.client.tagApiLink.listByProduct(t.rg, t.svc, 'tag1')),
    delete: (t) => t.client.tagApiLink.delete(t.rg, t.svc, 'tag1', 'link1'),
  },
  tagProductLink: {
    names: ['tag1', 'link1'],
    create: (t) => t.client.tagProductLink.createOrUpdate(t.rg, t.svc, 'tag1', 'link1', { productId: '/products/product1' }),
    get: async (t) => props(await t.client.tagProductLink.get(t.rg, t.svc, 'tag1', 'link1')),
    list: (t) => names(t.client.tagProductLink.listByProduct(t.rg, t.svc, 'tag1')),
    delete: (t) => t.client.tagProductLink.delete(t.rg, t.svc, 'tag1', 'link1'),
  },
  tagOperationLink: {
    names: ['tag1', 'link1'],
    create: (t) => t.client.tagOperationLink.createOrUpdate(t.rg, t.svc, 'tag1', 'link1', { operationId: '/apis/api1/operations/op1' }),
    get: async (t) => props(await t.client.tagOperationLink.get(t.rg, t.svc, 'tag1', 'link1')),
    list: (t) => names(t.client.tagOperationLink.listByProduct(t.rg, t.svc, 'tag1')),
    delete: (t) => t.client.tagOperationLink.delete(t.rg, t.svc, 'tag1', 'link1'),
  },
  subscription: {
    names: ['sub1'],
    create: (t) => t.client.subscription.createOrUpdate(t.rg, t.svc, 'sub1', { scope: '/products/product1', displayName: 'Subscription one' }),
    get: async (t) => props(await t.client.subscription.get(t.rg, t.svc, 'sub1')),
    list: (t) => names(t.client.subscription.list(t.rg, t.svc)),
    update: { apply: (t) => t.client.subscription.update(t.rg, t.svc, 'sub1', '*', { state: 'active' }), property: 'state', value: 'active' },
    delete: (t) => t.client.subscription.delete(t.rg, t.svc, 'sub1', '*'),
  },
  gatewayApi: {
    names: ['gw1', 'api1'],
    create: (t) => t.client.gatewayApi.createOrUpdate(t.rg, t.svc, 'gw1', 'api1', { parameters: { provisioningState: 'created' } }),
    get: async (t) => {
      const tag = await t.client.gatewayApi.getEntityTag(t.rg, t.svc, 'gw1', 'api1');
      return { name: 'api1', properties: { eTag: tag.eTag } };
    },
    list: (t) => names(t.client.gatewayApi.listByService(t.rg, t.svc, 'gw1')),
    delete: (t) => t.client.gatewayApi.delete(t.rg, t.svc, 'gw1', 'api1'),
  },
} satisfies Record<Kind, KindFixture>;
