// One target, end to end: read what the target records, decide full or incremental, read the live State (all of
// which needs nothing from the files, so run.ts starts it while the files are being validated), then diff and guard
// mass deletes. Publishing then writes only what it must:
// - nothing at all when the target already records the commit and the plan is empty (a re-run);
// - one compare-and-swap write of the record when only the commit moves (no change to configuration);
// - otherwise: take the lock — against the record as read, so the reads stay valid (else read and plan again);
//   while the plan is computed when files changed —, apply, then record the commit and release the lock in one
//   write.
import { type Kind, KIND_NAMES, kindSpec } from '../core/kinds.ts';
import type { Target } from '../core/config/apiops.ts';
import type { ExtractorFilter } from '../core/config/filter.ts';
import { diffStates } from '../core/diff/diff.ts';
import { Arm } from '../core/live/arm.ts';
import { type LiveTarget, connect } from '../core/live/connect.ts';
import type { RetrySettings } from '../core/live/retry.ts';
import { LiveError, describeError } from '../core/live/errors.ts';
import { readLive, resourceFromArm } from '../core/live/read.ts';
import { readHook } from '../core/live/read-hooks.ts';
import type { PlanItem, TargetPlan } from '../core/plan/types.ts';
import { secretProperties } from '../core/normalize.ts';
import { type Resource, type ResourceKey, State, parseResourceKey, resourceKey } from '../core/state.ts';
import { isSystemResource } from '../core/system.ts';
import { linkTargetNames } from '../core/files/layout.ts';
import { type ApplyResult, applyPlan } from './apply.ts';
import { SoapOperationIds } from './operation-ids.ts';
import { isBelowOperation, isSoapApi, withSoapOperationNames } from '../core/soap.ts';
import { blockedByFreeing, swappedValues, takenByLive } from './dependencies.ts';
import { type RecordState, abandonedLock, acquireLock, commitAndRelease, lockedByAnother, readRecord, recordCommit, release } from './record.ts';

export type TargetStatus = 'applied' | 'unchanged' | 'failed' | 'unreachable' | 'refused' | 'skipped' | 'planned';

export interface TargetOutcome {
  target: string;
  status: TargetStatus;
  plan: TargetPlan;
  apply?: ApplyResult;
  /** the commit the target records after this run */
  recorded: string | null;
  error?: string;
}

export interface TargetRun {
  target: Target;
  liveTarget: LiveTarget;
  /** desired State (files + overrides + tokens) */
  desired: State;
  /** the commit being published; null: the working tree (diff only) */
  commit: string | null;
  /** the resources the repository owns (prune scope) */
  filter: ExtractorFilter;
  /** keys changed since the recorded commit, for incremental runs; null when that commit is not an ancestor */
  changedSince?: (recorded: string) => Promise<ReadonlySet<ResourceKey> | null>;
  /** whether the recorded commit descends from the commit being published (the target is ahead) */
  isAhead?: (recorded: string) => Promise<boolean>;
  mode: { full: boolean; prune: boolean; maxDeletePercent: number; maxDeletions?: number; allowMassDelete: boolean };
  apply: boolean;
  owner: string;
  /** writes in flight */
  concurrency: number;
  /** reads in flight */
  readConcurrency: number;
  /** LRO poll interval (emulators finish at once; real APIM takes seconds) */
  pollIntervalMs?: number;
  retry?: RetrySettings;
  warnings: string[];
  onItem?: (target: string, event: { item: PlanItem; outcome: 'applied' | 'failed'; error?: string }) => void;
  /** the reads, when the caller started them already (readTarget) */
  reads?: Promise<TargetReads>;
  /** what the plan can use of a full read when nothing is pruned (dependencies.ts neededFor); absent: read all */
  needed?: Promise<(kind: Kind, names: readonly string[]) => boolean>;
  /** create items shared by the targets of one run (diff.ts) */
  creates?: WeakMap<Resource, PlanItem>;
  /**
   * Resources whose desired properties take `{#TOKEN#}` values from the environment: compared on every run, even
   * incremental, since a rotated secret changes no file.
   */
  tokenized?: ReadonlySet<ResourceKey>;
}

/** What readTarget needs: nothing from the files. */
export type TargetReadSettings = Pick<TargetRun, 'liveTarget' | 'commit' | 'filter' | 'changedSince' | 'isAhead' | 'mode' | 'readConcurrency' | 'pollIntervalMs' | 'retry' | 'needed'>;

export interface TargetReads {
  arm: Arm;
  /** the record as read (its ETag is what the lock is taken against) */
  record: RecordState;
  /** the target holds a commit newer than the one being published */
  ahead: boolean;
  /** incremental: the keys changed since the recorded commit; null: full */
  scope: ReadonlySet<ResourceKey> | null;
  live: State;
}

export function connectTarget(settings: TargetReadSettings): Arm {
  return new Arm(connect(settings.liveTarget, { retry: settings.retry }), { pollIntervalMs: settings.pollIntervalMs });
}

/** The record, the mode, and the live State that the diff needs (all of it, or only what changed since the record). */
export async function readTarget(settings: TargetReadSettings, arm: Arm = connectTarget(settings), record?: RecordState): Promise<TargetReads> {
  const state = record ?? (await readRecord(arm));
  const recorded = state.record.commit;
  // a target that already holds a newer commit is never moved back
  if (recorded && settings.commit && recorded !== settings.commit && settings.isAhead && (await settings.isAhead(recorded))) {
    return { arm, record: state, ahead: true, scope: null, live: new State() };
  }
  // incremental from the recorded commit when there is one to start from; else (or --full) reconcile everything
  let scope: ReadonlySet<ResourceKey> | null = null;
  if (!settings.mode.full && recorded && settings.commit && settings.changedSince && !abandonedLock(state)) {
    scope = recorded === settings.commit ? new Set() : await settings.changedSince(recorded);
  }
  // the diff compares an API's operations, not its exported document: no export requests
  const needed = settings.mode.prune ? undefined : settings.needed;
  const live = scope === null ? (await readLive(arm, { filter: settings.filter, concurrency: settings.readConcurrency, specifications: false, needed })).state : await readScoped(arm, scope);
  return { arm, record: state, ahead: false, scope, live };
}

const CARRIED_BY_SPEC = new Set<Kind>(KIND_NAMES.filter((k) => kindSpec(k).artifact.content === 'none'));

/** Policies are read verbatim (a policy read without it comes back escaped). */
const policyQuery = (kind: Kind): Record<string, string> => (kindSpec(kind).policy ? { format: 'rawxml' } : {});

/** The live resources that incremental publishing needs: only the scoped ones (and an API's operations). */
async function readScoped(arm: Arm, scope: ReadonlySet<ResourceKey>): Promise<State> {
  const state = new State();
  const linkCache = new Map<string, Promise<Resource[]>>();
  const linksOf = (kind: Kind, ownerNames: string[]): Promise<Resource[]> => {
    const cacheKey = resourceKey(kind, ownerNames);
    let found = linkCache.get(cacheKey);
    if (!found) {
      // (an owner the target does not hold yet — created by this very commit — has no links: APIM answers 404)
      const listed = arm.listAll(kind, ownerNames).catch((error: unknown) => {
        if (error instanceof LiveError && error.status === 404) return [];
        throw error;
      });
      found = listed.then((items) =>
        items
          .map((c) => {
            const target = String(c.properties[kindSpec(kind).link?.property ?? ''] ?? '');
            const targetName = decodeURIComponent(target.split('/').pop() ?? c.name);
            try {
              return resourceFromArm(kind, [...ownerNames, targetName], c);
            } catch {
              return undefined;
            }
          })
          .filter((r): r is Resource => r !== undefined),
      );
      linkCache.set(cacheKey, found);
    }
    return found;
  };
  await Promise.all(
    [...scope].map(async (key) => {
      const { kind, names } = parseResourceKey(key);
      if (CARRIED_BY_SPEC.has(kind)) return;
      const spec = kindSpec(kind);
      if (spec.link && spec.link.property !== null && linkTargetNames(kind, names)) {
        const owner = names.slice(0, names.length - 1);
        const found = (await linksOf(kind, owner)).find((r) => r.names[r.names.length - 1]!.toLowerCase() === names[names.length - 1]!.toLowerCase());
        if (found) state.put(found);
        return;
      }
      const contract = await arm.get(kind, names, policyQuery(kind)).catch((error: unknown) => {
        // below an operation Git names and the target does not know by that name (a SOAP API's: its ids are the
        // target's own, core/soap.ts) APIM may answer 400 "Entity with specified identifier not found" rather than
        // 404 (apiops #474): absent here, and read again under the target's id once Git's files say which
        if (isBelowOperation(kind) && error instanceof LiveError && (error.status === 400 || error.status === 404)) return undefined;
        throw error;
      });
      if (!contract) return;
      const resource = resourceFromArm(kind, names, contract);
      state.put(resource);
      if (kind === 'api') {
        for (const op of await arm.listAll('apiOperation', names)) state.put(resourceFromArm('apiOperation', [names[0]!, op.name], op));
        // and the schemas a full read would take (read-hooks.ts): a GraphQL API's types are compared with its schema
        for (const name of readHook('apiSchema')?.names?.(resource) ?? []) {
          const schema = await arm.get('apiSchema', [names[0]!, name]);
          if (schema) state.put(resourceFromArm('apiSchema', [names[0]!, name], schema));
        }
      }
    }),
  );
  return state;
}

/**
 * A SOAP API imported again may give an operation whose soapAction changed a new id — without the policy the old
 * one had, although its file did not change: what is below the operations of a SOAP API in the scope is compared
 * too (core/soap.ts).
 */
function withSoapPolicies(scope: ReadonlySet<ResourceKey>, desired: State): ReadonlySet<ResourceKey> {
  const apis = new Set<string>();
  for (const key of scope) {
    const { kind, names } = parseResourceKey(key);
    if (kind === 'api' && isSoapApi(desired.get('api', names))) apis.add(names[0]!.toLowerCase());
  }
  if (apis.size === 0) return scope;
  const below = desired.list().filter((r) => isBelowOperation(r.kind) && apis.has(r.names[0]!.toLowerCase()));
  return new Set([...scope, ...below.map((r) => resourceKey(r.kind, r.names))]);
}

/**
 * An incremental run reads what changed by its name in Git; below a SOAP API's operation the target has an id of
 * its own (core/soap.ts), so what the name did not find is read again under the target's id.
 */
async function withScopedSoapOperations(arm: Arm, scope: ReadonlySet<ResourceKey>, desired: State, live: State): Promise<State> {
  const ids = new SoapOperationIds(arm, desired);
  const found: Resource[] = [];
  await Promise.all(
    [...scope].map(async (key) => {
      const { kind, names } = parseResourceKey(key);
      if (live.has(kind, names) || ids.routeOf(kind, names) === undefined) return;
      const armNames = await ids.armNames(kind, names);
      const contract = armNames && (await arm.get(kind, armNames, policyQuery(kind)));
      if (contract) found.push(resourceFromArm(kind, names, contract));
    }),
  );
  return found.length === 0 ? live : State.from([...live.list(), ...found]);
}

/**
 * An incremental run reads only what changed, so a live-only resource holding a display name the plan takes (an
 * instance configured by hand, a tag extracted elsewhere under another id: apiops #837, #855) is not in its live
 * state: APIM would refuse the write after the rest of the plan was applied. When the plan gives a resource of a
 * kind with unique display names a new one (a create, or a display name changed), that kind's collection is read
 * — a page per hundred resources, only then — for the refusal check (never for the diff: nothing read here
 * becomes a delete).
 */
async function withHolders(arm: Arm, items: readonly PlanItem[], desired: State, live: State): Promise<State> {
  const collections = new Map<string, { kind: Kind; parent: string[] }>();
  for (const item of items) {
    if (item.cascade || !kindSpec(item.kind).props.uniqueDisplayName) continue;
    if (item.action === 'delete' || (item.action === 'update' && !item.changes.some((c) => c.path === 'displayName'))) continue;
    if (typeof desired.get(item.kind, item.names)?.properties.displayName !== 'string') continue;
    const parent = item.names.slice(0, -1);
    collections.set(resourceKey(item.kind, parent), { kind: item.kind, parent });
  }
  if (collections.size === 0) return live;
  const listed = await Promise.all(
    [...collections.values()].map(async ({ kind, parent }) => (await arm.listAll(kind, parent)).map((c) => resourceFromArm(kind, [...parent, c.name], c))),
  );
  return State.from([...live.list(), ...listed.flat()]);
}

/** What the target holds of each secret named value Git gives a value for (APIM returns it only from listValue). */
async function readSecrets(arm: Arm, desired: State, live: State, scope: ReadonlySet<ResourceKey> | undefined): Promise<Map<ResourceKey, string>> {
  const out = new Map<ResourceKey, string>();
  const wanted = desired
    .list('namedValue')
    .filter((r) => typeof r.properties.value === 'string' && secretProperties(r.kind, r.properties).includes('value') && live.has(r.kind, r.names))
    .filter((r) => !scope || scope.has(resourceKey(r.kind, r.names)));
  await Promise.all(
    wanted.map(async (r) => {
      const body = (await arm.action('namedValue', [...r.names], 'listValue')) as { value?: unknown };
      if (typeof body?.value === 'string') out.set(resourceKey(r.kind, r.names), body.value);
    }),
  );
  return out;
}

function emptyPlan(run: TargetRun, fromCommit: string | null, mode: 'full' | 'incremental'): TargetPlan {
  return { target: run.target.name, mode, fromCommit, toCommit: run.commit, items: [], summary: { create: 0, update: 0, delete: 0, unchanged: 0 }, warnings: [...run.warnings] };
}

/** The plan of one target from what was read of it (a few more reads: secrets, resources that take tokens). */
async function planTarget(run: TargetRun, reads: TargetReads): Promise<TargetPlan> {
  const recorded = reads.record.record.commit;
  let { scope, live } = reads;
  const plan = emptyPlan(run, recorded, scope === null ? 'full' : 'incremental');
  if (scope !== null && run.tokenized) {
    // a rotated secret changes no file: what takes a token is compared whatever changed
    const extra = new Set([...run.tokenized].filter((key) => !scope!.has(key)));
    if (extra.size > 0) {
      const more = await readScoped(reads.arm, extra);
      live = State.from([...live.list(), ...more.list()]);
      scope = new Set([...scope, ...extra]);
    }
  }
  const arm = reads.arm;
  // a SOAP API's operations under Git's names (core/soap.ts)
  live = withSoapOperationNames(live, run.desired);
  if (scope !== null) {
    scope = withSoapPolicies(scope, run.desired);
    live = await withScopedSoapOperations(arm, scope, run.desired, live);
  }
  const liveSecrets = await readSecrets(arm, run.desired, live, scope ?? undefined);
  const owned = (r: Resource) => !isSystemResource(r.kind, r.names, r.properties) && run.filter.includes(r.kind, r.names);
  const diff = diffStates(run.desired, live, { scope: scope ?? undefined, prune: run.mode.prune, owned, liveSecrets, creates: run.creates });
  plan.items = diff.items;
  plan.warnings.push(...diff.warnings);
  plan.summary = {
    create: diff.items.filter((i) => i.action === 'create').length,
    update: diff.items.filter((i) => i.action === 'update').length,
    delete: diff.items.filter((i) => i.action === 'delete').length,
    unchanged: diff.unchanged,
  };
  // refuse a plan that deletes a large share of what the target holds (a wrong filter or an emptied folder). An
  // incremental run reads only what changed, so what the target holds is what Git held at its recorded commit:
  // what Git holds now, less what the plan creates, plus what it deletes.
  const deletes = plan.summary.delete;
  const counted = (state: State) => state.list().filter((r) => !CARRIED_BY_SPEC.has(r.kind)).length;
  const liveCount = scope === null ? counted(live) : Math.max(deletes, counted(run.desired) - plan.summary.create + deletes);
  const tooMany = liveCount > 0 && (deletes / liveCount) * 100 > run.mode.maxDeletePercent;
  const overMax = run.mode.maxDeletions !== undefined && deletes > run.mode.maxDeletions;
  if ((tooMany || overMax) && !run.mode.allowMassDelete) {
    plan.refused = `the plan deletes ${deletes} of ${liveCount} resources (more than ${overMax ? `${run.mode.maxDeletions}` : `${run.mode.maxDeletePercent} %`}); pass --allow-mass-delete if that is intended`;
  }
  const taken = plan.refused ? [] : takenByLive(plan.items, run.desired, scope === null ? live : await withHolders(arm, plan.items, run.desired, live));
  if (taken.length > 0) {
    const what = taken.map(({ item, holder, displayName }) => `${kindSpec(item.kind).title} '${item.names.join('/')}' takes the display name '${displayName}', which ${kindSpec(holder.kind).title} '${holder.names.join('/')}' holds on the target and Git does not`);
    plan.refused = `${what.join('; ')}: APIM refuses a second holder — delete the live one (publish with --prune) or give one of them another display name`;
  }
  const blocked = plan.refused ? [] : blockedByFreeing(plan.items, run.desired);
  if (blocked.length > 0) {
    const what = blocked.map(({ item, freeing }) => `${kindSpec(item.kind).title} '${item.names.join('/')}' moves off ${kindSpec(freeing.kind).title} '${freeing.names.join('/')}'`);
    plan.refused = `${what.join('; ')}, which must be deleted before its successor can take its ${blocked.length > 1 ? 'values' : 'value'} (a display name or path APIM keeps unique) — deleting it first would take what still refers to it along: publish it in two commits (first give the old one another display name or path)`;
  }
  const swapped = plan.refused ? [] : swappedValues(plan.items, run.desired);
  if (swapped.length > 0) {
    const names = swapped.map((i) => `${kindSpec(i.kind).title} ${i.names.join('/')}`).join(', ');
    plan.refused = `${names} swap values APIM keeps unique (a display name or a path), which it cannot hold twice even for a moment: no order of writes applies this; publish it in two commits (first move one value to a name nothing holds)`;
  }
  return plan;
}

function skippedAhead(run: TargetRun, recorded: string | null): TargetOutcome {
  const plan = emptyPlan(run, recorded, 'incremental');
  plan.refused = `the target already holds ${recorded!.slice(0, 12)}, which is newer than ${run.commit!.slice(0, 12)}; nothing is applied`;
  return { target: run.target.name, status: 'skipped', plan, recorded };
}

export async function runTarget(run: TargetRun): Promise<TargetOutcome> {
  let plan = emptyPlan(run, null, 'full');
  let lock: RecordState | undefined;
  let early: Promise<{ state: RecordState; unchanged: boolean }> | undefined;
  let arm: Arm | undefined;
  try {
    let reads = await (run.reads ?? readTarget(run));
    arm = reads.arm;
    if (reads.ahead) return skippedAhead(run, reads.record.record.commit);
    // A new commit whose files changed here, or a full reconcile to a new commit: writes are likely, so the lock is
    // taken while the plan is computed (APIM writes the record as a long-running operation: a few round trips that
    // the first write need not wait for). A re-run (`--full` included), or a commit that touched nothing here, plans
    // first: it may write nothing at all.
    const moving = reads.record.record.commit !== run.commit && (reads.scope === null || reads.scope.size > 0);
    if (run.apply && run.commit && moving && !lockedByAnother(reads.record, run.owner)) {
      early = acquireLock(arm, { owner: run.owner, commit: run.commit, seen: reads.record });
      early.catch(() => undefined);
    }
    plan = await planTarget(run, reads);
    let recorded = reads.record.record.commit;
    if (plan.refused) {
      if (early) await release(arm, (await early).state);
      return { target: run.target.name, status: 'refused', plan, recorded };
    }
    if (!run.apply || !run.commit) return { target: run.target.name, status: 'planned', plan, recorded };
    if (!early && plan.items.length === 0 && !lockedByAnother(reads.record, run.owner)) {
      // a re-run: the target holds the commit and nothing differs — not one write
      if (recorded === run.commit && !abandonedLock(reads.record)) return { target: run.target.name, status: 'unchanged', plan, recorded };
      // the commit changed nothing the target holds (or a dead run's lock is to be cleared): move the record,
      // compare-and-swap on the record as read (no lock: there is nothing to keep another run from interleaving with)
      if (reads.record.etag && (await recordCommit(arm, { commit: run.commit, etag: reads.record.etag }))) {
        return { target: run.target.name, status: 'unchanged', plan, apply: { applied: [], failed: [], notAttempted: [] }, recorded: run.commit };
      }
    }
    const taken = await (early ?? acquireLock(arm, { owner: run.owner, commit: run.commit, seen: reads.record }));
    lock = taken.state;
    if (!taken.unchanged) {
      // another run wrote the record after the reads: what they saw may have changed since; read and plan again
      reads = await readTarget(run, arm, lock);
      if (reads.ahead) {
        await release(arm, lock);
        return skippedAhead(run, reads.record.record.commit);
      }
      plan = await planTarget(run, reads);
      recorded = reads.record.record.commit;
      if (plan.refused) {
        await release(arm, lock);
        return { target: run.target.name, status: 'refused', plan, recorded };
      }
    }
    const result = await applyPlan(arm, plan, run.desired, { concurrency: run.concurrency, onItem: (e) => run.onItem?.(run.target.name, e) });
    // the commit is recorded only when every change of the plan was applied
    if (result.failed.length > 0 || result.notAttempted.length > 0) {
      await release(arm, lock);
      return { target: run.target.name, status: 'failed', plan, apply: result, recorded, error: result.failed.length > 0 ? `${result.failed.length} change(s) failed` : `${result.notAttempted.length} change(s) not attempted` };
    }
    await commitAndRelease(arm, { commit: run.commit, etag: lock.etag });
    return { target: run.target.name, status: result.applied.length > 0 ? 'applied' : 'unchanged', plan, apply: result, recorded: run.commit };
  } catch (error) {
    // (a lock taken while planning is released too)
    lock ??= early ? await early.then((t) => t.state, () => undefined) : undefined;
    if (lock && arm) await release(arm, lock).catch(() => undefined);
    const unreachable = !(error instanceof LiveError) || error.status >= 500 || error.status === 404;
    return { target: run.target.name, status: unreachable ? 'unreachable' : 'failed', plan, recorded: null, error: describeError(error) };
  }
}
