// Puts a State into a live instance (the emulator) with plain ARM PUTs, level by level as the kinds table orders
// them, the way the APIOps publisher does it: specifications imported inline with the API, a GraphQL SDL as the
// API's `graphql` schema, and what APIM adds on its own when a product is created taken away again (apiops #655).
// A stand-in for tests until the publisher exists; it makes no attempt at diffing or retries beyond core/live's.
import { type Kind, LEVELS, ancestry, kindSpec } from '../../core/kinds.ts';
import type { Arm } from '../../core/live/arm.ts';
import type { ApiSpecification, JsonObject, Resource, State } from '../../core/state.ts';
import { relativeId } from '../../core/files/ids.ts';

/** How a specification kept in Git is imported (APIOps publisher: src/publisher/Api.cs). */
const IMPORT: Record<ApiSpecification['format'], { format: string; query?: Record<string, string>; extra?: JsonObject } | null> = {
  'openapi-yaml': { format: 'openapi' },
  'swagger-yaml': { format: 'openapi' },
  'openapi-json': { format: 'openapi+json' },
  'swagger-json': { format: 'swagger-json' },
  wadl: { format: 'wadl-xml', query: { import: 'true' } },
  wsdl: { format: 'wsdl', query: { import: 'true' }, extra: { apiType: 'soap' } },
  // the SDL goes to the API's schema after the API exists
  graphql: null,
};

const GRAPHQL_CONTENT_TYPE = 'application/vnd.ms-azure-apim.graphql.schema';

export interface SeedOptions {
  /** PUTs at once within one level (default 8) */
  concurrency?: number;
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Current revisions before the others: a revision is made from its API. */
function revisionLast(a: Resource, b: Resource): number {
  const ra = a.names.some((n) => n.includes(';rev=')) ? 1 : 0;
  const rb = b.names.some((n) => n.includes(';rev=')) ? 1 : 0;
  return ra - rb;
}

async function putOne(arm: Arm, r: Resource, state: State): Promise<void> {
  const spec = kindSpec(r.kind);
  // operations and schemas come from the API's specification
  if (spec.artifact.content === 'none') return;
  const properties: JsonObject = structuredClone(r.properties);
  let query: Record<string, string> | undefined;
  const specification = r.specification;
  if (specification) {
    const how = IMPORT[specification.format];
    if (how) {
      Object.assign(properties, { format: how.format, value: specification.content }, how.extra ?? {});
      query = how.query;
    }
  }
  if (spec.link && spec.link.property === null) {
    await arm.put(r.kind, r.names, { properties: { provisioningState: 'created' } });
    return;
  }
  const afterCreate = AFTER_CREATE[r.kind];
  const existed = afterCreate ? (await arm.get(r.kind, r.names)) !== undefined : true;
  await arm.put(r.kind, r.names, { properties }, query ? { query } : {});
  if (specification?.format === 'graphql') {
    await arm.put('apiSchema', [...r.names, 'graphql'], { properties: { contentType: GRAPHQL_CONTENT_TYPE, document: { value: specification.content } } });
  }
  if (!existed) await afterCreate?.(arm, r.names, state);
}

/** APIM gives a new product a subscription and the Administrators group; the publisher removes what Git lacks. */
async function removeProductExtras(arm: Arm, names: readonly string[], state: State): Promise<void> {
  const product = names[0] as string;
  const scope = relativeId('product', [product]).toLowerCase();
  for (const sub of await arm.listAll('subscription', [])) {
    const s = String(sub.properties.scope ?? '').toLowerCase();
    if (s.endsWith(scope) && !state.has('subscription', [sub.name])) await arm.delete('subscription', [sub.name]);
  }
  for (const link of await arm.listAll('productGroupLink', [product])) {
    const group = String(link.properties.groupId ?? '').split('/').pop() ?? '';
    if (!state.has('productGroupLink', [product, group])) await arm.delete('productGroupLink', [product, link.name]);
  }
}

const AFTER_CREATE: Partial<Record<Kind, (arm: Arm, names: readonly string[], state: State) => Promise<void>>> = {
  product: removeProductExtras,
};

/** PUTs every resource of `state`, lower levels first (see the module comment). */
export async function seedState(arm: Arm, state: State, options: SeedOptions = {}): Promise<void> {
  const byLevel = new Map<number, Resource[]>();
  for (const r of state.list()) {
    const level = LEVELS[r.kind];
    byLevel.set(level, [...(byLevel.get(level) ?? []), r]);
  }
  for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
    const resources = (byLevel.get(level) ?? []).sort(revisionLast);
    // revisions wait for their API, children for their parents: one pass per depth and revision flag
    const passes = new Map<string, Resource[]>();
    for (const r of resources) {
      const key = `${ancestry(r.kind).length}:${revisionLast(r, { ...r, names: [] })}`;
      passes.set(key, [...(passes.get(key) ?? []), r]);
    }
    for (const key of [...passes.keys()].sort()) {
      await inParallel(passes.get(key) ?? [], options.concurrency ?? 8, (r) => putOne(arm, r, state));
    }
  }
}
