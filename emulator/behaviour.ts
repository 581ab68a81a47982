// The hook interface of per-kind emulator behaviour. The generic engine (engine.ts) does what every kind shares:
// ids, If-Match, required properties, references, unique display names, server defaults, LRO, paging; the hooks
// add what APIM does for one kind only (policy formats, spec import, secrets, side effects).
import type { Kind } from '../core/kinds.ts';
import type { JsonObject } from '../core/state.ts';
import type { Instance } from './context.ts';
import type { StoredResource } from './store.ts';
import type { EngineOptions, EngineResponse } from './engine.ts';

export interface WriteInput {
  instance: Instance;
  kind: Kind;
  names: string[];
  /** the resource before the write, when it exists */
  existing: StoredResource | undefined;
  /** properties after PATCH merge / as PUT; the hook may change them in place */
  properties: JsonObject;
  /** kept beside the properties (starts as the existing resource's) */
  internal: Record<string, unknown>;
  query: URLSearchParams;
  method: 'PUT' | 'PATCH';
  /** the emulator's own https origin, for links it hands out */
  endpoint: string;
  /** how long an imported API answers 409 "Operation on the API is in progress" to the next write */
  importBusyMs: number;
  /** writes the hook asks for after the resource is stored (side effects APIM has) */
  after: Array<() => void>;
}

export interface PresentInput {
  instance: Instance;
  resource: StoredResource;
  query: URLSearchParams;
}

export interface Behaviour {
  /**
   * Validate and normalise a write. Throw ArmError for what APIM rejects. For long-running kinds, an error
   * thrown with `deferred: true` semantics is reported through the poll (see engine).
   */
  write?(input: WriteInput): void;
  /** Shape the stored properties for an answer (secrets hidden, policy format applied). */
  present?(input: PresentInput, properties: JsonObject): JsonObject;
  /** Before a delete: refuse it (throw) or remove what APIM removes with it. */
  beforeDelete?(input: { instance: Instance; resource: StoredResource; query: URLSearchParams }): void;
  /** Canonical storage name for a requested name (an API revision addressed as `a;rev=N` while current). */
  resolveName?(instance: Instance, name: string): string;
  /** Answer a GET differently (an API's `?export=true`); null: the ordinary GET. */
  read?(input: { instance: Instance; names: string[]; query: URLSearchParams; options: EngineOptions }): EngineResponse | null;
  /** APIM's words for a second resource with the same display name, when they differ from the usual */
  duplicateMessage?: string;
  /** `$filter` fields this kind's list accepts (lower-case, `name` included) */
  filterFields?: readonly string[];
}
