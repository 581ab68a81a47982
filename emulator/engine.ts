// The generic request engine: every kind in the table gets GET/HEAD/PUT/PATCH/DELETE/list from here; the
// differences between kinds are hooks in behaviours.ts.
import { type Kind, ancestry, armRelativePath, kindSpec } from '../core/kinds.ts';
import type { Json, JsonObject } from '../core/state.ts';
import { ACTION_HANDLERS, BEHAVIOURS } from './behaviours.ts';
import { linkTarget, removeDanglingLinks } from './links.ts';
import type { WriteInput } from './behaviour.ts';
import { type Instance, resourceArmId, serviceArmId } from './context.ts';
import { ArmError, badRequest, fieldError, notFound } from './errors.ts';
import { clone, deletePath, getPath, isObject, mergePatch, setPath } from './json.ts';
import type { Operations } from './lro.ts';
import { parseFilter } from './odata.ts';
import type { Route } from './router.ts';
import { type StoredResource, newEtag } from './store.ts';
import { parseReference } from './references.ts';

export interface EngineRequest {
  method: string;
  route: Route;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON body (undefined when there was none) */
  body: unknown;
  apiVersion: string;
  /** the path the client asked for (below the host), for nextLink */
  path: string;
}

export interface EngineResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface EngineOptions {
  endpoint: string;
  operations: Operations;
  /** default page size of lists (APIM does not document its own) */
  pageSize: number;
  /** exported specifications, served without authentication like APIM's SAS blob links */
  blobs: Blobs;
}

export interface Blobs {
  put(content: { contentType: string; body: string }): string;
}

/** The entity name APIM uses in "… not found." messages. */
const ENTITY: Record<Kind, string> = {
  servicePolicy: 'Policy',
  namedValue: 'NamedValue',
  certificate: 'Certificate',
  group: 'Group',
  tag: 'Tag',
  versionSet: 'ApiVersionSet',
  gateway: 'Gateway',
  logger: 'Logger',
  backend: 'Backend',
  policyFragment: 'PolicyFragment',
  serviceDiagnostic: 'Diagnostic',
  api: 'Api',
  apiSchema: 'Schema',
  apiOperation: 'Operation',
  apiPolicy: 'Policy',
  apiOperationPolicy: 'Policy',
  apiDiagnostic: 'Diagnostic',
  apiRelease: 'ApiRelease',
  product: 'Product',
  productPolicy: 'Policy',
  productApiLink: 'ProductApiLink',
  productGroupLink: 'ProductGroupLink',
  tagApiLink: 'TagApiLink',
  tagProductLink: 'TagProductLink',
  tagOperationLink: 'TagOperationLink',
  subscription: 'Subscription',
  gatewayApi: 'GatewayApi',
};

export function entityName(kind: Kind): string {
  return ENTITY[kind];
}

export class Engine {
  readonly #options: EngineOptions;

  constructor(options: EngineOptions) {
    this.#options = options;
  }

  handle(instance: Instance, req: EngineRequest): EngineResponse {
    const route = req.route;
    switch (route.type) {
      case 'service':
        return this.#service(instance, req);
      case 'operationResult':
        return this.#operationResult(instance, route.id);
      case 'item':
        return this.#item(instance, req, route.kind, this.#resolveNames(instance, route.kind, route.names));
      case 'collection':
        if (req.method !== 'GET') throw methodNotAllowed(req.method);
        return this.#list(instance, req, route.kind, this.#resolveNames(instance, route.kind, [...route.parentNames, '']).slice(0, -1));
      case 'legacyItem':
        return this.#legacyItem(instance, req, route.kind, route.parentNames, route.targetNames);
      case 'legacyCollection':
        if (req.method !== 'GET') throw methodNotAllowed(req.method);
        return this.#legacyList(instance, req, route.kind, route.parentNames);
      case 'action':
        return this.#action(instance, req, route.kind, this.#resolveNames(instance, route.kind, route.names), route.action);
      case 'revisions':
        return this.#revisions(instance, req, route.apiName);
    }
  }

  // ---------------------------------------------------------------- names, ids, presentation

  #resolveNames(instance: Instance, kind: Kind, names: string[]): string[] {
    const chain = ancestry(kind);
    return names.map((name, i) => {
      const resolver = BEHAVIOURS[chain[i]!]?.resolveName;
      return resolver && name ? resolver(instance, name) : name;
    });
  }

  #validateName(kind: Kind, name: string): void {
    const arm = kindSpec(kind).arm;
    if (arm.fixedName !== undefined) {
      if (name.toLowerCase() !== arm.fixedName) throw notFound(entityName(kind));
      return;
    }
    if (name.length === 0 || name.length > arm.idMaxLength || !arm.idPattern.test(name) || name.trim() !== name) {
      throw new ArmError(400, 'ValidationError', `'${name}' is not a valid ${kindSpec(kind).title} identifier.`, {
        details: [
          {
            code: 'ValidationError',
            target: `${kind === 'api' ? 'apiId' : 'id'}`,
            message: `The identifier must be 1 to ${arm.idMaxLength} characters and may not contain '*', '#', '&', '+', ':', '<', '>', '?', '/' or '\\'.`,
          },
        ],
      });
    }
  }

  present(instance: Instance, resource: StoredResource, query: URLSearchParams): JsonObject {
    const hook = BEHAVIOURS[resource.kind]?.present;
    const properties = hook ? hook({ instance, resource, query }, clone(resource.properties)) : clone(resource.properties);
    return {
      id: resourceArmId(instance.ids, resource.kind, resource.names),
      type: kindSpec(resource.kind).arm.type,
      name: resource.names[resource.names.length - 1]!,
      properties,
    };
  }

  #requireParent(instance: Instance, kind: Kind, parentNames: readonly string[]): void {
    const chain = ancestry(kind);
    for (let depth = 1; depth < chain.length; depth++) {
      const k = chain[depth - 1]!;
      if (!instance.store.get(k, parentNames.slice(0, depth))) throw notFound(entityName(k));
    }
  }

  // ---------------------------------------------------------------- item routes

  #item(instance: Instance, req: EngineRequest, kind: Kind, names: string[]): EngineResponse {
    const name = names[names.length - 1]!;
    this.#validateName(kind, name);
    const spec = kindSpec(kind);
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const custom = BEHAVIOURS[kind]?.read?.({ instance, names, query: req.query, options: this.#options });
        if (custom) return custom;
        const asyncResponse = this.#asyncLocation(req);
        if (asyncResponse) return asyncResponse;
        const existing = instance.store.get(kind, names);
        if (!existing) {
          this.#requireParent(instance, kind, names.slice(0, -1));
          throw notFound(entityName(kind));
        }
        const headers = { etag: existing.etag };
        return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: this.present(instance, existing, req.query) };
      }
      case 'PUT':
      case 'PATCH': {
        if (req.method === 'PATCH' && !spec.patch) throw methodNotAllowed('PATCH');
        return this.#write(instance, req, kind, names);
      }
      case 'DELETE':
        return this.#delete(instance, req, kind, names);
      default:
        throw methodNotAllowed(req.method);
    }
  }

  #checkIfMatch(req: EngineRequest, existing: StoredResource | undefined): void {
    const header = req.headers['if-match'];
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) {
      // APIM tolerates a missing If-Match on PATCH and DELETE (Azure/apiops never sends one)
      return;
    }
    // `*` matches whatever is there; APIM also accepts it on a PUT that creates (the CreateApiPolicy example)
    if (value.trim() === '*') return;
    if (!existing || !value.split(',').map((v) => v.trim()).includes(existing.etag)) {
      throw new ArmError(412, 'PreconditionFailed', 'The entity state has changed since it was read (ETag mismatch).');
    }
  }

  #write(instance: Instance, req: EngineRequest, kind: Kind, names: string[]): EngineResponse {
    const spec = kindSpec(kind);
    this.#requireParent(instance, kind, names.slice(0, -1));
    this.#checkApiBusy(instance, kind, names);
    const existing = instance.store.get(kind, names);
    this.#checkIfMatch(req, existing);
    const body = req.body === undefined || req.body === null ? {} : req.body;
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.', 'InvalidRequestContent');
    const given = body.properties ?? {};
    if (!isObject(given)) throw fieldError('properties', "'properties' must be a JSON object.");
    if (req.method === 'PATCH' && !existing) throw notFound(entityName(kind));
    // APIM ignores read-only properties in a request (`isCurrent`, `createdDate` …)
    const writable = clone(given);
    for (const ro of spec.props.readOnly) deletePath(writable, ro);
    const properties = req.method === 'PATCH' && existing ? mergePatch(existing.properties, writable) : writable;
    const input: WriteInput = {
      instance,
      kind,
      names,
      existing,
      properties,
      internal: existing ? { ...existing.internal } : {},
      query: req.query,
      method: req.method as 'PUT' | 'PATCH',
      endpoint: this.#options.endpoint,
      importBusyMs: instance.knobs.importBusyMs,
      after: [],
    };
    const lro = req.method === 'PUT' ? spec.lro.put : spec.lro.patch;
    let deferred: ArmError | null = null;
    try {
      this.#checkTypes(kind, input.properties);
      BEHAVIOURS[kind]?.write?.(input);
      this.#checkRequired(kind, input.properties);
      this.#resolveReferences(instance, kind, input.properties);
      this.#checkUniqueDisplayName(instance, kind, names, input.properties);
    } catch (error) {
      // APIM accepts a long-running write and reports what is wrong with it through the poll (apiops #837:
      // the 400 ValidationError arrived on the Location URL); other kinds answer at once.
      if (!(error instanceof ArmError) || !lro || error.status !== 400 || error.immediate) throw error;
      deferred = error;
    }
    const status = existing ? 200 : 201;
    if (deferred) {
      const op = this.#options.operations.start({
        resourcePath: `${serviceArmId(instance.ids)}/${armRelativePath(kind, names)}`,
        asyncCode: status,
        durationMs: instance.knobs.lroDurationMs,
        error: deferred,
      });
      const contract = this.present(instance, { kind, names, properties: input.properties, etag: '', internal: input.internal }, new URLSearchParams());
      for (const key of spec.props.writeOnly) deletePath(contract.properties as JsonObject, key);
      (contract.properties as JsonObject).provisioningState = 'InProgress';
      return { status, headers: this.#lroHeaders(instance, req, op), body: contract };
    }
    for (const [key, value] of Object.entries(spec.props.serverDefaults)) {
      if (getPath(input.properties, key) === undefined) setPath(input.properties, key, clone(value as Json));
    }
    const stored: StoredResource = {
      kind,
      // APIM keeps the case a resource was created with
      names: existing ? existing.names : names,
      properties: input.properties,
      etag: newEtag(),
      internal: input.internal,
    };
    instance.store.set(stored);
    for (const effect of input.after) effect();
    const headers: Record<string, string> = { etag: stored.etag };
    if (!lro) return { status, headers, body: this.present(instance, stored, new URLSearchParams()) };
    const op = this.#options.operations.start({
      resourcePath: `${serviceArmId(instance.ids)}/${armRelativePath(kind, stored.names)}`,
      asyncCode: status,
      durationMs: instance.knobs.lroDurationMs,
      error: null,
    });
    const contract = this.present(instance, stored, new URLSearchParams());
    (contract.properties as JsonObject).provisioningState = 'InProgress';
    return { status, headers: { ...headers, ...this.#lroHeaders(instance, req, op) }, body: contract };
  }

  #checkApiBusy(instance: Instance, kind: Kind, names: readonly string[]): void {
    if (ancestry(kind)[0] !== 'api') return;
    const root = names[0]!.replace(/;rev=\d+$/i, '').toLowerCase();
    const until = instance.busyApis.get(root);
    if (until === undefined) return;
    if (Date.now() >= until) {
      instance.busyApis.delete(root);
      return;
    }
    // APIM locks an API while an import settles (apiops #141, #379, #497)
    throw new ArmError(409, 'PessimisticConcurrencyConflict', 'Operation on the API is in progress');
  }

  #lroHeaders(instance: Instance, req: EngineRequest, op: ReturnType<Operations['start']>): Record<string, string> {
    return this.#options.operations.headers(op, { endpoint: this.#options.endpoint, servicePath: serviceArmId(instance.ids), apiVersion: req.apiVersion });
  }

  #checkTypes(kind: Kind, properties: JsonObject): void {
    // Server-defaulted properties tell the type APIM expects; a wrong JSON type is a 400, as the real
    // service's model binding answers.
    for (const [key, def] of Object.entries(kindSpec(kind).props.serverDefaults)) {
      const value = getPath(properties, key);
      if (value === undefined || value === null) continue;
      const expected = Array.isArray(def) ? 'array' : typeof def;
      const actual = Array.isArray(value) ? 'array' : typeof value;
      if (expected !== actual) throw fieldError(key, `'${key}' must be of type ${expected}, not ${actual}.`, { immediate: true });
    }
    for (const key of kindSpec(kind).props.required) {
      const value = getPath(properties, key);
      if (value !== undefined && value !== null && typeof value !== 'string' && !isObject(value) && !Array.isArray(value)) {
        throw fieldError(key, `'${key}' must be a string.`, { immediate: true });
      }
    }
  }

  #checkRequired(kind: Kind, properties: JsonObject): void {
    const missing = kindSpec(kind).props.required.filter((key) => {
      const v = getPath(properties, key);
      return v === undefined || v === null || v === '';
    });
    if (missing.length > 0) {
      throw new ArmError(400, 'ValidationError', 'One or more fields contain incorrect values:', {
        details: missing.map((key) => ({ code: 'ValidationError', target: key, message: `'${key}' is required.` })),
        immediate: true,
      });
    }
  }

  #resolveReferences(instance: Instance, kind: Kind, properties: JsonObject): void {
    for (const ref of kindSpec(kind).props.references) {
      const value = getPath(properties, ref.property);
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string') throw fieldError(ref.property, `'${ref.property}' must be a resource id.`);
      const parsed = parseReference(instance.ids, value);
      // a subscription may be scoped to all APIs (`/apis`) or the whole service (`/`)
      if (parsed === 'service' || parsed === 'allApis') {
        if (ref.serviceScope) {
          setPath(properties, ref.property, parsed === 'service' ? serviceArmId(instance.ids) : `${serviceArmId(instance.ids)}/apis`);
          continue;
        }
        throw fieldError(ref.property, `'${value}' does not identify a ${ref.kinds.map((k) => kindSpec(k).title).join(' or ')}.`);
      }
      if (!parsed || !ref.kinds.includes(parsed.kind)) {
        throw fieldError(ref.property, `'${value}' does not identify a ${ref.kinds.map((k) => kindSpec(k).title).join(' or ')}.`);
      }
      const names = this.#resolveNames(instance, parsed.kind, parsed.names);
      const target = instance.store.get(parsed.kind, names);
      if (!target) throw fieldError(ref.property, `${entityName(parsed.kind)} '${parsed.names.join('/')}' not found.`);
      // APIM answers with absolute ids whatever form was sent
      setPath(properties, ref.property, resourceArmId(instance.ids, parsed.kind, target.names));
    }
  }

  #checkUniqueDisplayName(instance: Instance, kind: Kind, names: readonly string[], properties: JsonObject): void {
    if (!kindSpec(kind).props.uniqueDisplayName) return;
    const displayName = properties.displayName;
    if (typeof displayName !== 'string') return;
    const self = names[names.length - 1]!.toLowerCase();
    const clash = instance.store
      .list(kind, names.slice(0, -1))
      .find((r) => r.names[r.names.length - 1]!.toLowerCase() !== self && String(r.properties.displayName ?? '').toLowerCase() === displayName.toLowerCase());
    if (clash) {
      // verbatim APIM messages (apiops #837, #606)
      const message = BEHAVIOURS[kind]?.duplicateMessage ?? `${entityName(kind)} with the same name already exists`;
      throw fieldError('name', message);
    }
  }

  #delete(instance: Instance, req: EngineRequest, kind: Kind, names: string[]): EngineResponse {
    this.#checkApiBusy(instance, kind, names);
    const existing = instance.store.get(kind, names);
    this.#checkIfMatch(req, existing);
    if (!existing) {
      this.#requireParent(instance, kind, names.slice(0, -1));
      return { status: 204 };
    }
    BEHAVIOURS[kind]?.beforeDelete?.({ instance, resource: existing, query: req.query });
    const removed = instance.store.remove(kind, existing.names);
    removeDanglingLinks(instance, removed);
    if (!kindSpec(kind).lro.delete) return { status: 200 };
    const op = this.#options.operations.start({
      resourcePath: `${serviceArmId(instance.ids)}/${armRelativePath(kind, existing.names)}`,
      asyncCode: 204,
      durationMs: instance.knobs.lroDurationMs,
      error: null,
    });
    return { status: 202, headers: this.#lroHeaders(instance, req, op) };
  }

  /** A GET on an LRO's Location URL: 202 while running, the failure when it failed, else the resource. */
  #asyncLocation(req: EngineRequest): EngineResponse | null {
    const asyncId = req.query.get('asyncId');
    if (!asyncId) return null;
    const op = this.#options.operations.get(asyncId);
    if (!op) return null;
    const status = this.#options.operations.status(op);
    if (status === 'InProgress') return { status: 202, headers: { 'retry-after': '1' } };
    if (status === 'Failed' && op.error) throw op.error;
    if (op.asyncCode === 204) return { status: 204 };
    return null;
  }

  #operationResult(instance: Instance, id: string): EngineResponse {
    const op = this.#options.operations.get(id);
    if (!op) throw notFound('Operation');
    const status = this.#options.operations.status(op);
    const body: JsonObject = {
      id: `${serviceArmId(instance.ids)}/tenant/operationResults/${op.id}`,
      name: op.id,
      status,
      startTime: op.startTime,
    };
    if (status !== 'InProgress') body.endTime = new Date(op.doneAt).toISOString();
    if (status === 'Failed' && op.error) body.error = op.error.body().error as unknown as Json;
    return { status: 200, headers: status === 'InProgress' ? { 'retry-after': '1' } : {}, body };
  }

  // ---------------------------------------------------------------- lists

  #page(req: EngineRequest, items: JsonObject[]): EngineResponse {
    const top = parseIntParam(req.query, '$top', 1);
    const skip = parseIntParam(req.query, '$skip', 0) ?? 0;
    const size = top ?? this.#options.pageSize;
    const page = items.slice(skip, skip + size);
    // the last page carries an empty nextLink, as APIM's own answers do (the SDK takes "" as the end)
    const body: JsonObject = { value: page, count: items.length, nextLink: '' };
    if (skip + size < items.length) {
      const next = new URLSearchParams(req.query);
      next.set('$top', String(size));
      next.set('$skip', String(skip + size));
      body.nextLink = `${this.#options.endpoint}${req.path}?${next.toString().replace(/%24/g, '$')}`;
    }
    return { status: 200, body };
  }

  #filtered(kind: Kind, req: EngineRequest, resources: StoredResource[]): StoredResource[] {
    const text = req.query.get('$filter');
    if (!text) return resources;
    const fields = BEHAVIOURS[kind]?.filterFields ?? ['name', 'displayname'];
    const filter = parseFilter(text, { fields });
    return resources.filter((r) =>
      filter((field) => {
        if (field === 'name') return r.names[r.names.length - 1];
        const key = Object.keys(r.properties).find((k) => k.toLowerCase() === field);
        return key === undefined ? undefined : r.properties[key];
      }),
    );
  }

  #list(instance: Instance, req: EngineRequest, kind: Kind, parentNames: string[]): EngineResponse {
    this.#requireParent(instance, kind, parentNames);
    const all = instance.store.list(kind, parentNames);
    const items = this.#filtered(kind, req, all).map((r) => this.present(instance, r, req.query));
    return this.#page(req, items);
  }

  // ---------------------------------------------------------------- legacy association routes

  /**
   * `/products/{p}/apis/{a}`, `/products/{p}/groups/{g}`, `/apis/{a}/tags/{t}`, `/products/{p}/tags/{t}`,
   * `/apis/{a}/operations/{o}/tags/{t}`: the same links as the newer `*Links` routes, addressed by name and
   * answered with the linked entity's own contract.
   */
  #legacyItem(instance: Instance, req: EngineRequest, kind: Kind, urlParent: string[], last: string[]): EngineResponse {
    const spec = kindSpec(kind);
    const link = spec.link!;
    const urlParentIsOwner = link.legacyRoute!.parent === spec.parent;
    const ownerKind = spec.parent!;
    const ownerNames = this.#resolveNames(instance, ownerKind, urlParentIsOwner ? urlParent : last);
    const targetNames = this.#resolveNames(instance, link.target, urlParentIsOwner ? last : urlParent);
    const owner = instance.store.get(ownerKind, ownerNames);
    const target = instance.store.get(link.target, targetNames);
    const existing = owner && target ? findLink(instance, kind, owner.names, target) : undefined;
    // the entity shown is the one the URL's last segment names
    const shownKind = urlParentIsOwner ? link.target : ownerKind;
    const shown = urlParentIsOwner ? target : owner;
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        if (!owner) throw notFound(entityName(ownerKind));
        if (!target) throw notFound(entityName(link.target));
        if (!existing) throw notFound(entityName(shownKind));
        // HEAD on an association answers 204 when it exists (apimproducts.json ProductApi_CheckEntityExists)
        if (req.method === 'HEAD') return { status: shownKind === 'tag' ? 200 : 204, headers: { etag: existing.etag } };
        return { status: 200, headers: { etag: shown!.etag }, body: this.present(instance, shown!, req.query) };
      }
      case 'PUT': {
        if (!owner) throw notFound(entityName(ownerKind));
        if (!target) throw notFound(entityName(link.target));
        if (existing) return { status: 200, headers: { etag: shown!.etag }, body: this.present(instance, shown!, req.query) };
        const linkName = legacyLinkName(target);
        const properties: JsonObject = {};
        if (link.property) properties[link.property] = resourceArmId(instance.ids, link.target, target.names);
        instance.store.set({ kind, names: [...owner.names, linkName], properties, etag: newEtag(), internal: {} });
        return { status: 201, headers: { etag: shown!.etag }, body: this.present(instance, shown!, req.query) };
      }
      case 'DELETE': {
        if (!owner) throw notFound(entityName(ownerKind));
        if (existing) instance.store.remove(kind, existing.names);
        return { status: existing ? 200 : 204 };
      }
      default:
        throw methodNotAllowed(req.method);
    }
  }

  #legacyList(instance: Instance, req: EngineRequest, kind: Kind, urlParent: string[]): EngineResponse {
    const spec = kindSpec(kind);
    const link = spec.link!;
    const urlParentIsOwner = link.legacyRoute!.parent === spec.parent;
    const parentKind = urlParentIsOwner ? spec.parent! : link.target;
    const parentNames = this.#resolveNames(instance, parentKind, urlParent);
    const parent = instance.store.get(parentKind, parentNames);
    if (!parent) throw notFound(entityName(parentKind));
    let shown: StoredResource[];
    if (urlParentIsOwner) {
      shown = instance.store
        .list(kind, parent.names)
        .map((l) => linkTarget(instance, kind, l))
        .filter((r): r is StoredResource => r !== undefined);
    } else {
      shown = instance.store
        .all(kind)
        .filter((l) => linkTarget(instance, kind, l) === parent)
        .map((l) => instance.store.get(spec.parent!, l.names.slice(0, -1)))
        .filter((r): r is StoredResource => r !== undefined);
    }
    const shownKind = urlParentIsOwner ? link.target : spec.parent!;
    const items = this.#filtered(shownKind, req, shown).map((r) => this.present(instance, r, req.query));
    return this.#page(req, items);
  }

  // ---------------------------------------------------------------- actions and the rest

  #action(instance: Instance, req: EngineRequest, kind: Kind, names: string[], action: string): EngineResponse {
    if (req.method !== 'POST') throw methodNotAllowed(req.method);
    const existing = instance.store.get(kind, names);
    if (!existing) throw notFound(entityName(kind));
    const handler = ACTION_HANDLERS[`${kind}.${action}`];
    if (!handler) throw methodNotAllowed(req.method);
    return handler(instance, existing, this.#options);
  }

  #revisions(instance: Instance, req: EngineRequest, apiName: string): EngineResponse {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    const root = apiName.replace(/;rev=\d+$/i, '');
    const current = instance.store.get('api', [root]);
    if (!current) throw notFound('Api');
    const revisions = instance.store.all('api').filter((r) => r.names[0]!.toLowerCase() === root.toLowerCase() || r.names[0]!.toLowerCase().startsWith(`${root.toLowerCase()};rev=`));
    const items = revisions.map((r) => {
      const rev = String(r.properties.apiRevision ?? '1');
      const contract: JsonObject = {
        apiId: `/apis/${root};rev=${rev}`,
        apiRevision: rev,
        createdDateTime: String(r.internal.createdDateTime ?? new Date(0).toISOString()),
        updatedDateTime: String(r.internal.updatedDateTime ?? new Date(0).toISOString()),
        isOnline: true,
        isCurrent: r === current,
      };
      if (typeof r.properties.apiRevisionDescription === 'string') contract.description = r.properties.apiRevisionDescription;
      return contract;
    });
    return this.#page(req, items);
  }

  #service(instance: Instance, req: EngineRequest): EngineResponse {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method);
    const body = {
      id: serviceArmId(instance.ids),
      name: instance.ids.serviceName,
      type: 'Microsoft.ApiManagement/service',
      location: instance.label,
      etag: 'AAAAAAAAAAA=',
      sku: { name: 'Developer', capacity: 1 },
      properties: {
        publisherEmail: 'admin@contoso.com',
        publisherName: 'Contoso',
        provisioningState: 'Succeeded',
        gatewayUrl: `https://${instance.ids.serviceName}.azure-api.net`,
        managementApiUrl: `https://${instance.ids.serviceName}.management.azure-api.net`,
        createdAtUtc: '2026-01-01T00:00:00Z',
      },
    };
    return { status: 200, body: req.method === 'HEAD' ? undefined : body };
  }
}

function methodNotAllowed(method: string): ArmError {
  return new ArmError(405, 'MethodNotAllowed', `The requested method '${method}' is not allowed on this resource.`);
}

function parseIntParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw fieldError(name, `'${name}' must be an integer of at least ${min}.`);
  return n;
}

function findLink(instance: Instance, kind: Kind, ownerNames: readonly string[], target: StoredResource): StoredResource | undefined {
  // a product holds hundreds of API links: compare the id's last segment before parsing it (O(n) parses per PUT)
  const property = kindSpec(kind).link?.property;
  const last = `/${target.names[target.names.length - 1]!.toLowerCase()}`;
  return instance.store.list(kind, ownerNames).find((l) => {
    const id = property ? l.properties[property] : undefined;
    if (typeof id === 'string' && !id.includes('%') && !id.toLowerCase().endsWith(last)) return false;
    return linkTarget(instance, kind, l) === target;
  });
}

/** The name a link gets when it is created through a legacy route: the target's own name. */
function legacyLinkName(target: StoredResource): string {
  return target.names.join('-').replace(/[;=]/g, '-');
}

