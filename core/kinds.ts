// The one table of resource kinds. Extract, diff, apply, validation, the JSON Schemas and the emulator's routing
// all read this table; a new kind is one entry here (plus its schema and emulator behaviour, keyed by the same
// Kind). Special behaviour lives in hooks keyed by Kind, never in `if (kind === …)` scattered through the code.

export const KIND_NAMES = [
  'servicePolicy',
  'namedValue',
  'certificate',
  'group',
  'tag',
  'versionSet',
  'gateway',
  'logger',
  'backend',
  'policyFragment',
  'serviceDiagnostic',
  'api',
  'apiSchema',
  'apiOperation',
  'apiPolicy',
  'apiOperationPolicy',
  'apiDiagnostic',
  'apiRelease',
  'product',
  'productPolicy',
  'productApiLink',
  'productGroupLink',
  'tagApiLink',
  'tagProductLink',
  'tagOperationLink',
  'subscription',
  'gatewayApi',
] as const;

export type Kind = (typeof KIND_NAMES)[number];

/** A property of a kind that holds the ARM id (absolute or relative) of another resource. */
export interface Reference {
  /** dotted path inside `properties` */
  property: string;
  /** the kinds the id may point at (a subscription's scope may be a product, an api or the service) */
  kinds: readonly Kind[];
  /** the reference may be absent */
  optional: boolean;
  /** it may also name the whole service (`/`) or all APIs (`/apis`): a subscription's scope */
  serviceScope?: boolean;
}

/** What the link kinds link to: the target's id sits in `property` (absent for the gateway↔api projection). */
export interface LinkSpec {
  target: Kind;
  /** property holding the target's ARM id; null when the item is addressed by the target's own name */
  property: string | null;
  /**
   * The older association route that addresses the same link by the target's name and answers with the
   * target's own contract (APIM kept `/products/{p}/apis/{a}` after adding `/products/{p}/apiLinks/{l}`).
   */
  legacyRoute: { parent: Kind; segment: string } | null;
}

export interface ArmSpec {
  /** collection segment under the parent's path, e.g. `apis`, `operations`, `policies` */
  segment: string;
  /** singleton resources have one fixed name (policies are always `policy`) */
  fixedName?: string;
  /** the `type` APIM reports for the resource */
  type: string;
  /** id rules APIM enforces on the resource name */
  idPattern: RegExp;
  idMaxLength: number;
}

export interface ArtifactSpec {
  /** folder of the collection under the parent's folder (`apis`, `named values`); null: lives in the parent's folder */
  folder: string | null;
  /** the file that carries the resource (information file or policy); null: no file of its own */
  file: string | null;
  content: 'json' | 'xml' | 'link' | 'none';
  /** file names earlier APIOps generations used for the same resource, read but never written */
  legacyFiles?: readonly string[];
}

export interface LroSpec {
  put: boolean;
  patch: boolean;
  delete: boolean;
}

export interface PropertySpec {
  /** properties APIM requires when the resource is created (dotted paths inside `properties`) */
  required: readonly string[];
  /** computed by APIM; ignored in requests, never written, never diffed */
  readOnly: readonly string[];
  /** instructions in a request that APIM never answers with (an API's import `format`/`value`) */
  writeOnly: readonly string[];
  /** filled in by APIM when absent; absent on one side and equal to this on the other is no change */
  serverDefaults: Readonly<Record<string, unknown>>;
  /** hold secrets: never written to files, never printed */
  secret: readonly string[];
  /**
   * the `secret` properties are secret only when this boolean property is true or a Key Vault reference is set
   * (a named value marked `secret: false` is plain configuration and is compared and shown like any other)
   */
  secretFlag?: string;
  references: readonly Reference[];
  /** APIM rejects two resources of this kind with the same `displayName` */
  uniqueDisplayName: boolean;
}

export interface KindSpec {
  title: string;
  parent: Kind | null;
  arm: ArmSpec;
  artifact: ArtifactSpec;
  /** kinds that must exist before this one (besides the parent and the references, which count too) */
  after: readonly Kind[];
  lro: LroSpec;
  /** PATCH is served */
  patch: boolean;
  props: PropertySpec;
  link?: LinkSpec;
  /** key in `configuration.extractor.yaml` and in `configuration.<env>.yaml` overrides */
  configKey: string | null;
  /** the policy document of this kind may reference named values, fragments, backends and loggers */
  policy: boolean;
}

// APIM's name rules as the SDK documents them (apiId, namedValueId: no `*#&+:<>?`, 256; most others 80).
const GENERIC_ID = /^[^*#&+:<>?/\\]+$/;
const FRAGMENT_ID = /^(\w+|\w[\w-]+\w)$/;
const NO_LRO: LroSpec = { put: false, patch: false, delete: false };
const POLICY_ID = /^policy$/;
const NO_PROPS: PropertySpec = {
  required: [],
  readOnly: [],
  writeOnly: [],
  serverDefaults: {},
  secret: [],
  references: [],
  uniqueDisplayName: false,
};
const POLICY_PROPS: PropertySpec = { ...NO_PROPS, required: ['value'], serverDefaults: { format: 'xml' } };
const POLICY_REFS: readonly Kind[] = ['namedValue', 'policyFragment', 'backend', 'logger'];

function policyKind(title: string, parent: Kind | null, type: string): KindSpec {
  return {
    title,
    parent,
    arm: { segment: 'policies', fixedName: 'policy', type, idPattern: POLICY_ID, idMaxLength: 6 },
    artifact: { folder: null, file: 'policy.xml', content: 'xml' },
    after: POLICY_REFS,
    lro: NO_LRO,
    patch: false,
    props: POLICY_PROPS,
    configKey: 'policies',
    policy: true,
  };
}

const DIAGNOSTIC_PROPS: PropertySpec = {
  ...NO_PROPS,
  required: ['loggerId'],
  references: [{ property: 'loggerId', kinds: ['logger'], optional: false }],
};

export const KINDS = {
  servicePolicy: policyKind('service policy', null, 'Microsoft.ApiManagement/service/policies'),
  namedValue: {
    title: 'named value',
    parent: null,
    arm: { segment: 'namedValues', type: 'Microsoft.ApiManagement/service/namedValues', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'named values', file: 'namedValueInformation.json', content: 'json' },
    after: [],
    lro: { put: true, patch: true, delete: false },
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['displayName'],
      // APIM reports how its last Key Vault fetch went
      readOnly: ['keyVault.lastStatus'],
      serverDefaults: { secret: false, tags: [] },
      secret: ['value'],
      secretFlag: 'secret',
      uniqueDisplayName: true,
    },
    configKey: 'namedValues',
    policy: false,
  },
  certificate: {
    title: 'certificate',
    parent: null,
    arm: { segment: 'certificates', type: 'Microsoft.ApiManagement/service/certificates', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'certificates', file: 'certificateInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: { ...NO_PROPS, readOnly: ['subject', 'thumbprint', 'expirationDate', 'keyVault.lastStatus'], writeOnly: ['data', 'password'], secret: ['data', 'password'] },
    configKey: 'certificates',
    policy: false,
  },
  group: {
    title: 'group',
    parent: null,
    arm: { segment: 'groups', type: 'Microsoft.ApiManagement/service/groups', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'groups', file: 'groupInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: { ...NO_PROPS, required: ['displayName'], readOnly: ['builtIn'], serverDefaults: { type: 'custom', builtIn: false } },
    configKey: 'groups',
    policy: false,
  },
  tag: {
    title: 'tag',
    parent: null,
    arm: { segment: 'tags', type: 'Microsoft.ApiManagement/service/tags', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'tags', file: 'tagInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    // "Tag with the same name already exists." (apiops #855: a tag extracted elsewhere under another id)
    props: { ...NO_PROPS, required: ['displayName'], uniqueDisplayName: true },
    configKey: 'tags',
    policy: false,
  },
  versionSet: {
    title: 'version set',
    parent: null,
    arm: { segment: 'apiVersionSets', type: 'Microsoft.ApiManagement/service/api-version-sets', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'version sets', file: 'versionSetInformation.json', content: 'json', legacyFiles: ['apiVersionSetInformation.json'] },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: { ...NO_PROPS, required: ['displayName', 'versioningScheme'] },
    configKey: 'versionSets',
    policy: false,
  },
  gateway: {
    title: 'gateway',
    parent: null,
    arm: { segment: 'gateways', type: 'Microsoft.ApiManagement/service/gateways', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'gateways', file: 'gatewayInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: NO_PROPS,
    configKey: 'gateways',
    policy: false,
  },
  logger: {
    title: 'logger',
    parent: null,
    arm: { segment: 'loggers', type: 'Microsoft.ApiManagement/service/loggers', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'loggers', file: 'loggerInformation.json', content: 'json' },
    // logger credentials may be `{{named value}}` references
    after: ['namedValue'],
    lro: NO_LRO,
    patch: true,
    props: { ...NO_PROPS, required: ['loggerType'], serverDefaults: { isBuffered: true }, secret: ['credentials'] },
    configKey: 'loggers',
    policy: false,
  },
  backend: {
    title: 'backend',
    parent: null,
    arm: { segment: 'backends', type: 'Microsoft.ApiManagement/service/backends', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'backends', file: 'backendInformation.json', content: 'json' },
    // credentials may carry `{{named value}}`s and client certificates
    after: ['namedValue', 'certificate'],
    lro: NO_LRO,
    patch: true,
    props: { ...NO_PROPS, required: ['url', 'protocol'] },
    configKey: 'backends',
    policy: false,
  },
  policyFragment: {
    title: 'policy fragment',
    parent: null,
    arm: { segment: 'policyFragments', type: 'Microsoft.ApiManagement/service/policyFragments', idPattern: FRAGMENT_ID, idMaxLength: 80 },
    artifact: { folder: 'policy fragments', file: 'policyFragmentInformation.json', content: 'json' },
    after: ['namedValue', 'backend', 'logger'],
    lro: { put: true, patch: false, delete: false },
    patch: false,
    props: { ...NO_PROPS, required: ['value'], serverDefaults: { format: 'xml' } },
    configKey: 'policyFragments',
    policy: true,
  },
  serviceDiagnostic: {
    title: 'diagnostic',
    parent: null,
    arm: { segment: 'diagnostics', type: 'Microsoft.ApiManagement/service/diagnostics', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'diagnostics', file: 'diagnosticInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: DIAGNOSTIC_PROPS,
    configKey: 'diagnostics',
    policy: false,
  },
  api: {
    title: 'API',
    parent: null,
    arm: { segment: 'apis', type: 'Microsoft.ApiManagement/service/apis', idPattern: /^[^*#&+:<>?/\\]+(;rev=\d+)?$/, idMaxLength: 256 },
    artifact: { folder: 'apis', file: 'apiInformation.json', content: 'json' },
    after: [],
    lro: { put: true, patch: false, delete: true },
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['path'],
      readOnly: ['isCurrent', 'isOnline', 'provisioningState', 'apiVersionSet'],
      writeOnly: ['format', 'value', 'wsdlSelector', 'sourceApiId', 'translateRequiredQueryParameters', 'apiType'],
      serverDefaults: {
        apiRevision: '1',
        type: 'http',
        subscriptionRequired: true,
        protocols: ['https'],
        subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
      },
      references: [{ property: 'apiVersionSetId', kinds: ['versionSet'], optional: true }],
    },
    configKey: 'apis',
    policy: false,
  },
  apiSchema: {
    title: 'API schema',
    parent: 'api',
    arm: { segment: 'schemas', type: 'Microsoft.ApiManagement/service/apis/schemas', idPattern: GENERIC_ID, idMaxLength: 80 },
    // GraphQL SDL lives in `specification.graphql`; OpenAPI schemas come with the specification
    artifact: { folder: null, file: null, content: 'none' },
    after: [],
    lro: { put: true, patch: false, delete: false },
    patch: false,
    props: { ...NO_PROPS, required: ['contentType'] },
    configKey: 'schemas',
    policy: false,
  },
  apiOperation: {
    title: 'API operation',
    parent: 'api',
    arm: { segment: 'operations', type: 'Microsoft.ApiManagement/service/apis/operations', idPattern: GENERIC_ID, idMaxLength: 80 },
    // APIOps keeps operations in the specification; the folder only holds the operation's policy
    artifact: { folder: 'operations', file: null, content: 'none' },
    after: ['apiSchema'],
    lro: NO_LRO,
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['displayName', 'method', 'urlTemplate'],
      serverDefaults: { templateParameters: [], responses: [] },
    },
    configKey: 'operations',
    policy: false,
  },
  apiPolicy: policyKind('API policy', 'api', 'Microsoft.ApiManagement/service/apis/policies'),
  apiOperationPolicy: policyKind('operation policy', 'apiOperation', 'Microsoft.ApiManagement/service/apis/operations/policies'),
  apiDiagnostic: {
    title: 'API diagnostic',
    parent: 'api',
    arm: { segment: 'diagnostics', type: 'Microsoft.ApiManagement/service/apis/diagnostics', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'diagnostics', file: 'diagnosticInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: DIAGNOSTIC_PROPS,
    configKey: 'diagnostics',
    policy: false,
  },
  apiRelease: {
    title: 'API release',
    parent: 'api',
    arm: { segment: 'releases', type: 'Microsoft.ApiManagement/service/apis/releases', idPattern: GENERIC_ID, idMaxLength: 80 },
    artifact: { folder: 'releases', file: 'apiReleaseInformation.json', content: 'json', legacyFiles: ['releaseInformation.json'] },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['apiId'],
      readOnly: ['createdDateTime', 'updatedDateTime'],
      references: [{ property: 'apiId', kinds: ['api'], optional: false }],
    },
    configKey: 'releases',
    policy: false,
  },
  product: {
    title: 'product',
    parent: null,
    arm: { segment: 'products', type: 'Microsoft.ApiManagement/service/products', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'products', file: 'productInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['displayName'],
      serverDefaults: { state: 'notPublished', subscriptionRequired: true, approvalRequired: false },
      uniqueDisplayName: true,
    },
    configKey: 'products',
    policy: false,
  },
  productPolicy: policyKind('product policy', 'product', 'Microsoft.ApiManagement/service/products/policies'),
  productApiLink: {
    title: 'product↔API link',
    parent: 'product',
    arm: { segment: 'apiLinks', type: 'Microsoft.ApiManagement/service/products/apiLinks', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'apis', file: 'productApiInformation.json', content: 'link' },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: { ...NO_PROPS, required: ['apiId'], references: [{ property: 'apiId', kinds: ['api'], optional: false }] },
    link: { target: 'api', property: 'apiId', legacyRoute: { parent: 'product', segment: 'apis' } },
    configKey: 'apis',
    policy: false,
  },
  productGroupLink: {
    title: 'product↔group link',
    parent: 'product',
    arm: { segment: 'groupLinks', type: 'Microsoft.ApiManagement/service/products/groupLinks', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'groups', file: 'productGroupInformation.json', content: 'link' },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: { ...NO_PROPS, required: ['groupId'], references: [{ property: 'groupId', kinds: ['group'], optional: false }] },
    link: { target: 'group', property: 'groupId', legacyRoute: { parent: 'product', segment: 'groups' } },
    configKey: 'groups',
    policy: false,
  },
  tagApiLink: {
    title: 'tag↔API link',
    parent: 'tag',
    arm: { segment: 'apiLinks', type: 'Microsoft.ApiManagement/service/tags/apiLinks', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'apis', file: 'tagApiInformation.json', content: 'link', legacyFiles: ['apiTagInformation.json'] },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: { ...NO_PROPS, required: ['apiId'], references: [{ property: 'apiId', kinds: ['api'], optional: false }] },
    link: { target: 'api', property: 'apiId', legacyRoute: { parent: 'api', segment: 'tags' } },
    configKey: 'apis',
    policy: false,
  },
  tagProductLink: {
    title: 'tag↔product link',
    parent: 'tag',
    arm: { segment: 'productLinks', type: 'Microsoft.ApiManagement/service/tags/productLinks', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'products', file: 'tagProductInformation.json', content: 'link', legacyFiles: ['productTagInformation.json'] },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: { ...NO_PROPS, required: ['productId'], references: [{ property: 'productId', kinds: ['product'], optional: false }] },
    link: { target: 'product', property: 'productId', legacyRoute: { parent: 'product', segment: 'tags' } },
    configKey: 'products',
    policy: false,
  },
  tagOperationLink: {
    title: 'tag↔operation link',
    parent: 'tag',
    arm: { segment: 'operationLinks', type: 'Microsoft.ApiManagement/service/tags/operationLinks', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'operations', file: 'tagOperationInformation.json', content: 'link' },
    after: [],
    lro: NO_LRO,
    patch: false,
    props: {
      ...NO_PROPS,
      required: ['operationId'],
      references: [{ property: 'operationId', kinds: ['apiOperation'], optional: false }],
    },
    link: { target: 'apiOperation', property: 'operationId', legacyRoute: { parent: 'apiOperation', segment: 'tags' } },
    configKey: 'operations',
    policy: false,
  },
  subscription: {
    title: 'subscription',
    parent: null,
    arm: { segment: 'subscriptions', type: 'Microsoft.ApiManagement/service/subscriptions', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'subscriptions', file: 'subscriptionInformation.json', content: 'json' },
    after: [],
    lro: NO_LRO,
    patch: true,
    props: {
      ...NO_PROPS,
      required: ['displayName', 'scope'],
      readOnly: ['createdDate', 'startDate', 'expirationDate', 'endDate', 'notificationDate', 'stateComment'],
      serverDefaults: { state: 'submitted', allowTracing: false },
      secret: ['primaryKey', 'secondaryKey'],
      // scope `/apis` (all APIs) points at no resource; product and api scopes must exist
      references: [{ property: 'scope', kinds: ['product', 'api'], optional: false, serviceScope: true }],
    },
    configKey: 'subscriptions',
    policy: false,
  },
  gatewayApi: {
    title: 'gateway↔API link',
    parent: 'gateway',
    arm: { segment: 'apis', type: 'Microsoft.ApiManagement/service/gateways/apis', idPattern: GENERIC_ID, idMaxLength: 256 },
    artifact: { folder: 'apis', file: 'gatewayApiInformation.json', content: 'link' },
    after: ['api'],
    lro: NO_LRO,
    patch: false,
    props: NO_PROPS,
    link: { target: 'api', property: null, legacyRoute: null },
    configKey: 'apis',
    policy: false,
  },
} as const satisfies Record<Kind, KindSpec>;

export function kindSpec(kind: Kind): KindSpec {
  return KINDS[kind];
}

export function isKind(value: string): value is Kind {
  return (KIND_NAMES as readonly string[]).includes(value);
}

// asked for every resource of every plan, diff and read: computed once per kind
const ANCESTRY = new Map<Kind, readonly Kind[]>();

/** The chain of kinds from the service down to `kind` (inclusive), e.g. api → apiOperation → apiOperationPolicy. */
export function ancestry(kind: Kind): readonly Kind[] {
  let chain = ANCESTRY.get(kind);
  if (!chain) {
    const built: Kind[] = [];
    for (let k: Kind | null = kind; k; k = kindSpec(k).parent) built.unshift(k);
    chain = Object.freeze(built);
    ANCESTRY.set(kind, chain);
  }
  return chain;
}

/** Everything that must exist before `kind`: the parent, `after`, and the targets of references and links. */
export function prerequisites(kind: Kind): Kind[] {
  const spec = kindSpec(kind);
  const set = new Set<Kind>(spec.after);
  if (spec.parent) set.add(spec.parent);
  for (const ref of spec.props.references) for (const k of ref.kinds) set.add(k);
  if (spec.link) set.add(spec.link.target);
  set.delete(kind);
  return [...set];
}

function computeLevels(): Record<Kind, number> {
  const levels = {} as Record<Kind, number>;
  const visiting = new Set<Kind>();
  const visit = (kind: Kind): number => {
    const known = levels[kind];
    if (known !== undefined) return known;
    if (visiting.has(kind)) throw new Error(`kinds table: dependency cycle through ${kind}`);
    visiting.add(kind);
    const level = Math.max(-1, ...prerequisites(kind).map(visit)) + 1;
    visiting.delete(kind);
    levels[kind] = level;
    return level;
  };
  for (const kind of KIND_NAMES) visit(kind);
  return levels;
}

/** Dependency level: creates and updates go up the levels, deletes come down them. */
export const LEVELS: Readonly<Record<Kind, number>> = computeLevels();

/** Kinds whose parent is `kind`. */
export function childKinds(kind: Kind | null): Kind[] {
  return KIND_NAMES.filter((k) => kindSpec(k).parent === kind);
}

/** The collection segments from the service root to `kind`, e.g. ['apis', 'operations', 'policies']. */
export function armSegments(kind: Kind): string[] {
  return ancestry(kind).map((k) => kindSpec(k).arm.segment);
}

/** ARM path of a resource below the service: `apis/a/operations/o/policies/policy`. Names are not encoded. */
export function armRelativePath(kind: Kind, names: readonly string[]): string {
  const chain = ancestry(kind);
  if (names.length !== chain.length) {
    throw new Error(`${kind} needs ${chain.length} name(s), got ${names.length}`);
  }
  return chain.map((k, i) => `${kindSpec(k).arm.segment}/${names[i]}`).join('/');
}

/** The v7 artifact folder of a resource (relative to the artifacts root); singletons live in their parent's folder. */
export function artifactFolder(kind: Kind, names: readonly string[]): string {
  const chain = ancestry(kind);
  const parts: string[] = [];
  chain.forEach((k, i) => {
    const folder = kindSpec(k).artifact.folder;
    if (folder !== null) parts.push(folder, names[i] ?? '');
  });
  return parts.join('/');
}
