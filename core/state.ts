// The State: both directions (files and live instances) load into it and write from it. A resource is keyed by
// its kind and its name path (parent names first, e.g. ['petstore', 'getPets'] for an operation).
import { type Kind, ancestry, kindSpec } from './kinds.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A document that travels with a resource but is not one of its ARM properties. */
export interface ApiSpecification {
  /** file format as kept in Git */
  format: 'openapi-yaml' | 'openapi-json' | 'swagger-json' | 'swagger-yaml' | 'graphql' | 'wsdl' | 'wadl';
  content: string;
}

export interface Resource {
  kind: Kind;
  names: readonly string[];
  /** the ARM `properties` object; references kept relative (`/apiVersionSets/x`) */
  properties: JsonObject;
  /** top-level members of an information file other than `properties` (kept so they survive read → write) */
  extra?: JsonObject;
  /** the API's specification (apis only) */
  specification?: ApiSpecification;
}

export type ResourceKey = string;

export function resourceKey(kind: Kind, names: readonly string[]): ResourceKey {
  return JSON.stringify([kind, ...names]);
}

/** A key for a resource whatever the spelling of its names: APIM names are case-insensitive. */
export function foldedKey(kind: Kind, names: readonly string[]): string {
  // (only ever compared, never parsed: a NUL cannot occur in a name, and it has no case)
  return `${kind}\u0000${names.join('\u0000').toLowerCase()}`;
}

export function parseResourceKey(key: ResourceKey): { kind: Kind; names: string[] } {
  const [kind, ...names] = JSON.parse(key) as [Kind, ...string[]];
  return { kind, names };
}

/** Human-readable label: `API operation petstore/getPets`. */
export function describe(kind: Kind, names: readonly string[]): string {
  return `${kindSpec(kind).title} ${names.join('/')}`;
}

export class State {
  readonly #resources = new Map<ResourceKey, Resource>();
  // Sorted lists and children by parent, built on first use after a change: the diff asks for an API's
  // operations once per API, and sorting 4,000 resources each time made it quadratic.
  #sorted = new Map<Kind | undefined, Resource[]>();
  #children = new Map<Kind, Map<string, Resource[]>>();

  static from(resources: Iterable<Resource>): State {
    const state = new State();
    for (const r of resources) state.put(r);
    return state;
  }

  #changed(): void {
    if (this.#sorted.size > 0) this.#sorted = new Map();
    if (this.#children.size > 0) this.#children = new Map();
  }

  put(resource: Resource): void {
    const expected = ancestry(resource.kind).length;
    if (resource.names.length !== expected) {
      throw new Error(`${resource.kind} needs ${expected} name(s), got [${resource.names.join(', ')}]`);
    }
    this.#resources.set(resourceKey(resource.kind, resource.names), resource);
    this.#changed();
  }

  get(kind: Kind, names: readonly string[]): Resource | undefined {
    return this.#resources.get(resourceKey(kind, names));
  }

  has(kind: Kind, names: readonly string[]): boolean {
    return this.#resources.has(resourceKey(kind, names));
  }

  delete(kind: Kind, names: readonly string[]): boolean {
    const deleted = this.#resources.delete(resourceKey(kind, names));
    if (deleted) this.#changed();
    return deleted;
  }

  get size(): number {
    return this.#resources.size;
  }

  keys(): IterableIterator<ResourceKey> {
    return this.#resources.keys();
  }

  /** Resources in a stable order: by kind (table order), then by name path. */
  list(kind?: Kind): Resource[] {
    let sorted = this.#sorted.get(kind);
    if (!sorted) {
      sorted = [...this.#resources.values()].filter((r) => kind === undefined || r.kind === kind).sort(compareKeys);
      this.#sorted.set(kind, sorted);
    }
    return [...sorted];
  }

  /** Children of one parent, of one kind. */
  children(kind: Kind, parentNames: readonly string[]): Resource[] {
    if (parentNames.length !== ancestry(kind).length - 1) return this.list(kind).filter((r) => parentNames.every((n, i) => r.names[i] === n));
    let byParent = this.#children.get(kind);
    if (!byParent) {
      byParent = new Map();
      for (const r of this.list(kind)) {
        const parent = r.names.slice(0, -1).join('\u0000');
        const siblings = byParent.get(parent);
        if (siblings) siblings.push(r);
        else byParent.set(parent, [r]);
      }
      this.#children.set(kind, byParent);
    }
    return [...(byParent.get(parentNames.join('\u0000')) ?? [])];
  }
}

function compareKeys(a: Resource, b: Resource): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  // name by name: the order of the names joined with NUL (which no name holds), without a string per comparison
  const n = Math.min(a.names.length, b.names.length);
  for (let i = 0; i < n; i++) {
    const x = a.names[i]!;
    const y = b.names[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.names.length - b.names.length;
}
