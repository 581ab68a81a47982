// Which writes of a plan must wait for which: the dependency graph that apply.ts runs. Pure data from the
// kinds table and the desired resources, so a write starts as soon as what it needs exists, instead of waiting
// for a whole dependency level (an operation policy needs its own API, not all 300 APIs of the estate).
//
// A write waits for the writes in the same plan of:
// - its ancestors (an operation policy waits for its API's PUT, which creates the operations from the spec);
// - what it references: the link's other end, `apiVersionSetId`, `loggerId`, a subscription's `scope`… (exact
//   resources, read from the ids in the desired properties);
// - what its policy names: the named values of its `{{tokens}}` (by display name), the fragments it includes, the
//   backends and loggers it sends to. APIM refuses a policy that names any of them before it exists; a fragment may
//   include another one;
// - the named values of the `{{tokens}}` in its properties (a logger's or a backend's credentials);
// - every resource of the other kinds it comes `after` (a backend after the certificates), only within its own API
//   or product when that kind lives there (an operation waits for its own API's schemas);
// - the write before it on the same API: APIM answers 409 "Operation on the API is in progress" to concurrent
//   writes below one API, so they go one after another, in plan order;
// - a write that gives up a value APIM keeps unique (uniqueClaims) which this write takes: a named value whose
//   display name moves to another one.
// Deletes that give up such a value go before the writes that take it (apply.ts): an API renamed with its path kept.
// Exact edges keep the graph linear in the estate: 4,000 named values and 10,000 policies make ~10,000 edges, not
// the 40 million of "every policy after every named value".
import { KIND_NAMES, type Kind, ancestry, kindSpec } from '../core/kinds.ts';
import { releasedClaims, uniqueClaims } from '../core/unique.ts';
import { parseResourceId, relativeId, relativizeId } from '../core/files/ids.ts';
import { linkTargetNames } from '../core/files/layout.ts';
import type { PlanItem } from '../core/plan/types.ts';
import { type Json, type Resource, type State, foldedKey } from '../core/state.ts';
import { type PolicyReferences, namedValueTokens, policyReferences } from '../core/policy.ts';
import { rememberedPerText } from '../core/memo.ts';
import { isBelowOperation, isSoapApi } from '../core/soap.ts';
import { GraphCycleError, criticalPathLengths } from './schedule.ts';

/**
 * What a plan can use of the live state when nothing is pruned: a live resource Git does not hold never becomes
 * an item then, so below the top-level lists only what Git holds is read — the collections and resources on the
 * way to each desired resource, and every desired API's operations (its specification is compared with them).
 * An estate with policies on a few of its thousand operations is read with a few policy requests, not a thousand
 * (ARM counts every read against the subscription's budget).
 */
export function neededFor(desired: State): (kind: Kind, names: readonly string[]) => boolean {
  const marks = new Set<string>();
  // a SOAP API's operations have ids of the instance's own (core/soap.ts): which one Git's policy belongs to is
  // known only once they are read, so what is below every one of them is read
  const soap = new Set<string>();
  for (const r of desired.list()) {
    if (isSoapApi(r)) soap.add(r.names[0]!.toLowerCase());
    const chain = ancestry(r.kind);
    for (let depth = 1; depth <= chain.length; depth++) {
      marks.add(foldedKey(chain[depth - 1]!, r.names.slice(0, depth - 1))); // the collection
      marks.add(foldedKey(chain[depth - 1]!, r.names.slice(0, depth))); // the resource
    }
    if (r.kind === 'api') marks.add(foldedKey('apiOperation', r.names));
    // a GraphQL API's types are compared with its schema `graphql`
    if (r.kind === 'api' && r.specification?.format === 'graphql') marks.add(foldedKey('apiSchema', r.names));
  }
  return (kind, names) => marks.has(foldedKey(kind, names)) || (isBelowOperation(kind) && soap.has(names[0]!.toLowerCase()));
}

/** The lane of an item: writes to one API (and everything below it, revisions included) go one after another. */
export function laneOf(item: PlanItem): string {
  return ancestry(item.kind)[0] === 'api' ? `api:${item.names[0]!.replace(/;rev=\d+$/, '').toLowerCase()}` : `item:${item.key}`;
}

// the policies of a plan are parsed for every target: once per distinct text
const referencesOf: (xml: string) => PolicyReferences = rememberedPerText(policyReferences);

/** Kinds a policy names by id or display name, awaited exactly rather than as a whole kind. */
const NAMED_BY_POLICY = new Set<Kind>(['namedValue', 'policyFragment', 'backend', 'logger']);

function property(properties: Json | undefined, path: string): Json | undefined {
  let value = properties;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined;
  return value;
}

/**
 * For each item (all creates or updates), the indexes of the items it waits for. The kinds table's edges point to
 * earlier items of the list (plan order is by level); fragments including fragments may point either way, and
 * could even form a cycle, which schedule.ts refuses.
 */
export function upsertDependencies(items: readonly PlanItem[], desired: State): number[][] {
  const index = new Map<string, number>();
  const byKind = new Map<Kind, number[]>();
  // `{{token}}` names a named value by its display name (APIM matches it without regard to case)
  const byDisplayName = new Map<string, number>();
  items.forEach((item, i) => {
    index.set(foldedKey(item.kind, item.names), i);
    const same = byKind.get(item.kind);
    if (same) same.push(i);
    else byKind.set(item.kind, [i]);
    if (item.kind === 'namedValue') {
      const displayName = desired.get(item.kind, item.names)?.properties.displayName;
      byDisplayName.set((typeof displayName === 'string' ? displayName : item.names[0]!).toLowerCase(), i);
    }
  });
  // who gives up which unique value (an update moving a display name away), for the item taking it
  const releasedBy = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.action === 'update') for (const claim of releasedClaims(item)) releasedBy.set(claim, i);
  });
  const lastOfLane = new Map<string, number>();
  return items.map((item, i) => {
    const deps = new Set<number>();
    const add = (kind: Kind, names: readonly string[]) => {
      const j = index.get(foldedKey(kind, names));
      if (j !== undefined && j !== i) deps.add(j);
    };
    const addTokens = (tokens: readonly string[]) => {
      for (const token of tokens) {
        const j = byDisplayName.get(token.toLowerCase());
        if (j !== undefined && j !== i) deps.add(j);
      }
    };
    const spec = kindSpec(item.kind);
    const chain = ancestry(item.kind);
    for (let depth = 1; depth < chain.length; depth++) add(chain[depth - 1]!, item.names.slice(0, depth));
    const linked = spec.link ? linkTargetNames(item.kind, item.names) : null;
    if (spec.link && linked) add(spec.link.target, linked);
    const want = desired.get(item.kind, item.names);
    for (const ref of spec.props.references) {
      const value = property(want?.properties, ref.property);
      const target = typeof value === 'string' ? parseResourceId(value, ref.kinds) : null;
      // and what the target lives below: an operation a tag links to is made by its API's import, never written itself
      if (target) ancestry(target.kind).forEach((kind, depth) => add(kind, target.names.slice(0, depth + 1)));
    }
    const policy = spec.policy && typeof want?.properties.value === 'string' ? referencesOf(want.properties.value) : null;
    if (policy) {
      addTokens(policy.namedValues);
      for (const fragment of policy.fragments) add('policyFragment', [fragment]);
      for (const backend of policy.backends) add('backend', [backend]);
      for (const logger of policy.loggers) add('logger', [logger]);
    } else if (want && spec.after.includes('namedValue')) {
      addTokens(namedValueTokens(JSON.stringify(want.properties)));
    }
    for (const kind of spec.after) {
      if (spec.link?.target === kind) continue; // the link's own target is awaited above
      if (NAMED_BY_POLICY.has(kind) && (policy || kind === 'namedValue')) continue; // awaited exactly above
      // a kind below the same root (an API's schemas for its operations) is awaited within that root only
      const sameRoot = ancestry(kind).length > 1 && ancestry(kind)[0] === chain[0];
      for (const j of byKind.get(kind) ?? []) {
        if (j === i) continue;
        if (sameRoot && items[j]!.names[0]!.toLowerCase() !== item.names[0]!.toLowerCase()) continue;
        deps.add(j);
      }
    }
    if (releasedBy.size > 0 && want) {
      for (const claim of uniqueClaims(item.kind, item.names, want.properties)) {
        const j = releasedBy.get(claim);
        if (j !== undefined && j !== i) deps.add(j);
      }
    }
    const lane = laneOf(item);
    const previous = lastOfLane.get(lane);
    if (previous !== undefined) deps.add(previous);
    lastOfLane.set(lane, i);
    return [...deps].sort((a, b) => a - b);
  });
}

/**
 * Writes of a plan that give each other's unique values up in a circle (two named values swapping display names):
 * each waits for the other, so no order applies them and APIM holds no two resources with one value even for a
 * moment. Only the writes that give up or take such a value are looked at: most plans have none.
 */
export function swappedValues(items: readonly PlanItem[], desired: State): PlanItem[] {
  const upserts = items.filter((i) => i.action !== 'delete' && !i.cascade);
  const released = new Set(upserts.filter((i) => i.action === 'update').flatMap(releasedClaims));
  if (released.size === 0) return [];
  const involved = upserts.filter((i) => uniqueClaims(i.kind, i.names, desired.get(i.kind, i.names)?.properties ?? {}).some((c) => released.has(c)));
  const dependsOn = upsertDependencies(involved, desired);
  try {
    criticalPathLengths(dependsOn);
    return [];
  } catch (error) {
    if (!(error instanceof GraphCycleError)) throw error;
    return error.tasks.map((t) => involved[t]!);
  }
}

/**
 * Writes taking a display name that a live resource keeps: one Git does not hold and the plan does not delete (an
 * instance configured by hand, a tag extracted elsewhere under another id: apiops #837, #855). APIM would refuse
 * the write after the rest of the plan was applied. `live` must hold the collections of the kinds the plan gives a
 * display name to: an incremental run lists them for this (target.ts withHolders).
 */
export function takenByLive(items: readonly PlanItem[], desired: State, live: State): { item: PlanItem; holder: Resource; displayName: string }[] {
  const kinds = KIND_NAMES.filter((k) => kindSpec(k).props.uniqueDisplayName);
  const candidates = kinds.flatMap((k) => live.list(k));
  if (candidates.length === 0) return [];
  // what Git holds (APIM's names are case-insensitive: `Env` in Git is the live `env`) or the plan deletes
  const accounted = new Set(kinds.flatMap((k) => desired.list(k)).map((r) => foldedKey(r.kind, r.names)));
  for (const i of items) if (i.action === 'delete') accounted.add(foldedKey(i.kind, i.names));
  const holders = new Map<string, Resource>();
  for (const r of candidates) {
    if (accounted.has(foldedKey(r.kind, r.names))) continue;
    for (const claim of uniqueClaims(r.kind, r.names, { displayName: r.properties.displayName })) holders.set(claim, r);
  }
  if (holders.size === 0) return [];
  const out: { item: PlanItem; holder: Resource; displayName: string }[] = [];
  for (const item of items) {
    if (item.action === 'delete' || !kindSpec(item.kind).props.uniqueDisplayName) continue;
    const displayName = desired.get(item.kind, item.names)?.properties.displayName;
    for (const claim of uniqueClaims(item.kind, item.names, { displayName })) {
      const holder = holders.get(claim);
      if (holder && typeof displayName === 'string') out.push({ item, holder, displayName });
    }
  }
  return out;
}

/**
 * The deletes that give up a value a write of the plan takes (an API renamed with its path kept): apply.ts runs
 * them before the writes.
 */
export function freeingDeletes(items: readonly PlanItem[], desired: State): PlanItem[] {
  // (a plan that deletes nothing — every first publish to a region — frees nothing: no claims built)
  const deletes = items.filter((i) => i.action === 'delete' && !i.cascade);
  if (deletes.length === 0) return [];
  const taken = new Set(items.filter((i) => i.action !== 'delete' && !i.cascade).flatMap((i) => uniqueClaims(i.kind, i.names, desired.get(i.kind, i.names)?.properties ?? {})));
  if (taken.size === 0) return [];
  return deletes.filter((i) => releasedClaims(i).some((c) => taken.has(c)));
}

/**
 * Updates that move a reference off a resource a freeing delete removes (a subscription re-scoped from a product
 * renamed with its display name kept): the move needs the new resource, the new resource needs the old one gone,
 * and deleting the old one first would take what still refers to it along (APIM deletes a product's
 * subscriptions with it, and their keys with them).
 */
export function blockedByFreeing(items: readonly PlanItem[], desired: State): { item: PlanItem; freeing: PlanItem }[] {
  const freeing = freeingDeletes(items, desired);
  if (freeing.length === 0) return [];
  const byId = new Map(freeing.map((d) => [relativeId(d.kind, d.names).toLowerCase(), d]));
  const out: { item: PlanItem; freeing: PlanItem }[] = [];
  for (const item of items) {
    if (item.action !== 'update') continue;
    for (const change of item.changes) {
      const d = typeof change.before === 'string' ? byId.get(relativizeId(change.before).toLowerCase()) : undefined;
      if (d) out.push({ item, freeing: d });
    }
  }
  return out;
}
