// Reads one live APIM instance into a State: every kind of the table, parents before children, through one queue
// of at most `concurrency` requests. The extractor writes the State to files; the publisher diffs it against Git.
// - Complete: every property APIM answers is kept (unknown ones too); only what APIM computes (read-only),
//   what it never answers (write-only), provisioningState and secrets are left out.
// - Filtered before children are read: an API the filter leaves out costs nothing below the API list.
// - Paged and streamed: children of the first page's items are read while the next page is on its way.
// - Fails whole: a failed list or read rejects (nothing half-read reaches the files); only a specification
//   export APIM cannot make is a warning.
import { KIND_NAMES, type Kind, ancestry, armRelativePath, childKinds, kindSpec } from '../kinds.ts';
import { type Json, type JsonObject, type Resource, State } from '../state.ts';
import { NO_FILTER, type ExtractorFilter } from '../config/filter.ts';
import { parseResourceId, relativizeId } from '../files/ids.ts';
import { withoutSecrets } from '../files/secrets.ts';
import type { Arm, ArmContract } from './arm.ts';
import { liveErrorFrom } from './errors.ts';
import { type ReadContext, type SpecFormat, readHook } from './read-hooks.ts';
import { KeyedLocks, type Lane, ReadAborted, RequestQueue } from './read-queue.ts';

export interface ReadProgress {
  kind: Kind;
  /** resources of the kind APIM answered so far (before the filter and before system resources are left out) */
  listed: number;
  /** resources of the kind kept in the State so far */
  read: number;
}

export interface ReadLiveOptions {
  filter?: ExtractorFilter;
  /** requests in flight at once (default 8) */
  concurrency?: number;
  /** the format of exported specifications (default OpenAPI 3 YAML) */
  specFormat?: 'openapi-yaml' | 'openapi-json' | 'swagger-json';
  /** export API specifications (default true); operations are read either way */
  specifications?: boolean;
  /**
   * The specification format an API already has in Git, which wins over `specFormat` when APIM can export it
   * (a WADL stays WADL, a JSON document stays JSON), so that a re-extract never renames a file.
   */
  specFormatFor?: (names: readonly string[]) => SpecFormat | undefined;
  onProgress?: (e: ReadProgress) => void;
  /**
   * Which children the caller can use: asked per child collection (`names`: the parent's) and per fixed-name
   * child such as a policy (`names`: its own); a no skips the request. Awaited when the first child is reached,
   * so a read can start before the caller knows (the publisher learns it from the files while validating them).
   */
  needed?: Promise<(kind: Kind, names: readonly string[]) => boolean>;
}

export interface LiveRead {
  state: State;
  /** sorted, one sentence each; never a secret */
  warnings: string[];
  /** HTTP requests sent (lists pages, reads, exports and their downloads) */
  requests: number;
}

export const DEFAULT_CONCURRENCY = 8;

// ------------------------------------------------------------------ one contract → one State resource

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** APIM answers absent optional properties as null; they carry no meaning, and files do not hold them. */
function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) out[key] = withoutNulls(v);
  return out;
}

function deleteDotted(obj: JsonObject, path: string): void {
  const parts = path.split('.');
  let cur: Json | undefined = obj;
  for (const part of parts.slice(0, -1)) cur = isObject(cur) ? cur[part] : undefined;
  if (isObject(cur)) delete cur[parts[parts.length - 1] as string];
}

function relativizeDotted(obj: JsonObject, path: string): void {
  const parts = path.split('.');
  let cur: Json | undefined = obj;
  for (const part of parts.slice(0, -1)) cur = isObject(cur) ? cur[part] : undefined;
  const last = parts[parts.length - 1] as string;
  if (isObject(cur) && typeof cur[last] === 'string') cur[last] = relativizeId(cur[last] as string);
}

/**
 * The State resource for what APIM answered (pure). `names` is the resource's ARM name path (parents' names, then
 * `contract.name`). References become relative (`/loggers/x`), read-only and write-only properties,
 * provisioningState, nulls and secrets go, everything else stays. Links are keyed by their target's name, as files
 * are (`productApiLink ['product1', 'basic-api']`, `apiId: '/apis/basic-api'`), whatever APIM named the link.
 */
export function resourceFromArm(kind: Kind, names: readonly string[], contract: ArmContract): Resource {
  const spec = kindSpec(kind);
  // (withoutNulls builds a new tree: the contract is never changed)
  let properties = withoutNulls(contract.properties ?? {}) as JsonObject;
  delete properties.provisioningState;
  for (const path of [...spec.props.readOnly, ...spec.props.writeOnly]) deleteDotted(properties, path);
  properties = withoutSecrets(kind, properties);
  for (const ref of spec.props.references) relativizeDotted(properties, ref.property);
  let keyNames = [...names];
  const link = spec.link;
  if (link) {
    if (link.property === null) {
      // gateway↔API answers with the API's own contract: the link itself has no properties
      properties = {};
    } else {
      relativizeDotted(properties, link.property);
      const id = properties[link.property];
      const target = typeof id === 'string' ? parseResourceId(id, [link.target]) : null;
      const parentDepth = ancestry(kind).length - 1;
      // a link is named after its target when the target's names fill the link's own slot (not for operations,
      // whose names are unique only within their API: those links keep APIM's link name)
      if (target && target.names.length === 1 && names.length === parentDepth + 1) keyNames = [...names.slice(0, parentDepth), ...target.names];
    }
  }
  return { kind, names: keyNames, properties };
}

// ------------------------------------------------------------------ the read

interface Counts {
  listed: number;
  read: number;
}

class Reader implements ReadContext {
  readonly arm: Arm;
  readonly state = new State();
  readonly specFormat: SpecFormat;
  readonly specFormatFor: (names: readonly string[]) => SpecFormat | undefined;
  readonly specifications: boolean;
  readonly #filter: ExtractorFilter;
  readonly #queue: RequestQueue;
  readonly #warnings: string[] = [];
  readonly #locks = new KeyedLocks();
  readonly #counts = new Map<Kind, Counts>();
  readonly #onProgress: ((e: ReadProgress) => void) | undefined;
  readonly #needed: ReadLiveOptions['needed'];

  constructor(arm: Arm, options: ReadLiveOptions) {
    this.arm = arm;
    this.#filter = options.filter ?? NO_FILTER;
    this.#queue = new RequestQueue(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.specFormat = options.specFormat ?? 'openapi-yaml';
    this.specFormatFor = options.specFormatFor ?? (() => undefined);
    this.specifications = options.specifications ?? true;
    this.#onProgress = options.onProgress;
    this.#needed = options.needed;
  }

  get requests(): number {
    return this.#queue.sent;
  }

  /** the failure that stopped the read, if one did */
  get failure(): unknown {
    return this.#queue.reason;
  }

  get warnings(): string[] {
    return [...this.#warnings].sort();
  }

  warn(message: string): void {
    this.#warnings.push(message);
  }

  async request<T>(lane: Lane, send: () => Promise<T>): Promise<T> {
    try {
      return await this.#queue.run(lane, send);
    } catch (error) {
      // the first real failure stops every request still waiting: the read is lost anyway
      if (!(error instanceof ReadAborted)) this.#queue.abort(error);
      throw error;
    }
  }

  async attempt<T>(lane: Lane, send: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    try {
      return { ok: true, value: await this.#queue.run(lane, send) };
    } catch (error) {
      if (error instanceof ReadAborted) throw error;
      return { ok: false, error };
    }
  }

  exclusive<T>(group: string, work: () => Promise<T>): Promise<T> {
    return this.#locks.run(group, work);
  }

  #count(kind: Kind, field: keyof Counts): void {
    let counts = this.#counts.get(kind);
    if (!counts) this.#counts.set(kind, (counts = { listed: 0, read: 0 }));
    counts[field] += 1;
    this.#onProgress?.({ kind, listed: counts.listed, read: counts.read });
  }

  /** Every resource of `kind` below `parent` (the service when null), then, for each, its children. */
  async readKind(kind: Kind, parent: Resource | null): Promise<void> {
    const hook = readHook(kind);
    if (parent && hook?.under && !hook.under(parent)) return;
    const parentNames = parent?.names ?? [];
    if (parent && this.#needed) {
      const needed = await this.#needed;
      const fixedName = kindSpec(kind).arm.fixedName;
      if (!needed(kind, fixedName !== undefined ? [...parentNames, fixedName] : parentNames)) return;
    }
    const work: Promise<void>[] = [];
    const take = (contract: ArmContract): void => {
      const p = this.#take(kind, parentNames, contract);
      // awaited below, after the remaining pages: a failure meanwhile must not count as unhandled
      p.catch(() => undefined);
      work.push(p);
    };
    const fixed = kindSpec(kind).arm.fixedName;
    const names = fixed !== undefined ? [fixed] : parent && hook?.names ? hook.names(parent) : null;
    if (names !== null) {
      for (const name of names) {
        work.push(
          this.#get(kind, [...parentNames, name]).then((contract) => {
            if (contract) return this.#take(kind, parentNames, contract, { fetched: true });
            if (parent) hook?.missing?.(parent, name, this);
          }),
        );
      }
    } else {
      for await (const page of this.#pages(kind, parentNames)) for (const contract of page) take(contract);
    }
    await Promise.all(work);
  }

  #get(kind: Kind, names: readonly string[]): Promise<ArmContract | undefined> {
    return this.request('read', () => this.arm.get(kind, names, { ...(readHook(kind)?.query ?? {}) }));
  }

  async #take(kind: Kind, parentNames: readonly string[], listed: ArmContract, options: { fetched?: boolean } = {}): Promise<void> {
    this.#count(kind, 'listed');
    const hook = readHook(kind);
    let resource = resourceFromArm(kind, [...parentNames, listed.name], listed);
    if (hook?.skip?.(resource, listed)) return;
    if (!this.#included(kind, resource)) return;
    let contract = listed;
    if (hook?.getEach && !options.fetched) {
      const again = await this.#get(kind, [...parentNames, listed.name]);
      // gone between the list and the read: it is not there any more
      if (!again) return;
      contract = again;
      resource = resourceFromArm(kind, [...parentNames, listed.name], contract);
    }
    hook?.adjust?.(resource, this);
    this.state.put(resource);
    this.#count(kind, 'read');
    const more: Promise<void>[] = [];
    if (hook?.complete) more.push(hook.complete(resource, this));
    for (const child of childKinds(kind)) more.push(this.readKind(child, resource));
    await Promise.all(more);
  }

  /** The filter, and for links whose target the link's name does not tell (operations), the target too. */
  #included(kind: Kind, resource: Resource): boolean {
    if (!this.#filter.includes(kind, resource.names)) return false;
    const link = kindSpec(kind).link;
    if (!link?.property) return true;
    const id = resource.properties[link.property];
    const target = typeof id === 'string' ? parseResourceId(id, [link.target]) : null;
    return target === null || this.#filter.includes(target.kind, target.names);
  }

  /** The pages of a collection, each request through the queue; a parent gone meanwhile lists nothing. */
  async *#pages(kind: Kind, parentNames: readonly string[]): AsyncGenerator<ArmContract[]> {
    const parent = kindSpec(kind).parent;
    const prefix = parent ? `${armRelativePath(parent, parentNames)}/` : '';
    let url: string | undefined = this.arm.url(`${prefix}${kindSpec(kind).arm.segment}`);
    while (url) {
      const pageUrl: string = url;
      const res = await this.request('list', async () => {
        const answer = await this.arm.send('GET', pageUrl);
        if (answer.status === 404 && parent) return undefined;
        if (answer.status >= 400) throw liveErrorFrom({ status: answer.status, body: answer.body, method: 'GET', path: new URL(pageUrl).pathname });
        return answer;
      });
      if (!res) return;
      const page = res.body as { value?: ArmContract[]; nextLink?: string | null } | undefined;
      yield page?.value ?? [];
      url = page?.nextLink ? page.nextLink : undefined;
    }
  }
}

/** Reads the instance behind `arm` into a State (see the module comment). */
export async function readLive(arm: Arm, options: ReadLiveOptions = {}): Promise<LiveRead> {
  const reader = new Reader(arm, options);
  const roots = KIND_NAMES.filter((k) => kindSpec(k).parent === null);
  const results = await Promise.allSettled(roots.map((kind) => reader.readKind(kind, null)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  // the first failure, not the ReadAborted of a request that was waiting behind it
  if (rejected) throw reader.failure ?? rejected.reason;
  return { state: reader.state, warnings: reader.warnings, requests: reader.requests };
}
