// What a new APIM instance already holds: the built-in groups, the Starter and Unlimited products, the
// `master` all-access subscription, the Echo API and the default global policy. `--bare` skips all of it.
import type { Kind } from '../core/kinds.ts';
import type { JsonObject } from '../core/state.ts';
import { type Instance, resourceArmId, serviceArmId } from './context.ts';
import { newEtag } from './store.ts';

function put(instance: Instance, kind: Kind, names: string[], properties: JsonObject, internal: Record<string, unknown> = { system: true }): void {
  instance.store.set({ kind, names, properties, etag: newEtag(), internal });
}

const DEFAULT_GLOBAL_POLICY = `<!--
    IMPORTANT:
    - Policy elements can appear only within the <inbound>, <outbound>, <backend> section elements.
    - Only the <forward-request> policy element can appear within the <backend> section element.
-->
<policies>
  <inbound></inbound>
  <backend>
    <forward-request />
  </backend>
  <outbound></outbound>
  <on-error></on-error>
</policies>`;

const ECHO_OPERATIONS: Array<[string, string, string, string]> = [
  ['create-resource', 'Create resource', 'POST', '/resource'],
  ['modify-resource', 'Modify Resource', 'PUT', '/resource'],
  ['remove-resource', 'Remove resource', 'DELETE', '/resource'],
  ['retrieve-header-only', 'Retrieve header only', 'HEAD', '/resource'],
  ['retrieve-resource', 'Retrieve resource', 'GET', '/resource'],
  ['retrieve-resource-cached', 'Retrieve resource (cached)', 'GET', '/resource-cached'],
];

export function seedInstance(instance: Instance): void {
  const ids = instance.ids;
  const users = `${serviceArmId(ids)}/users`;
  put(instance, 'group', ['administrators'], { displayName: 'Administrators', description: 'Administrators is a built-in group containing the admin email account provided at the time of service creation. Its membership is managed by the system.', builtIn: true, type: 'system' });
  put(instance, 'group', ['developers'], { displayName: 'Developers', description: 'Developers is a built-in group. Its membership is managed by the system. Signed-in users fall into this group.', builtIn: true, type: 'system' });
  put(instance, 'group', ['guests'], { displayName: 'Guests', description: 'Guests is a built-in group. Its membership is managed by the system. Unauthenticated users visiting the developer portal fall into this group.', builtIn: true, type: 'system' });
  put(instance, 'servicePolicy', ['policy'], { value: DEFAULT_GLOBAL_POLICY, format: 'rawxml' });
  put(instance, 'product', ['starter'], {
    displayName: 'Starter',
    description: 'Subscribers will be able to run 5 calls/minute up to a maximum of 100 calls/week.',
    subscriptionRequired: true,
    approvalRequired: false,
    subscriptionsLimit: 1,
    state: 'published',
  });
  put(instance, 'product', ['unlimited'], {
    displayName: 'Unlimited',
    description: 'Subscribers have completely unlimited access to the API. Administrator approval is required.',
    subscriptionRequired: true,
    approvalRequired: true,
    subscriptionsLimit: 1,
    state: 'published',
  });
  put(instance, 'api', ['echo-api'], {
    displayName: 'Echo API',
    apiRevision: '1',
    serviceUrl: 'http://echoapi.cloudapp.net/api',
    path: 'echo',
    protocols: ['https'],
    subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
    isCurrent: true,
    subscriptionRequired: true,
    type: 'http',
  });
  for (const [name, displayName, method, urlTemplate] of ECHO_OPERATIONS) {
    put(instance, 'apiOperation', ['echo-api', name], { displayName, method, urlTemplate, templateParameters: [], responses: [] });
  }
  for (const product of ['starter', 'unlimited']) {
    put(instance, 'productApiLink', [product, 'echo-api'], { apiId: resourceArmId(ids, 'api', ['echo-api']) });
    for (const group of ['administrators', 'developers', 'guests']) {
      put(instance, 'productGroupLink', [product, group], { groupId: resourceArmId(ids, 'group', [group]) });
    }
  }
  const created = '2026-01-01T00:00:00.000Z';
  put(instance, 'subscription', ['master'], {
    scope: `${serviceArmId(ids)}/`,
    displayName: 'Built-in all-access subscription',
    state: 'active',
    createdDate: created,
    allowTracing: false,
    primaryKey: 'master-primary-key-0000000000000000',
    secondaryKey: 'master-secondary-key-000000000000000',
  });
  for (const product of ['starter', 'unlimited']) {
    put(instance, 'subscription', [`${product}-admin`], {
      ownerId: `${users}/1`,
      scope: resourceArmId(ids, 'product', [product]),
      displayName: null,
      state: 'active',
      createdDate: created,
      allowTracing: false,
      primaryKey: `${product}-primary-key-000000000000000`,
      secondaryKey: `${product}-secondary-key-00000000000000`,
    });
  }
}
