// One APIM service's resources, keyed case-insensitively by ARM path as APIM does (names keep their case).
import { type Kind, armRelativePath, childKinds, kindSpec } from '../core/kinds.ts';
import type { JsonObject } from '../core/state.ts';

export interface StoredResource {
  kind: Kind;
  names: string[];
  properties: JsonObject;
  etag: string;
  /** what the emulator keeps beside the ARM properties, e.g. an API's imported document for export */
  internal: Record<string, unknown>;
}

let etagCounter = 0n;

/** Opaque, monotonic entity tags in the quoted base64 form APIM uses (`"AAAAAAAAAAE="`). */
export function newEtag(): string {
  etagCounter += 1n;
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(etagCounter);
  return `"${buf.toString('base64')}"`;
}

function collectionKey(kind: Kind, parentNames: readonly string[]): string {
  const parent = kindSpec(kind).parent;
  const prefix = parent ? `${armRelativePath(parent, parentNames)}/` : '';
  return `${prefix}${kindSpec(kind).arm.segment}`.toLowerCase();
}

export class ServiceStore {
  readonly serviceName: string;
  readonly #collections = new Map<string, Map<string, StoredResource>>();
  // the collections of each kind, in the order they appeared: `all(kind)` is asked on every API write (path
  // clashes, revisions), and scanning every collection of an instance made a 300-API import quadratic
  readonly #byKind = new Map<Kind, Map<string, StoredResource>[]>();

  constructor(serviceName: string) {
    this.serviceName = serviceName;
  }

  get(kind: Kind, names: readonly string[]): StoredResource | undefined {
    const parentNames = names.slice(0, -1);
    return this.#collections.get(collectionKey(kind, parentNames))?.get(names[names.length - 1]!.toLowerCase());
  }

  /** Inserts or replaces; a replaced resource keeps its position in listings (APIM lists in a stable order). */
  set(resource: StoredResource): void {
    const key = collectionKey(resource.kind, resource.names.slice(0, -1));
    let collection = this.#collections.get(key);
    if (!collection) {
      this.#collections.set(key, (collection = new Map()));
      const ofKind = this.#byKind.get(resource.kind);
      if (ofKind) ofKind.push(collection);
      else this.#byKind.set(resource.kind, [collection]);
    }
    collection.set(resource.names[resource.names.length - 1]!.toLowerCase(), resource);
  }

  /** Removes a resource and, as APIM does, everything below it. Returns what was removed, children first. */
  remove(kind: Kind, names: readonly string[]): StoredResource[] {
    const existing = this.get(kind, names);
    if (!existing) return [];
    const removed: StoredResource[] = [];
    for (const child of childKinds(kind)) {
      for (const c of this.list(child, existing.names)) removed.push(...this.remove(child, c.names));
    }
    this.#collections.get(collectionKey(kind, names.slice(0, -1)))?.delete(names[names.length - 1]!.toLowerCase());
    removed.push(existing);
    return removed;
  }

  list(kind: Kind, parentNames: readonly string[]): StoredResource[] {
    return [...(this.#collections.get(collectionKey(kind, parentNames))?.values() ?? [])];
  }

  /** Every resource of a kind, across all parents. */
  all(kind: Kind): StoredResource[] {
    const out: StoredResource[] = [];
    for (const collection of this.#byKind.get(kind) ?? []) for (const r of collection.values()) out.push(r);
    return out;
  }

  clear(): void {
    this.#collections.clear();
    this.#byKind.clear();
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const collection of this.#collections.values()) {
      for (const r of collection.values()) out[r.kind] = (out[r.kind] ?? 0) + 1;
    }
    return out;
  }
}
