// What APIM does for one kind only, as hooks keyed by Kind. Each hook cites the APIM behaviour it copies.
import { X509Certificate, createHash } from 'node:crypto';
import { randomHex } from './random.ts';
import type { Kind } from '../core/kinds.ts';
import type { Json, JsonObject } from '../core/state.ts';
import { checkPolicyXml, fromXmlFormat, namedValueTokens, policyReferences, toXmlFormat } from '../core/policy.ts';
import type { Behaviour, PresentInput, WriteInput } from './behaviour.ts';
import { type Instance, resourceArmId } from './context.ts';
import { ArmError, badRequest, fieldError, notFound } from './errors.ts';
import { clone, isObject, strings } from './json.ts';
import { type StoredResource, newEtag } from './store.ts';
import { SpecImportError, exportSpec, importSpec, type ExportFormat, type ImportFormat, type OperationContract } from '../core/specs/index.ts';
import type { EngineOptions, EngineResponse } from './engine.ts';
import { removeDanglingLinks } from './links.ts';
import { routeOf } from '../core/soap.ts';

export type ActionHandler = (instance: Instance, resource: StoredResource, options: EngineOptions, query?: URLSearchParams) => EngineResponse;

/** POST actions (`namedValues/{id}/listValue`, `subscriptions/{id}/listSecrets`) by `<kind>.<action>`. */
export const ACTION_HANDLERS: Record<string, ActionHandler> = {};

// ------------------------------------------------------------------ shared checks

function hex24(): string {
  return randomHex(12);
}

function requireEnum(properties: JsonObject, key: string, allowed: readonly string[], optional = true): void {
  const value = properties[key];
  if (value === undefined && optional) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw fieldError(key, `'${key}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  }
}

function findNamedValue(instance: Instance, token: string): StoredResource | undefined {
  // `{{x}}` names a named value by its display name (older ones) or its id
  const t = token.toLowerCase();
  return instance.store.list('namedValue', []).find((nv) => String(nv.properties.displayName ?? '').toLowerCase() === t || nv.names[0]!.toLowerCase() === t);
}

/** APIM refuses a write that uses a `{{named value}}` that does not exist: "Property 'x' not found." (apiops #491) */
function checkTokens(instance: Instance, target: string, texts: string[]): void {
  for (const text of texts) {
    for (const token of namedValueTokens(text)) {
      if (!findNamedValue(instance, token)) throw fieldError(target, `Property '${token}' not found.`);
    }
  }
}

function checkPolicyDocument(instance: Instance, raw: string, fragment: boolean): void {
  const check = checkPolicyXml(raw, { fragment });
  if (!check.ok) throw fieldError('value', `'${check.message}' at line ${check.line}, column ${check.column}.`);
  const refs = policyReferences(raw);
  checkTokens(instance, 'value', [raw]);
  for (const id of refs.fragments) {
    if (!instance.store.get('policyFragment', [id])) throw fieldError('value', `Policy fragment '${id}' referenced in include-fragment policy not found.`);
  }
  for (const id of refs.backends) {
    if (!instance.store.get('backend', [id])) throw fieldError('value', `Backend with id '${id}' could not be found.`);
  }
  for (const id of refs.loggers) {
    if (!instance.store.get('logger', [id])) throw fieldError('value', `Logger '${id}' not found.`);
  }
}

// ------------------------------------------------------------------ policies

const POLICY_FORMATS = ['xml', 'rawxml', 'xml-link', 'rawxml-link'] as const;

function policyWrite(fragment: boolean) {
  return (input: WriteInput): void => {
    const p = input.properties;
    const format = p.format ?? 'xml';
    if (typeof format !== 'string' || !(POLICY_FORMATS as readonly string[]).includes(format)) {
      throw fieldError('format', `'format' must be one of ${POLICY_FORMATS.join(', ')}.`);
    }
    if (fragment && format !== 'xml' && format !== 'rawxml') throw fieldError('format', "A policy fragment's format must be 'xml' or 'rawxml'.");
    if (typeof p.value !== 'string' || p.value.trim() === '') throw fieldError('value', "'value' is required.");
    if (format.endsWith('-link')) {
      // the emulator has no network to fetch the policy from
      throw fieldError('value', `Unable to download the policy from '${p.value}'.`);
    }
    // format=xml is a real XML document: its C# expressions arrive entity-escaped
    const raw = format === 'xml' ? fromXmlFormat(p.value) : p.value;
    checkPolicyDocument(input.instance, raw, fragment);
    p.value = raw;
    p.format = 'rawxml';
  };
}

/** rawxml answers the document as stored; xml (the SDK's default) escapes expressions and re-serialises it. */
function policyPresent(fragment: boolean) {
  return ({ query }: PresentInput, properties: JsonObject): JsonObject => {
    const format = (query.get('format') ?? 'xml').toLowerCase();
    const raw = String(properties.value ?? '');
    if (format === 'rawxml') return { ...properties, value: raw, format: 'rawxml' };
    // APIM re-serialises the document it answers as xml: entities escaped, CRLF line endings
    const pretty = toXmlFormat(raw).replace(/\r?\n/g, '\r\n');
    const out: JsonObject = { ...properties, value: pretty };
    // APIM omits `format` on xml answers for policies (CreateApiPolicy, GetApiPolicy examples) but not fragments
    if (fragment) out.format = 'xml';
    else delete out.format;
    return out;
  };
}

const POLICY: Behaviour = { write: policyWrite(false), present: policyPresent(false) };

// ------------------------------------------------------------------ named values and secrets

const NAMED_VALUE_DISPLAY = /^[A-Za-z0-9._-]+$/;

const namedValue: Behaviour = {
  filterFields: ['name', 'displayname', 'tags'],
  // named values were "properties" in older APIM: the message still says so (apiops #837)
  duplicateMessage: 'Property with the same name already exist.',
  write(input) {
    const p = input.properties;
    if (typeof p.displayName === 'string' && !NAMED_VALUE_DISPLAY.test(p.displayName)) {
      throw fieldError('displayName', 'Display name may contain only letters, digits, periods, dashes and underscores.');
    }
    if (p.displayName !== undefined && typeof p.displayName === 'string' && p.displayName.length > 256) throw fieldError('displayName', 'Display name must not exceed 256 characters.');
    if (p.secret !== undefined && typeof p.secret !== 'boolean') throw fieldError('secret', "'secret' must be a boolean.");
    if (p.tags !== undefined && (!Array.isArray(p.tags) || p.tags.some((t) => typeof t !== 'string'))) throw fieldError('tags', "'tags' must be an array of strings.");
    const kv = p.keyVault;
    if (kv !== undefined && kv !== null) {
      if (!isObject(kv) || typeof kv.secretIdentifier !== 'string' || !/^https:\/\/[^/]+\/secrets\//i.test(kv.secretIdentifier)) {
        throw fieldError('keyVault.secretIdentifier', "'secretIdentifier' must be a Key Vault secret URL (https://<vault>/secrets/<name>).");
      }
      delete p.value;
      p.keyVault = { ...kv, lastStatus: { code: 'Success', timeStampUtc: new Date().toISOString() } };
      if (kv.identityClientId === undefined) (p.keyVault as JsonObject).identityClientId = null;
    } else {
      if (typeof p.value !== 'string' || p.value.length === 0) throw fieldError('value', "'value' is required unless 'keyVault' is given.");
      if (p.value.length > 4096) throw fieldError('value', 'Value must not exceed 4096 characters.');
    }
  },
  present(_input, properties) {
    // APIM never returns a secret's value on GET or list; `listValue` does (apim-rest-api.md §4)
    if (properties.secret === true || properties.keyVault) delete properties.value;
    return properties;
  },
};

ACTION_HANDLERS['namedValue.listValue'] = (_instance, resource) => {
  const p = resource.properties;
  const kv = p.keyVault;
  // no Key Vault here: answer a stand-in that names the secret, never a real value
  const value = isObject(kv) ? `keyvault:${String(kv.secretIdentifier)}` : String(p.value ?? '');
  return { status: 200, body: { value } };
};

ACTION_HANDLERS['namedValue.refreshSecret'] = (instance, resource) => {
  if (!isObject(resource.properties.keyVault)) throw badRequest('Only Key Vault named values can be refreshed.', 'ValidationError');
  return { status: 200, body: { id: resourceArmId(instance.ids, 'namedValue', resource.names), type: 'Microsoft.ApiManagement/service/namedValues', name: resource.names[0]!, properties: resource.properties } };
};

// ------------------------------------------------------------------ loggers, backends, diagnostics

const logger: Behaviour = {
  write(input) {
    const p = input.properties;
    requireEnum(p, 'loggerType', ['azureEventHub', 'applicationInsights', 'azureMonitor'], false);
    if (p.loggerType !== 'azureMonitor' && !isObject(p.credentials)) throw fieldError('credentials', "'credentials' is required for this logger type.");
    if (!isObject(p.credentials)) return;
    const credentials: JsonObject = {};
    for (const [key, value] of Object.entries(p.credentials)) {
      if (typeof value !== 'string') throw fieldError(`credentials.${key}`, `'${key}' must be a string.`);
      if (key === 'name' || /^\{\{[^{}]+\}\}$/.test(value.trim())) {
        credentials[key] = value;
        continue;
      }
      // APIM moves a logger's literal credential into a secret named value it creates itself
      // (`{{Logger-Credentials-<24 hex>}}`, apim-rest-api.md §4)
      const nvName = `Logger-Credentials-${hex24()}`;
      credentials[key] = `{{${nvName}}}`;
      input.after.push(() =>
        input.instance.store.set({ kind: 'namedValue', names: [nvName], properties: { displayName: nvName, value, secret: true, tags: [] }, etag: newEtag(), internal: { system: true } }),
      );
    }
    checkTokens(input.instance, 'credentials', strings(credentials).filter((s) => !s.startsWith('{{Logger-Credentials-')));
    p.credentials = credentials;
  },
};

const backend: Behaviour = {
  filterFields: ['name', 'title', 'url'],
  write(input) {
    const p = input.properties;
    requireEnum(p, 'protocol', ['http', 'soap'], false);
    if (typeof p.url !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(p.url)) throw fieldError('url', "'url' must be an absolute URL.");
    checkTokens(input.instance, 'credentials', strings(p.credentials));
  },
};

// APIM accepts only these diagnostic identifiers
const DIAGNOSTIC_IDS = ['applicationinsights', 'azuremonitor', 'local'];
const diagnostic: Behaviour = {
  write(input) {
    const id = input.names[input.names.length - 1]!.toLowerCase();
    if (!DIAGNOSTIC_IDS.includes(id)) throw fieldError('diagnosticId', `Diagnostic identifier must be one of ${DIAGNOSTIC_IDS.join(', ')}.`);
    const p = input.properties;
    requireEnum(p, 'alwaysLog', ['allErrors']);
    requireEnum(p, 'verbosity', ['verbose', 'information', 'error']);
    requireEnum(p, 'httpCorrelationProtocol', ['None', 'Legacy', 'W3C']);
    requireEnum(p, 'operationNameFormat', ['Name', 'Url']);
  },
};

// ------------------------------------------------------------------ APIs, revisions, operations, schemas

const REV = /^(.*);rev=(\d+)$/i;

function rootName(name: string): string {
  return name.replace(/;rev=\d+$/i, '');
}

/** Every resource below an API (operations, policies, diagnostics, releases, schemas …), parents first. */
function subtree(instance: Instance, kind: Kind, names: readonly string[]): StoredResource[] {
  const out: StoredResource[] = [];
  const self = instance.store.get(kind, names);
  if (!self) return out;
  out.push(self);
  for (const child of CHILDREN[kind] ?? []) {
    for (const c of instance.store.list(child, self.names)) out.push(...subtree(instance, child, c.names));
  }
  return out;
}

const CHILDREN: Partial<Record<Kind, Kind[]>> = {
  api: ['apiSchema', 'apiOperation', 'apiPolicy', 'apiDiagnostic', 'apiRelease'],
  apiOperation: ['apiOperationPolicy'],
};

/** Copies an API's content (operations, policies, schemas, diagnostics) under another API name. */
function copyApiContent(instance: Instance, from: readonly string[], toName: string): void {
  for (const r of subtree(instance, 'api', from).slice(1)) {
    if (r.kind === 'apiRelease') continue;
    instance.store.set({ kind: r.kind, names: [toName, ...r.names.slice(1)], properties: clone(r.properties), etag: newEtag(), internal: { ...r.internal } });
  }
}

/** APIM makes a revision current through a release: the root name then serves that revision. */
export function makeCurrent(instance: Instance, root: string, revision: string): void {
  const current = instance.store.get('api', [root]);
  if (!current || String(current.properties.apiRevision) === revision) return;
  const revName = `${current.names[0]};rev=${revision}`;
  const incoming = subtree(instance, 'api', [revName]);
  if (incoming.length === 0) throw notFound('Api');
  const outgoing = subtree(instance, 'api', [current.names[0]!]);
  const oldRevName = `${current.names[0]};rev=${String(current.properties.apiRevision ?? '1')}`;
  instance.store.remove('api', [current.names[0]!]);
  instance.store.remove('api', [revName]);
  for (const r of outgoing) {
    const properties = r.kind === 'api' ? { ...r.properties, isCurrent: false } : r.properties;
    // releases stay with the root API
    const name = r.kind === 'apiRelease' ? current.names[0]! : oldRevName;
    instance.store.set({ ...r, names: [name, ...r.names.slice(1)], properties });
  }
  for (const r of incoming) {
    const properties = r.kind === 'api' ? { ...r.properties, isCurrent: true } : r.properties;
    instance.store.set({ ...r, names: [current.names[0]!, ...r.names.slice(1)], properties, etag: newEtag() });
  }
}

const IMPORT_FORMATS: Record<string, ImportFormat> = {
  openapi: 'openapi',
  'openapi+json': 'openapi+json',
  'swagger-json': 'swagger-json',
  wsdl: 'wsdl',
  'wadl-xml': 'wadl-xml',
  graphql: 'graphql',
};
const LINK_FORMATS = ['openapi-link', 'openapi+json-link', 'swagger-link-json', 'wsdl-link', 'wadl-link-json', 'graphql-link', 'odata-link', 'grpc-link'];

/**
 * The API's operations become those of the import. An OpenAPI (or WADL) operation is named by its document and
 * matched by that name. APIM names a WSDL import's operations with ids it generates — 24 hex digits, different in
 * every instance (azure-docs #119237; apiops #399, #474, #538): `generatedIds` does so, matching the operations an
 * import keeps by method and URL template, so that their ids, and what is below them, stay.
 */
function replaceOperations(instance: Instance, apiName: string, operations: OperationContract[], generatedIds: boolean): void {
  const keyOf = (p: { method?: unknown; urlTemplate?: unknown }, name: string) => (generatedIds ? routeOf(p.method, p.urlTemplate) : name.toLowerCase());
  const existingByKey = new Map(instance.store.list('apiOperation', [apiName]).map((r) => [keyOf(r.properties, r.names[1]!), r]));
  const keep = new Set(operations.map((o) => keyOf(o.properties, o.name)));
  for (const [key, existing] of existingByKey) {
    if (!keep.has(key)) {
      const removed = instance.store.remove('apiOperation', existing.names);
      removeDanglingLinks(instance, removed);
    }
  }
  for (const op of operations) {
    const existing = existingByKey.get(keyOf(op.properties, op.name));
    instance.store.set({
      kind: 'apiOperation',
      names: [apiName, existing?.names[1] ?? (generatedIds ? randomHex(12) : op.name)],
      // shared with every instance that imported the same document: frozen (core/specs), so never changed in place
      properties: op.properties as unknown as JsonObject,
      etag: newEtag(),
      internal: {},
    });
  }
}

function importInto(input: WriteInput, format: ImportFormat, value: string): void {
  let imported;
  try {
    imported = importSpec(format, value);
  } catch (error) {
    if (error instanceof SpecImportError) {
      throw new ArmError(400, 'ValidationError', error.message, { details: error.details });
    }
    throw error;
  }
  const p = input.properties;
  if (p.displayName === undefined && imported.displayName) p.displayName = imported.displayName;
  if (p.description === undefined && imported.description) p.description = imported.description;
  if (p.serviceUrl === undefined && imported.serviceUrl) p.serviceUrl = imported.serviceUrl;
  if (imported.apiType === 'soap' && p.apiType !== 'http') p.type = 'soap';
  if (imported.apiType === 'graphql') p.type = 'graphql';
  // imports are shared (core/specs keeps them, frozen): instances hold them as they are, and a change in place
  // would throw rather than leak into another instance
  input.internal.source = imported.source as unknown as Json;
  const apiName = input.existing?.names[0] ?? input.names[0]!;
  input.after.push(() => {
    replaceOperations(input.instance, apiName, imported.operations, format === 'wsdl');
    for (const schema of imported.schemas) {
      input.instance.store.set({ kind: 'apiSchema', names: [apiName, schema.id], properties: { contentType: schema.contentType, document: schema.document as JsonObject }, etag: newEtag(), internal: {} });
    }
    if (input.importBusyMs > 0) input.instance.busyApis.set(rootName(apiName).toLowerCase(), Date.now() + input.importBusyMs);
  });
}

const API_FIELDS = ['name', 'displayname', 'description', 'serviceurl', 'path', 'iscurrent', 'apiversion', 'apirevision', 'type'];

const api: Behaviour = {
  filterFields: API_FIELDS,
  resolveName(instance, name) {
    // `a;rev=N` where N is the current revision is the root API itself
    const m = REV.exec(name);
    if (!m) return name;
    const current = instance.store.get('api', [m[1]!]);
    return current && String(current.properties.apiRevision ?? '1') === m[2] ? m[1]! : name;
  },
  write(input) {
    const p = input.properties;
    const name = input.names[0]!;
    const rev = REV.exec(name);
    const now = new Date().toISOString();
    input.internal.updatedDateTime = now;
    if (!input.existing) input.internal.createdDateTime = now;
    if (typeof p.sourceApiId === 'string') {
      const source = p.sourceApiId;
      const match = /\/apis\/([^/?]+)$/i.exec(source);
      const sourceName = match ? decodeURIComponent(match[1]!) : '';
      const src = instance(input).store.get('api', [api.resolveName!(instance(input), sourceName)]);
      if (!src) throw fieldError('sourceApiId', `Api '${sourceName}' not found.`);
      // a revision copies its source; APIM refuses changes to path, version and protocols of a non-current revision
      for (const key of ['displayName', 'description', 'path', 'protocols', 'serviceUrl', 'subscriptionRequired', 'subscriptionKeyParameterNames', 'type', 'apiVersion', 'apiVersionSetId', 'authenticationSettings']) {
        if (p[key] === undefined && src.properties[key] !== undefined) p[key] = clone(src.properties[key]!);
      }
      const target = input.names[0]!;
      const srcNames = src.names;
      input.after.push(() => copyApiContent(input.instance, srcNames, target));
      delete p.sourceApiId;
    }
    p.isOnline = true;
    normaliseAuthenticationSettings(p);
    if (rev) {
      const root = input.instance.store.get('api', [rev[1]!]);
      if (!root) throw fieldError('apiId', `Api '${rev[1]}' not found: create the API before its revisions.`);
      if (String(root.properties.apiRevision ?? '1') === rev[2]) throw fieldError('apiRevision', `Revision ${rev[2]} is the current revision.`);
      p.apiRevision = rev[2]!;
      p.isCurrent = false;
      if (p.path !== undefined && p.path !== root.properties.path) throw fieldError('path', "Can't change property Path for non-current revision");
      p.path = root.properties.path ?? '';
    } else {
      p.isCurrent = true;
      if (input.existing && p.apiRevision !== undefined && String(p.apiRevision) !== String(input.existing.properties.apiRevision ?? '1')) {
        // changing the current revision goes through a release, never through the root API's properties
        throw fieldError('apiRevision', 'The current revision can only be changed by creating a release.');
      }
    }
    const format = p.format;
    if (format !== undefined) {
      if (typeof format !== 'string') throw fieldError('format', "'format' must be a string.");
      if (LINK_FORMATS.includes(format)) throw fieldError('value', `Unable to download the specification from '${String(p.value)}': the emulator has no network; import it inline.`);
      const importFormat = IMPORT_FORMATS[format];
      if (!importFormat) throw fieldError('format', `Format '${format}' is not supported.`);
      if (typeof p.value !== 'string') throw fieldError('value', "'value' is required with 'format'.");
      importInto(input, importFormat, p.value);
      delete p.format;
      delete p.value;
    }
    if (p.displayName === undefined && input.existing === undefined) throw fieldError('displayName', "'displayName' is required.");
    if (typeof p.path !== 'string') throw fieldError('path', "'path' is required.");
    if (p.path.length > 400 || /^\/|\?|#/.test(p.path)) throw fieldError('path', 'Path must be relative (no leading slash) and may not contain ? or #.');
    if (p.apiType !== undefined) {
      requireEnum(p, 'apiType', ['http', 'soap', 'websocket', 'graphql', 'odata', 'grpc']);
      p.type = p.apiType === 'http' ? 'http' : p.apiType!;
      delete p.apiType;
    }
    requireEnum(p, 'type', ['http', 'soap', 'websocket', 'graphql', 'odata', 'grpc']);
    if (Array.isArray(p.protocols) && p.protocols.some((x) => typeof x !== 'string' || !['http', 'https', 'ws', 'wss'].includes(x))) {
      throw fieldError('protocols', "'protocols' may contain 'http', 'https', 'ws' and 'wss'.");
    }
    if (p.apiVersionSetId && (p.apiVersion === undefined || p.apiVersion === null)) {
      p.apiVersion = '';
    }
    // two APIs may share a path only as versions of one version set (or as revisions of one API)
    if (!rev) {
      const self = rootName(name).toLowerCase();
      const path = p.path.toLowerCase();
      // every API PUT scans the instance's APIs: the length test rules most out before any lower-casing
      const clash = input.instance.store
        .all('api')
        .find(
          (r) =>
            typeof r.properties.path === 'string' &&
            r.properties.path.length === path.length &&
            r.properties.path.toLowerCase() === path &&
            rootName(r.names[0]!).toLowerCase() !== self &&
            !(p.apiVersionSetId && r.properties.apiVersionSetId && String(p.apiVersionSetId).toLowerCase().endsWith(String(r.properties.apiVersionSetId).split('/').pop()!.toLowerCase()) && r.properties.apiVersion !== p.apiVersion),
        );
      if (clash) throw fieldError('path', `Cannot create API '${name}' with the same Path '${String(p.path)}' as API '${clash.names[0]}' unless it's a part of the same version set`);
    }
  },
  beforeDelete({ instance: inst, resource, query }) {
    const name = resource.names[0]!;
    if (REV.test(name)) return;
    // deleting an API takes all its revisions with it
    void query;
    for (const r of inst.store.all('api')) {
      if (r.names[0]!.toLowerCase().startsWith(`${name.toLowerCase()};rev=`)) {
        const removed = inst.store.remove('api', r.names);
        removeDanglingLinks(inst, removed);
      }
    }
  },
  present({ instance: inst }, properties) {
    delete properties.format;
    delete properties.value;
    // APIM answers with the version set's details beside its id
    if (typeof properties.apiVersionSetId === 'string') {
      const name = properties.apiVersionSetId.split('/').pop()!;
      const vs = inst.store.get('versionSet', [name]);
      if (vs) {
        const details: JsonObject = { id: resourceArmId(inst.ids, 'versionSet', vs.names), name: String(vs.properties.displayName ?? name), versioningScheme: vs.properties.versioningScheme ?? 'Segment' };
        for (const key of ['description', 'versionQueryName', 'versionHeaderName']) if (vs.properties[key] !== undefined) details[key] = vs.properties[key]!;
        properties.apiVersionSet = details;
      }
    }
    return properties;
  },
  read({ instance: inst, names, query, options }) {
    if (query.get('export') !== 'true') return null;
    const resource = inst.store.get('api', names);
    if (!resource) throw notFound('Api');
    return exportApi(inst, resource, options, query);
  },
};

/** APIM answers a single `oAuth2`/`openid` setting also as the newer one-element array form. */
function normaliseAuthenticationSettings(p: JsonObject): void {
  const auth = p.authenticationSettings;
  if (!isObject(auth)) return;
  if (isObject(auth.oAuth2) && auth.oAuth2AuthenticationSettings === undefined) auth.oAuth2AuthenticationSettings = [clone(auth.oAuth2)];
  if (isObject(auth.openid) && auth.openidAuthenticationSettings === undefined) auth.openidAuthenticationSettings = [clone(auth.openid)];
}

function instance(input: WriteInput): Instance {
  return input.instance;
}

const HTTP_METHOD = /^[A-Z]+$/;
const apiOperation: Behaviour = {
  filterFields: ['name', 'displayname', 'method', 'description', 'urltemplate'],
  write(input) {
    const p = input.properties;
    if (typeof p.method === 'string' && !HTTP_METHOD.test(p.method)) throw fieldError('method', `'${p.method}' is not a valid HTTP method.`);
    if (typeof p.urlTemplate === 'string') {
      if (!p.urlTemplate.startsWith('/')) throw fieldError('urlTemplate', 'URL template must start with /.');
      const used = [...p.urlTemplate.split('?')[0]!.matchAll(/\{\*?([^}]+)\}/g)].map((m) => m[1]!.toLowerCase());
      const declared = Array.isArray(p.templateParameters) ? p.templateParameters.map((t) => (isObject(t) ? String(t.name ?? '').toLowerCase() : '')) : [];
      const missing = used.filter((u) => !declared.includes(u));
      // "All template parameters used in the UriTemplate must be defined in the Operation"
      if (missing.length > 0) throw fieldError('templateParameters', `All template parameters used in the UriTemplate must be defined in the Operation (missing: ${missing.join(', ')}).`);
    }
  },
};

const GRAPHQL_SCHEMA = 'application/vnd.ms-azure-apim.graphql.schema';
const apiSchema: Behaviour = {
  write(input) {
    const p = input.properties;
    if (typeof p.contentType !== 'string') return;
    if (p.contentType === GRAPHQL_SCHEMA) {
      const doc = isObject(p.document) ? p.document.value : undefined;
      if (typeof doc !== 'string') throw fieldError('document.value', 'A GraphQL schema needs its SDL in document.value.');
      importInto({ ...input, properties: {} }, 'graphql', doc);
    }
  },
};

const apiRelease: Behaviour = {
  write(input) {
    const p = input.properties;
    const now = new Date().toISOString();
    p.createdDateTime = input.existing?.properties.createdDateTime ?? now;
    p.updatedDateTime = now;
    const apiId = String(p.apiId ?? '');
    const m = /\/apis\/([^/]+)$/i.exec(apiId);
    const target = m ? decodeURIComponent(m[1]!) : '';
    if (rootName(target).toLowerCase() !== rootName(input.names[0]!).toLowerCase()) throw fieldError('apiId', 'A release must name a revision of its own API.');
    const rev = REV.exec(target);
    if (rev) {
      const root = input.names[0]!;
      // a release makes its revision current
      if (!input.instance.store.get('api', [api.resolveName!(input.instance, target)])) throw fieldError('apiId', `Api '${target}' not found.`);
      p.apiId = `/apis/${rootName(root)}`;
      input.after.push(() => makeCurrent(input.instance, rootName(root), rev[2]!));
    }
  },
};

// ------------------------------------------------------------------ products, groups, subscriptions

const SYSTEM_GROUPS = ['administrators', 'developers', 'guests'];

const product: Behaviour = {
  filterFields: ['name', 'displayname', 'description', 'terms', 'state'],
  write(input) {
    const p = input.properties;
    requireEnum(p, 'state', ['notPublished', 'published']);
    if (p.subscriptionRequired === false && (p.approvalRequired === true || p.subscriptionsLimit !== undefined && p.subscriptionsLimit !== null)) {
      throw fieldError('approvalRequired', 'Approval and subscription limits apply only to products that require a subscription.');
    }
    if (input.existing) return;
    // APIM gives a new product the Administrators group and a subscription of the administrator (apiops #655)
    const productName = input.names[0]!;
    input.after.push(() => {
      const inst = input.instance;
      const admins = inst.store.get('group', ['administrators']);
      if (admins) {
        inst.store.set({ kind: 'productGroupLink', names: [productName, 'administrators'], properties: { groupId: resourceArmId(inst.ids, 'group', admins.names) }, etag: newEtag(), internal: { system: true } });
      }
      if (p.subscriptionRequired !== false) {
        inst.store.set({
          kind: 'subscription',
          names: [hex24()],
          properties: subscriptionDefaults(inst, {
            displayName: String(p.displayName ?? productName),
            scope: resourceArmId(inst.ids, 'product', [productName]),
            ownerId: `${resourceArmId(inst.ids, 'group', ['x']).replace(/\/groups\/x$/, '')}/users/1`,
            state: 'active',
          }),
          etag: newEtag(),
          internal: { system: true },
        });
      }
    });
  },
  beforeDelete({ instance: inst, resource, query }) {
    const subs = inst.store.all('subscription').filter((s) => String(s.properties.scope ?? '').toLowerCase().endsWith(`/products/${resource.names[0]!.toLowerCase()}`));
    if (subs.length > 0 && query.get('deleteSubscriptions') !== 'true') {
      throw new ArmError(409, 'Conflict', 'Product has existing subscriptions; delete them first or pass deleteSubscriptions=true.');
    }
    for (const s of subs) inst.store.remove('subscription', s.names);
  },
};

const group: Behaviour = {
  write(input) {
    if (SYSTEM_GROUPS.includes(input.names[0]!.toLowerCase()) && input.existing?.properties.builtIn === true) {
      throw new ArmError(405, 'MethodNotAllowed', 'Built-in groups cannot be modified.');
    }
    requireEnum(input.properties, 'type', ['custom', 'external', 'system']);
    if (input.properties.type === 'system') throw fieldError('type', 'Groups of type system cannot be created.');
    if (input.properties.type === 'external' && typeof input.properties.externalId !== 'string') throw fieldError('externalId', "'externalId' is required for external groups.");
    input.properties.builtIn = false;
  },
  beforeDelete({ resource }) {
    if (resource.properties.builtIn === true) throw new ArmError(405, 'MethodNotAllowed', 'Built-in groups cannot be deleted.');
  },
};

function subscriptionKey(): string {
  return randomHex(16);
}

function subscriptionDefaults(_inst: Instance, p: JsonObject): JsonObject {
  const now = new Date().toISOString();
  return {
    ...p,
    primaryKey: p.primaryKey ?? subscriptionKey(),
    secondaryKey: p.secondaryKey ?? subscriptionKey(),
    createdDate: now,
    allowTracing: p.allowTracing ?? false,
    state: p.state ?? 'submitted',
  };
}

const subscription: Behaviour = {
  filterFields: ['name', 'displayname', 'statecomment', 'ownerid', 'scope', 'userid', 'productid', 'state'],
  write(input) {
    const p = input.properties;
    requireEnum(p, 'state', ['suspended', 'active', 'expired', 'submitted', 'rejected', 'cancelled']);
    const base: JsonObject = {};
    // keys survive an update that does not name them
    for (const key of ['primaryKey', 'secondaryKey']) {
      const kept = input.existing?.properties[key];
      if (kept !== undefined) base[key] = kept;
    }
    const merged = subscriptionDefaults(input.instance, { ...base, ...p });
    if (input.existing) merged.createdDate = input.existing.properties.createdDate ?? merged.createdDate!;
    Object.assign(p, merged);
  },
  present(_input, properties) {
    // keys come only from listSecrets since api-version 2019-12-01
    delete properties.primaryKey;
    delete properties.secondaryKey;
    return properties;
  },
};

ACTION_HANDLERS['subscription.listSecrets'] = (_i, resource) => ({
  status: 200,
  body: { primaryKey: resource.properties.primaryKey ?? null, secondaryKey: resource.properties.secondaryKey ?? null },
});
ACTION_HANDLERS['subscription.regeneratePrimaryKey'] = (_i, resource) => {
  resource.properties.primaryKey = subscriptionKey();
  resource.etag = newEtag();
  return { status: 204 };
};
ACTION_HANDLERS['subscription.regenerateSecondaryKey'] = (_i, resource) => {
  resource.properties.secondaryKey = subscriptionKey();
  resource.etag = newEtag();
  return { status: 204 };
};

// ------------------------------------------------------------------ the rest

const versionSet: Behaviour = {
  write(input) {
    const p = input.properties;
    requireEnum(p, 'versioningScheme', ['Segment', 'Query', 'Header'], false);
    if (p.versioningScheme === 'Query' && typeof p.versionQueryName !== 'string') throw fieldError('versionQueryName', "'versionQueryName' is required when versioningScheme is Query.");
    if (p.versioningScheme === 'Header' && typeof p.versionHeaderName !== 'string') throw fieldError('versionHeaderName', "'versionHeaderName' is required when versioningScheme is Header.");
  },
};

const certificate: Behaviour = {
  write(input) {
    const p = input.properties;
    const kv = p.keyVault;
    if (isObject(kv)) {
      if (typeof kv.secretIdentifier !== 'string') throw fieldError('keyVault.secretIdentifier', "'secretIdentifier' is required.");
      kv.lastStatus = { code: 'Success', timeStampUtc: new Date().toISOString() };
      p.subject = 'CN=keyvault-certificate';
      p.thumbprint = createHash('sha1').update(kv.secretIdentifier).digest('hex').toUpperCase();
      p.expirationDate = '2030-01-01T00:00:00Z';
      return;
    }
    if (typeof p.data !== 'string' || p.data.length === 0) throw fieldError('data', "'data' (base64 certificate) or 'keyVault' is required.");
    const der = Buffer.from(p.data, 'base64');
    try {
      const cert = new X509Certificate(der);
      p.subject = cert.subject.split('\n').join(', ');
      p.thumbprint = cert.fingerprint.replace(/:/g, '');
      p.expirationDate = new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, 'Z');
    } catch {
      // a PFX (what APIM takes) cannot be opened without a PKCS#12 reader; describe it by its digest
      p.subject = 'CN=uploaded-certificate';
      p.thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
      p.expirationDate = '2030-01-01T00:00:00Z';
    }
    input.internal.data = p.data;
    delete p.data;
    delete p.password;
  },
};

const gatewayApi: Behaviour = {
  write(input) {
    const target = input.instance.store.get('api', [input.names[1]!]);
    if (!target) throw notFound('Api');
    // the association has no properties of its own (the body's provisioningState is an instruction)
    for (const k of Object.keys(input.properties)) delete input.properties[k];
  },
  present({ instance: inst, resource, query }, _properties) {
    // the gateway's API association answers with the API's own contract
    const target = inst.store.get('api', [resource.names[1]!]);
    if (!target) return {};
    return (BEHAVIOURS.api?.present ?? ((_i, p) => p))({ instance: inst, resource: target, query }, clone(target.properties));
  },
};

function linkBehaviour(property: string): Behaviour {
  return {
    write(input) {
      const value = input.properties[property];
      if (typeof value !== 'string') return;
      // re-creating an association under another name: "Link already exists between specified …" (apiops-cli)
      const self = input.names[input.names.length - 1]!.toLowerCase();
      const clash = input.instance.store
        .list(input.kind, input.names.slice(0, -1))
        .find((l) => l.names[l.names.length - 1]!.toLowerCase() !== self && String(l.properties[property] ?? '').toLowerCase().split('/').pop() === value.toLowerCase().split('/').pop());
      if (clash) throw new ArmError(409, 'Conflict', `Link already exists between specified ${input.kind.replace(/Link$/, '')} and ${property.replace(/Id$/, '')}.`);
    },
  };
}

export const BEHAVIOURS: Partial<Record<Kind, Behaviour>> = {
  servicePolicy: POLICY,
  apiPolicy: POLICY,
  apiOperationPolicy: POLICY,
  productPolicy: POLICY,
  policyFragment: {
    write: policyWrite(true),
    present: policyPresent(true),
    filterFields: ['name', 'description', 'value'],
  },
  namedValue,
  logger,
  backend,
  serviceDiagnostic: diagnostic,
  apiDiagnostic: diagnostic,
  api,
  apiOperation,
  apiSchema,
  apiRelease,
  product,
  group,
  subscription,
  versionSet,
  certificate,
  gatewayApi,
  productApiLink: linkBehaviour('apiId'),
  productGroupLink: linkBehaviour('groupId'),
  tagApiLink: linkBehaviour('apiId'),
  tagProductLink: linkBehaviour('productId'),
  tagOperationLink: linkBehaviour('operationId'),
  // (the verbatim message of apiops #855, with its full stop)
  tag: { filterFields: ['name', 'displayname'], duplicateMessage: 'Tag with the same name already exists.' },
};

// ------------------------------------------------------------------ export

/** `?export=true&format=…-link` → `{id, format, value: {link}}`; the link is an unauthenticated download. */
const EXPORTS: Record<string, { spec: ExportFormat; result: string }> = {
  'openapi-link': { spec: 'openapi', result: 'openapi-link' },
  'openapi+json-link': { spec: 'openapi+json', result: 'openapi-link' },
  'swagger-link': { spec: 'swagger', result: 'swagger-link-json' },
  'wadl-link': { spec: 'wadl', result: 'wadl-link-json' },
  'wsdl-link': { spec: 'wsdl', result: 'wsdl-link+xml' },
};

function exportApi(inst: Instance, resource: StoredResource, options: EngineOptions, query: URLSearchParams): EngineResponse {
  {
    const format = query.get('format') ?? '';
    const target = EXPORTS[format];
    if (!target) throw fieldError('format', `Export format '${format}' is not supported; use one of ${Object.keys(EXPORTS).join(', ')}.`);
    if (resource.properties.type === 'graphql') {
      throw new ArmError(400, 'ValidationError', 'GraphQL APIs are exported through their schema (apis/{apiId}/schemas/graphql).');
    }
    const operations = inst.store.list('apiOperation', resource.names).map((o) => ({ name: o.names[1]!, properties: clone(o.properties) }) as unknown as OperationContract);
    let exported;
    try {
      exported = exportSpec({ api: { name: resource.names[0]!, properties: clone(resource.properties) }, operations, source: resource.internal.source as never }, target.spec);
    } catch (error) {
      throw badRequest(`The API cannot be exported as ${format}: ${error instanceof Error ? error.message : String(error)}`, 'ValidationError');
    }
    const id = options.blobs.put(exported);
    return {
      status: 200,
      body: { id: resourceArmId(inst.ids, 'api', resource.names), format: target.result, value: { link: `${options.endpoint}/_emulator/blobs/${id}` } },
    };
  }
}
