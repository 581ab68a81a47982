// How reading one kind from a live instance differs from the generic list-and-keep (core/live/read.ts): policies
// read as rawxml, API specifications exported, the GraphQL SDL taken from the API's schema, and what APIM creates
// itself left out so that publishing an extract back never fights APIM. Keyed by Kind, like every special case.
import { GRAPHQL_SCHEMA_ID } from '../specs/types.ts';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Kind } from '../kinds.ts';
import type { ApiSpecification, JsonObject, Resource, State } from '../state.ts';
import type { Arm, ArmContract } from './arm.ts';
import { relativizeId } from '../files/ids.ts';
import { describeError } from './errors.ts';
import type { Lane } from './read-queue.ts';
import { isSystemResource } from '../system.ts';

export type SpecFormat = ApiSpecification['format'];

/** What a hook may use: the connection, the State read so far, the shared request queue, warnings. */
export interface ReadContext {
  readonly arm: Arm;
  readonly state: State;
  /** the format for specifications of APIs that have none in Git (OpenAPI 3 YAML unless asked otherwise) */
  readonly specFormat: SpecFormat;
  /** the format an API's specification already has in Git, kept so a re-extract does not rename the file */
  readonly specFormatFor: (names: readonly string[]) => SpecFormat | undefined;
  readonly specifications: boolean;
  /** one request through the shared queue; a failure fails the whole read */
  request<T>(lane: Lane, send: () => Promise<T>): Promise<T>;
  /** one request through the shared queue that may fail alone (an export APIM cannot make) */
  attempt<T>(lane: Lane, send: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;
  /** runs `work` while no other work of the same group runs */
  exclusive<T>(group: string, work: () => Promise<T>): Promise<T>;
  warn(message: string): void;
}

export interface ReadHook {
  /** query of the GET of one resource (policies: `format=rawxml`, the document exactly as it was written) */
  readonly query?: Readonly<Record<string, string>>;
  /** lists answer less than a GET does: GET every listed resource again */
  readonly getEach?: boolean;
  /** read this kind below `parent` only when true */
  readonly under?: (parent: Resource) => boolean;
  /** GET these names below `parent` instead of listing the collection */
  readonly names?: (parent: Resource) => readonly string[];
  /** one of `names` does not exist below `parent` */
  readonly missing?: (parent: Resource, name: string, ctx: ReadContext) => void;
  /** not extracted: APIM's own resources, and links to what is never extracted */
  readonly skip?: (resource: Resource, contract: ArmContract) => boolean;
  /** changes what is kept (in place), warning about what had to go */
  readonly adjust?: (resource: Resource, ctx: ReadContext) => void;
  /** reads more once the resource is in the State (an API's specification) */
  readonly complete?: (resource: Resource, ctx: ReadContext) => Promise<void>;
}

// Azure/apiops reads every policy with format=rawxml: the default xml format answers C# expressions
// entity-escaped and re-indented (apiops #555, #14, #488), which would rewrite every policy file on each extract.
const RAWXML = { format: 'rawxml' } as const;
const POLICY: ReadHook = { query: RAWXML };

const REVISION = /;rev=\d+$/i;

/** APIOps never extracts links to non-current revisions: APIM links the API, the current revision serves it. */
const LINK_TO_API: ReadHook = { skip: (r) => REVISION.test(r.names[r.names.length - 1] ?? '') };

// APIM moves a logger's literal credentials into secret named values it creates itself, `Logger-Credentials-<hex>`,
// and answers the logger with `{{Logger-Credentials-<hex>}}` (apim-rest-api.md §4). Those named values are APIM's,
// secret (never returned), and named differently in every instance, so neither they (core/system.ts) nor the
// references are kept.
const LOGGER_CREDENTIAL_TOKEN = /\{\{\s*Logger-Credentials-[^{}]*\}\}/i;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dropLoggerCredentials(logger: Resource, ctx: ReadContext): void {
  const credentials = logger.properties.credentials;
  if (!isObject(credentials)) return;
  const dropped = Object.keys(credentials).filter((key) => typeof credentials[key] === 'string' && LOGGER_CREDENTIAL_TOKEN.test(credentials[key] as string));
  if (dropped.length === 0) return;
  const kept: JsonObject = { ...credentials };
  for (const key of dropped) delete kept[key];
  if (Object.keys(kept).length === 0 || Object.keys(kept).every((k) => k === 'name')) delete logger.properties.credentials;
  else logger.properties.credentials = kept;
  const name = logger.names[0] ?? '';
  ctx.warn(
    `logger ${name}: APIM keeps its credentials (${dropped.join(', ')}) in a secret named value of its own, which is not extracted; ` +
      `give them in each target's overrides (loggers → ${name} → properties.credentials, e.g. a {{named value}} or a {#TOKEN#})`,
  );
}

// ------------------------------------------------------------------ specifications

/** The export APIM makes for each kept format (`GET apis/a?export=true&format=…`); swagger-yaml is converted here. */
const EXPORT_FORMAT: Record<SpecFormat, string | null> = {
  'openapi-yaml': 'openapi-link',
  'openapi-json': 'openapi+json-link',
  'swagger-json': 'swagger-link',
  'swagger-yaml': 'swagger-link',
  wadl: 'wadl-link',
  wsdl: 'wsdl-link',
  // a GraphQL API's SDL is its schema `graphql` (apiSchema hook), not an export
  graphql: null,
};

/** The documents an API of each type can have; the first is used when Git has none of them. */
const FORMATS_BY_TYPE: Record<string, readonly SpecFormat[] | null> = {
  http: ['openapi-yaml', 'openapi-json', 'swagger-json', 'swagger-yaml', 'wadl'],
  soap: ['wsdl'],
  graphql: null,
  // APIM exports nothing for these; the API's information file is all there is
  websocket: null,
  odata: null,
  grpc: null,
};

function specificationFormat(api: Resource, ctx: ReadContext): SpecFormat | null {
  const type = typeof api.properties.type === 'string' ? api.properties.type.toLowerCase() : 'http';
  const allowed = type in FORMATS_BY_TYPE ? FORMATS_BY_TYPE[type] : FORMATS_BY_TYPE.http;
  if (!allowed) return null;
  const inGit = ctx.specFormatFor(api.names);
  if (inGit && allowed.includes(inGit)) return inGit;
  return allowed.includes(ctx.specFormat) ? ctx.specFormat : (allowed[0] ?? null);
}

/**
 * Exports of APIs in one version set, or revisions of one API, never run at once: APIM answers concurrent exports
 * of the same version set with the same document (Azure/apiops src/common/ApiSpecification.cs, #316).
 */
export function exportGroup(api: Resource): string {
  const versionSet = api.properties.apiVersionSetId;
  if (typeof versionSet === 'string' && versionSet !== '') return `versionSet:${versionSet.toLowerCase()}`;
  return `api:${(api.names[0] ?? '').replace(REVISION, '').toLowerCase()}`;
}

/** `value.link` per the specification; `link` (apiops-cli reports it at the top) and `properties.value.link` (workspaces) too. */
function exportLink(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const candidates = [body.value, body, isObject(body.properties) ? body.properties.value : undefined];
  for (const c of candidates) if (isObject(c) && typeof c.link === 'string') return c.link;
  return undefined;
}

async function readSpecification(api: Resource, ctx: ReadContext): Promise<void> {
  if (!ctx.specifications) return;
  const format = specificationFormat(api, ctx);
  if (format === null) return;
  const exportFormat = EXPORT_FORMAT[format];
  if (exportFormat === null) return;
  const label = `API ${api.names.join('/')}`;
  const kept = ctx.specFormatFor(api.names) ? 'the specification file in Git is kept as it is' : 'no specification file is written';
  const exported = await ctx.exclusive(exportGroup(api), () =>
    ctx.attempt('read', () => ctx.arm.get('api', api.names, { export: 'true', format: exportFormat })),
  );
  if (!exported.ok) {
    ctx.warn(`${label}: APIM could not export its specification as ${exportFormat} (${describeError(exported.error)}); ${kept}`);
    return;
  }
  const link = exportLink(exported.value);
  if (!link) {
    ctx.warn(`${label}: APIM's ${exportFormat} export carried no download link; ${kept}`);
    return;
  }
  // the link is a SAS blob URL: fetched without the bearer token (Arm.download)
  const downloaded = await ctx.attempt('read', () => ctx.arm.download(link));
  if (!downloaded.ok) {
    ctx.warn(`${label}: downloading the exported specification failed (${describeError(downloaded.error)}); ${kept}`);
    return;
  }
  let content = downloaded.value;
  if (format === 'swagger-yaml') {
    // APIM exports Swagger 2 only as JSON; the repository keeps it as YAML
    content = stringifyYaml(parseYaml(content), { lineWidth: 0, aliasDuplicateObjects: false });
  }
  api.specification = { format, content };
}


function missingGraphQl(api: Resource, _name: string, ctx: ReadContext): void {
  if (!ctx.specifications) return;
  const kept = ctx.specFormatFor(api.names) ? 'the specification file in Git is kept as it is' : 'no specification file is written';
  ctx.warn(`API ${api.names.join('/')}: it is a GraphQL API but APIM holds no GraphQL schema for it; ${kept}`);
}

function attachGraphQl(schema: Resource, ctx: ReadContext): Promise<void> {
  const api = ctx.state.get('api', schema.names.slice(0, 1));
  const document = schema.properties.document;
  if (api && ctx.specifications && isObject(document) && typeof document.value === 'string') {
    api.specification = { format: 'graphql', content: document.value };
  }
  return Promise.resolve();
}

export const READ_HOOKS = {
  servicePolicy: POLICY,
  apiPolicy: POLICY,
  apiOperationPolicy: POLICY,
  productPolicy: POLICY,
  // fragment lists answer the xml format; only a GET takes format=rawxml
  policyFragment: { query: RAWXML, getEach: true },
  // APIM's logger credentials, and the record in which the publisher keeps the commit each target holds: never
  // extracted (an extraction published to another region would overwrite that region's record and lock)
  namedValue: { skip: (r) => isSystemResource('namedValue', r.names, r.properties) },
  logger: { adjust: dropLoggerCredentials },
  // Administrators, Developers, Guests: APIM's own, refused on PUT and DELETE (APIOps never extracts them)
  group: { skip: (_r, c) => c.properties?.builtIn === true || c.properties?.type === 'system' },
  subscription: {
    // the built-in all-access subscription exists in every instance and cannot be written; and one without a display
    // name was made by APIM itself (its administrator's, to the default products): APIM takes none without one
    // (SubscriptionCreateParameterProperties requires displayName), so in Git it could be published nowhere and
    // would fail validation
    skip: (r) => (r.names[0] ?? '').toLowerCase() === 'master' || typeof r.properties.displayName !== 'string' || r.properties.displayName === '',
    // APIM takes the owner as `/users/{userId}` and answers this instance's absolute id, which no other instance has
    adjust: (r) => {
      if (typeof r.properties.ownerId === 'string') r.properties.ownerId = relativizeId(r.properties.ownerId);
    },
  },
  api: { complete: readSpecification },
  apiSchema: {
    names: (api) => (String(api.properties.type ?? '').toLowerCase() === 'graphql' ? [GRAPHQL_SCHEMA_ID] : []),
    missing: missingGraphQl,
    complete: attachGraphQl,
  },
  // releases belong to the API, not to one of its revisions (APIOps: root API only)
  apiRelease: { under: (api) => !REVISION.test(api.names[0] ?? '') },
  productApiLink: LINK_TO_API,
  tagApiLink: LINK_TO_API,
  gatewayApi: LINK_TO_API,
} satisfies Partial<Record<Kind, ReadHook>>;

export function readHook(kind: Kind): ReadHook | undefined {
  return (READ_HOOKS as Partial<Record<Kind, ReadHook>>)[kind];
}
