// Applies one target's plan. Creates and updates run as a dependency graph (dependencies.ts): each write starts
// as soon as what it needs exists, with bounded concurrency, and writes to one API one at a time (APIM answers
// 409 "Operation on the API is in progress" otherwise). Deletes follow, level by level from the deepest up.
// After a failure nothing new starts: what depends on it, and everything not yet started, is reported as not
// attempted, and the target's record stays where it was, so the next run does it again.
import { type Kind, ancestry, armRelativePath, kindSpec } from '../core/kinds.ts';
import type { Arm } from '../core/live/arm.ts';
import { LiveError, describeError } from '../core/live/errors.ts';
import type { PlanItem, TargetPlan } from '../core/plan/types.ts';
import type { JsonObject, Resource, State } from '../core/state.ts';
import { deletePath, getPath } from '../core/json-path.ts';
import { importFormatOf } from '../core/diff/spec.ts';
import { GRAPHQL_SCHEMA_ID, SCHEMA_CONTENT_TYPES } from '../core/specs/types.ts';
import { linkTargetNames } from '../core/files/layout.ts';
import { parseResourceId } from '../core/files/ids.ts';
import { freeingDeletes, laneOf, upsertDependencies } from './dependencies.ts';
import { GraphCycleError, criticalPathLengths, runGraph } from './schedule.ts';
import { SoapOperationIds } from './operation-ids.ts';

export interface ApplyResult {
  applied: PlanItem[];
  failed: Array<{ item: PlanItem; error: string }>;
  notAttempted: PlanItem[];
}

export interface ApplyOptions {
  /** writes in flight at once for this target */
  concurrency?: number;
  onItem?: (event: { item: PlanItem; outcome: 'applied' | 'failed'; error?: string }) => void;
}

interface WriteContext {
  arm: Arm;
  item: PlanItem;
  /** the desired resource (absent for deletes) */
  want: Resource | undefined;
  desired: State;
  /** the item creates the resource */
  creating: boolean;
  /** the target's ids of SOAP APIs' operations (core/soap.ts) */
  operationIds: SoapOperationIds;
}

/** The body APIM takes: the resource's properties without what APIM computes itself. */
export function writableProperties(resource: Resource): JsonObject {
  // copies only what it changes (the desired resource is never touched): a 3,000-policy publish clones nothing
  const props = { ...resource.properties };
  for (const path of kindSpec(resource.kind).props.readOnly) {
    if (getPath(props, path) === undefined) continue;
    const top = path.split('.')[0]!;
    if (top !== path) props[top] = structuredClone(props[top]!);
    deletePath(props, path);
  }
  return props;
}

/** A link's older route addresses it by its target's name (`/products/p/apis/a`): no link id to know. */
function legacyPath(kind: Kind, names: readonly string[]): string | null {
  const spec = kindSpec(kind);
  const route = spec.link?.legacyRoute;
  const target = linkTargetNames(kind, names);
  if (!spec.link || !route || !target || spec.parent === null) return null;
  const ownerNames = names.slice(0, ancestry(spec.parent).length);
  if (route.parent === spec.parent) return `${armRelativePath(spec.parent, ownerNames)}/${route.segment}/${target.join('/')}`;
  return `${armRelativePath(spec.link.target, target)}/${route.segment}/${ownerNames.join('/')}`;
}

interface WriteHook {
  put?(ctx: WriteContext): Promise<void>;
  /** query parameters APIM needs to delete with everything attached */
  deleteQuery?: Record<string, string>;
  /** after a create: undo what APIM created by itself that Git does not hold */
  afterCreate?(ctx: WriteContext): Promise<void>;
}


const putLink = async ({ arm, item }: WriteContext) => {
  const path = legacyPath(item.kind, item.names);
  if (!path) throw new Error(`${item.kind} ${item.names.join('/')}: no route to link it`);
  await arm.request('PUT', path);
};

const WRITE_HOOKS: Partial<Record<Kind, WriteHook>> = {
  api: {
    async put({ arm, item, want, creating }) {
      const props = writableProperties(want!);
      const rev = /^(.*);rev=\d+$/.exec(item.names[0]!);
      // a revision is created from its API (APIM refuses to change path or version on a non-current revision)
      if (rev && creating) props.sourceApiId = `/apis/${rev[1]}`;
      const spec = want!.specification;
      const importSpec = spec && spec.format !== 'graphql' && (creating || item.spec !== undefined);
      if (importSpec) {
        props.format = importFormatOf(spec);
        props.value = spec.content;
      }
      if (spec?.format === 'graphql' && props.type === undefined) props.type = 'graphql';
      await arm.put('api', item.names, { properties: props }, { read: false });
      // GraphQL: the schema is its own resource (apiops: PUT apis/<a>/schemas/graphql)
      if (spec?.format === 'graphql' && (creating || item.spec !== undefined)) {
        await arm.put('apiSchema', [item.names[0]!, GRAPHQL_SCHEMA_ID], { properties: { contentType: SCHEMA_CONTENT_TYPES.graphql, document: { value: spec.content } } }, { read: false });
      }
    },
    deleteQuery: { deleteRevisions: 'true' },
  },
  product: {
    deleteQuery: { deleteSubscriptions: 'true' },
    // APIM gives a new product the Administrators group and an administrator subscription (apiops #655)
    async afterCreate({ arm, item, desired }) {
      const product = item.names[0]!;
      for (const link of await arm.listAll('productGroupLink', [product])) {
        const groupName = String(link.properties.groupId ?? '').split('/').pop() ?? '';
        if (!desired.has('productGroupLink', [product, groupName])) await arm.delete('productGroupLink', [product, link.name]);
      }
      for (const sub of await arm.listAll('subscription', [], { $filter: `endswith(properties/scope, '/products/${product}')` })) {
        if (!desired.has('subscription', [sub.name])) await arm.delete('subscription', [sub.name]);
      }
    },
  },
  productApiLink: { put: putLink },
  productGroupLink: { put: putLink },
  tagApiLink: { put: putLink },
  tagProductLink: { put: putLink },
  // the link's own route (`tags/{t}/operationLinks/{link}`): an operation's older route (`…/operations/{o}/tags/{t}`)
  // needs the API, which the link's names do not carry; the operation's id is the target's own (a SOAP API's: core/soap.ts)
  tagOperationLink: {
    async put({ arm, item, want, operationIds }) {
      const operation = parseResourceId(String(want!.properties.operationId ?? ''), ['apiOperation']);
      if (!operation) throw new Error(`${item.kind} ${item.names.join('/')}: operationId '${String(want!.properties.operationId)}' names no operation`);
      const [api, name] = operation.names as [string, string];
      const id = await operationIds.operationId(api, name);
      if (id === undefined) throw new Error(`the target's API '${api}' has no operation with the route of Git's '${name}'`);
      await arm.put('tagOperationLink', item.names, { properties: { operationId: `${arm.conn.servicePath}/${armRelativePath('apiOperation', [api, id])}` } }, { read: false });
    },
  },
  gatewayApi: {
    async put({ arm, item }) {
      await arm.put('gatewayApi', item.names, { properties: { provisioningState: 'created' } });
    },
  },
};

async function applyItem(ctx: WriteContext): Promise<void> {
  const { arm, item } = ctx;
  const hook = WRITE_HOOKS[item.kind];
  if (item.action === 'delete') {
    const path = legacyPath(item.kind, item.names);
    if (path) {
      await arm.request('DELETE', path).catch((error: unknown) => {
        if (!(error instanceof LiveError && error.status === 404)) throw error;
      });
      return;
    }
    await arm.delete(item.kind, item.names, { query: hook?.deleteQuery });
    return;
  }
  if (hook?.put) await hook.put(ctx);
  else await arm.put(item.kind, item.names, { properties: writableProperties(ctx.want!) }, { read: false });
  if (ctx.creating && hook?.afterCreate) await hook.afterCreate(ctx);
}

async function runBatch(items: PlanItem[], concurrency: number, work: (item: PlanItem) => Promise<unknown>): Promise<void> {
  const lanes = new Map<string, PlanItem[]>();
  for (const item of items) {
    const lane = lanes.get(laneOf(item));
    if (lane) lane.push(item);
    else lanes.set(laneOf(item), [item]);
  }
  const queue = [...lanes.values()];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (next < queue.length) {
        const lane = queue[next++]!;
        for (const item of lane) await work(item);
      }
    }),
  );
}

export async function applyPlan(arm: Arm, plan: TargetPlan, desired: State, options: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], failed: [], notAttempted: [] };
  // at least one: a bound of zero would start nothing and report nothing failed
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8) || 1);
  const operationIds = new SoapOperationIds(arm, desired);
  const attempt = async (item: PlanItem): Promise<boolean> => {
    const want = item.action === 'delete' ? undefined : desired.get(item.kind, item.names);
    try {
      // below a SOAP API's operation, the target knows it by an id of its own (core/soap.ts)
      const names = await operationIds.armNames(item.kind, item.names);
      if (!names) throw new Error(`the target's API '${item.names[0]}' has no operation ${operationIds.routeOf(item.kind, item.names)} (Git's '${item.names[1]}')`);
      await applyItem({ arm, item: names === item.names ? item : { ...item, names: [...names] }, want, desired, creating: item.action === 'create', operationIds });
      if (item.kind === 'api') operationIds.forget(item.names[0]!);
      result.applied.push(item);
      options.onItem?.({ item, outcome: 'applied' });
      return true;
    } catch (error) {
      const message = describeError(error);
      result.failed.push({ item, error: message });
      options.onItem?.({ item, outcome: 'failed', error: message });
      return false;
    }
  };
  const items = plan.items.filter((i) => !i.cascade);
  const upserts = items.filter((i) => i.action !== 'delete');
  // a delete giving up a value APIM keeps unique that a write takes goes first (an API renamed with its path kept,
  // a named value re-created under another id): APIM refuses the write while the old resource holds the value
  const freeing = new Set(freeingDeletes(items, desired));
  const deletes = items.filter((i) => i.action === 'delete' && !freeing.has(i));
  const dependsOn = upsertDependencies(upserts, desired);
  try {
    criticalPathLengths(dependsOn);
  } catch (error) {
    if (!(error instanceof GraphCycleError)) throw error;
    // fragments that include each other, or unique values (display names, paths) swapped between resources: APIM
    // cannot take either write first, so nothing is sent
    const cycle = new Set(error.tasks);
    const names = error.tasks.map((t) => upserts[t]!.names.join('/')).join(', ');
    const why = 'waits in a circle (policy fragments that include each other, or a display name or path swapped between them), so none can be written first';
    for (const task of error.tasks) result.failed.push({ item: upserts[task]!, error: `${why} (${names})` });
    result.notAttempted.push(...upserts.filter((_, t) => !cycle.has(t)), ...freeing, ...deletes);
    return result;
  }
  if (freeing.size > 0 && !(await deleteByLevel([...freeing], concurrency, attempt, result))) {
    result.notAttempted.push(...upserts, ...deletes);
    return result;
  }
  const graph = await runGraph({ dependsOn, concurrency, run: (task) => attempt(upserts[task]!) });
  for (const task of graph.notStarted) result.notAttempted.push(upserts[task]!);
  if (result.failed.length > 0) {
    result.notAttempted.push(...deletes);
    return result;
  }
  await deleteByLevel(deletes, concurrency, attempt, result);
  return result;
}

/**
 * Deletes in plan order: consecutive items of one level form a batch that may run in parallel, deepest level
 * first. After a failure the later batches are not attempted; false then.
 */
async function deleteByLevel(deletes: readonly PlanItem[], concurrency: number, attempt: (item: PlanItem) => Promise<boolean>, result: ApplyResult): Promise<boolean> {
  const batches: PlanItem[][] = [];
  for (const item of deletes) {
    const last = batches[batches.length - 1];
    if (last && last[0]!.level === item.level) last.push(item);
    else batches.push([item]);
  }
  for (let b = 0; b < batches.length; b++) {
    await runBatch(batches[b]!, concurrency, attempt);
    if (result.failed.length > 0) {
      for (const rest of batches.slice(b + 1)) result.notAttempted.push(...rest);
      return false;
    }
  }
  return true;
}
