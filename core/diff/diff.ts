// The diff: desired State (files + overrides) against live State (one APIM instance) → plan items. Pure: no I/O,
// no printing. What APIM decides itself (read-only and defaulted properties, id forms, policy formatting, its
// rewriting of imported specs) never counts as a change; see core/normalize.ts.
import { KIND_NAMES, type Kind, LEVELS, ancestry, kindSpec } from '../kinds.ts';
import { comparableProperties, jsonEqual, secretProperties } from '../normalize.ts';
import { type Json, type JsonObject, type Resource, type ResourceKey, State, foldedKey, resourceKey } from '../state.ts';
import type { PlanItem, PropertyChange, SpecChange } from '../plan/types.ts';
import { unifiedDiff } from './lines.ts';
import { GRAPHQL_SCHEMA_ID } from '../specs/types.ts';
import { GRAPHQL_SCHEMA_CHANGE, compareOperations, graphQlSchemaChanged, impliedBySpec, liveOperations, operationMatchOf, specOperations } from './spec.ts';

export interface DiffOptions {
  /** compare only these resources (incremental publishing: what changed between two commits); absent: all */
  scope?: ReadonlySet<ResourceKey>;
  /** delete live resources that the desired State does not hold, among those `owned` accepts */
  prune?: boolean;
  /** the resources the repository owns (the extractor filter, never APIM's system resources) */
  owned?: (resource: Resource) => boolean;
  /**
   * Secret values as the target holds them (named values' `listValue`), by resource key. APIM never returns a
   * secret on GET, so without this a changed secret cannot be seen.
   */
  liveSecrets?: ReadonlyMap<ResourceKey, string>;
  /**
   * Create items by desired resource, shared by the targets of one run: a resource that no override or token makes
   * different is the same object in every target's desired State, and is created the same way on each (a full
   * publish to three new regions builds 4,000 items once, not three times). Items are never changed once made.
   */
  creates?: WeakMap<Resource, PlanItem>;
}

export interface DiffResult {
  items: PlanItem[];
  unchanged: number;
  warnings: string[];
}

/** Kinds that have no file of their own: their content travels in the parent's specification. */
const CARRIED_BY_SPEC = new Set<Kind>(KIND_NAMES.filter((k) => kindSpec(k).artifact.content === 'none'));

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf-level differences between two comparable property objects (arrays compare as a whole). */
export function propertyChanges(before: JsonObject, after: JsonObject, secret: readonly string[], prefix = ''): PropertyChange[] {
  const out: PropertyChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const path = prefix ? `${prefix}.${key}` : key;
    const b = before[key];
    const a = after[key];
    if (jsonEqual(b, a)) continue;
    if (isObject(b) && isObject(a)) {
      out.push(...propertyChanges(b, a, secret, path));
      continue;
    }
    const isSecret = secret.some((s) => path === s || path.startsWith(`${s}.`));
    const change: PropertyChange = { path };
    if (b !== undefined) change.before = isSecret ? '(secret)' : (b as Json);
    if (a !== undefined) change.after = isSecret ? '(secret)' : (a as Json);
    if (isSecret) change.secret = true;
    out.push(change);
  }
  return out;
}

/** A named value whose value APIM keeps secret (it is never returned; `listValue` tells it). */
function isSecretNamedValue(r: Resource): boolean {
  return kindSpec(r.kind).props.secretFlag !== undefined && secretProperties(r.kind, r.properties).includes('value');
}

function compareSpecs(desired: Resource, live: Resource, liveState: State): SpecChange | null {
  if (!desired.specification) return null;
  const want = specOperations(desired.specification);
  if (!want) return null;
  const ops = liveState.children('apiOperation', live.names);
  const have = ops.length > 0 || !live.specification ? liveOperations(ops) : (specOperations(live.specification) ?? []);
  const change = compareOperations(want, have, operationMatchOf(desired.specification));
  if (desired.specification.format !== 'graphql') return change;
  // a GraphQL API's types live in its schema `graphql`, which its operations (the query fields) do not show
  const document = liveState.get('apiSchema', [live.names[0]!, GRAPHQL_SCHEMA_ID])?.properties.document;
  const liveSdl = isObject(document) && typeof document.value === 'string' ? document.value : live.specification?.format === 'graphql' ? live.specification.content : undefined;
  if (liveSdl !== undefined && !graphQlSchemaChanged(desired.specification.content, liveSdl)) return change;
  const changed = change ?? { added: [], removed: [], changed: [] };
  changed.changed.push(GRAPHQL_SCHEMA_CHANGE);
  return changed;
}

/** The desired resource as APIM will hold it once written: what its specification implies filled in. */
function asWritten(want: Resource): Resource {
  if (!want.specification) return want;
  const implied = impliedBySpec(want.specification);
  const missing = Object.entries(implied).filter(([k]) => want.properties[k] === undefined || want.properties[k] === null);
  if (missing.length === 0) return want;
  return { ...want, properties: { ...Object.fromEntries(missing), ...want.properties } };
}

function applyOrder(a: PlanItem, b: PlanItem): number {
  const rank = (i: PlanItem) => (i.action === 'delete' ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  // creates and updates go up the levels; deletes come down them
  const byLevel = a.action === 'delete' ? b.level - a.level : a.level - b.level;
  if (byLevel !== 0) return byLevel;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function inScope(options: DiffOptions, r: Resource): boolean {
  return !options.scope || options.scope.has(resourceKey(r.kind, r.names));
}

/** APIM compares names case-insensitively: `Pets` live and `pets` in Git are one resource. */
export function diffStates(desired: State, live: State, options: DiffOptions = {}): DiffResult {
  const items: PlanItem[] = [];
  const warnings: string[] = [];
  let unchanged = 0;
  const liveByKey = new Map(live.list().map((r) => [foldedKey(r.kind, r.names), r]));
  const desiredKeys = new Set(desired.list().map((r) => foldedKey(r.kind, r.names)));

  for (const listed of desired.list()) {
    if (CARRIED_BY_SPEC.has(listed.kind) || !inScope(options, listed)) continue;
    const have = liveByKey.get(foldedKey(listed.kind, listed.names));
    const made = have ? undefined : options.creates?.get(listed);
    if (made) {
      items.push({ ...made });
      continue;
    }
    const want = asWritten(listed);
    const spec = kindSpec(want.kind);
    const key = resourceKey(want.kind, want.names);
    const base = { key, kind: want.kind, names: [...want.names], level: LEVELS[want.kind] };
    const secretValueUnknown = isSecretNamedValue(want) && want.properties.value === undefined && !isObject(want.properties.keyVault);
    if (!have) {
      if (secretValueUnknown) {
        // APIM refuses a named value without a value; Git never holds a secret's value (the override must)
        warnings.push(`${spec.title} ${want.names.join('/')} is secret and has no value: give it one in the target's overrides ({#TOKEN#}) or a Key Vault reference; it is not created.`);
        continue;
      }
      const after = comparableProperties(want.kind, want.properties);
      // a policy document is shown as its own diff, not as a property (the canonical text comparableProperties made)
      const document = spec.policy && typeof after.value === 'string' ? after.value : undefined;
      if (spec.policy) delete after.value;
      const item: PlanItem = { ...base, action: 'create', changes: propertyChanges({}, after, secretProperties(want.kind, want.properties)) };
      if (document !== undefined) item.policy = { diff: unifiedDiff('', document) };
      if (want.specification) {
        const ops = specOperations(want.specification);
        if (ops) item.spec = { added: ops.map((o) => `${o.name} (${o.method} ${o.urlTemplate})`), removed: [], changed: [] };
      }
      options.creates?.set(listed, item);
      items.push({ ...item });
      continue;
    }
    const before = comparableProperties(have.kind, have.properties, { withoutSecrets: true });
    const after = comparableProperties(want.kind, want.properties, { withoutSecrets: true });
    let policyDiff: string[] | undefined;
    if (spec.policy) {
      const b = typeof before.value === 'string' ? before.value : '';
      const a = typeof after.value === 'string' ? after.value : '';
      if (a !== b) policyDiff = unifiedDiff(b, a);
      delete before.value;
      delete after.value;
    }
    const changes = propertyChanges(before, after, secretProperties(want.kind, want.properties));
    // a secret named value: compare what the target holds (listValue) with the value Git's overrides give
    if (isSecretNamedValue(want) && typeof want.properties.value === 'string') {
      // a named value being made secret still shows its value on the target: compare that one, and report a single
      // redacted change rather than "value removed" plus "value changed"
      const plain = typeof have.properties.value === 'string' ? have.properties.value : undefined;
      const liveValue = options.liveSecrets?.get(key) ?? plain;
      const shown = changes.findIndex((c) => c.path === 'value');
      if (shown >= 0) changes.splice(shown, 1);
      if (liveValue === undefined || liveValue !== want.properties.value) changes.push({ path: 'value', before: '(secret)', after: '(secret)', secret: true });
    }
    const specChange = compareSpecs(want, have, live);
    if (changes.length === 0 && !policyDiff && !specChange) {
      unchanged++;
      continue;
    }
    const item: PlanItem = { ...base, action: 'update', changes };
    if (policyDiff) item.policy = { diff: policyDiff };
    if (specChange) item.spec = specChange;
    items.push(item);
  }

  // deletions: what the scope names but Git no longer holds (incremental), or everything owned (prune)
  const deleting = new Set<ResourceKey>();
  for (const have of live.list()) {
    if (CARRIED_BY_SPEC.has(have.kind)) continue;
    if (desiredKeys.has(foldedKey(have.kind, have.names))) continue;
    const key = resourceKey(have.kind, have.names);
    const named = options.scope?.has(key) ?? false;
    const pruned = options.prune === true && (options.owned?.(have) ?? false);
    if (!named && !pruned) continue;
    deleting.add(key);
  }
  for (const key of deleting) {
    const [kind, ...names] = JSON.parse(key) as [Kind, ...string[]];
    const have = live.get(kind, names)!;
    // APIM removes a resource's children with it: they are shown, but only the topmost delete is sent
    const chain = ancestry(kind);
    const cascade = chain.slice(0, -1).some((k, i) => deleting.has(resourceKey(k, names.slice(0, i + 1))));
    const item: PlanItem = {
      key,
      kind,
      names,
      action: 'delete',
      level: LEVELS[kind],
      changes: propertyChanges(comparableProperties(kind, have.properties, { withoutSecrets: true }), {}, secretProperties(kind, have.properties)),
    };
    if (cascade) item.cascade = true;
    items.push(item);
  }
  items.sort(applyOrder);
  return { items, unchanged, warnings };
}
