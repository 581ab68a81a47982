// What the plan renderers (text, Markdown) say the same way: an item's label, a commit, a property value.
import { kindSpec } from '../kinds.ts';
import type { Json } from '../state.ts';
import type { PlanItem, PropertyChange, TargetPlan } from './types.ts';

export const SECRET = '(secret)';

/**
 * `API policy pets`, `service policy`, `API operation pets/listpets`: the kinds table's title and the names, without
 * the fixed name every policy has (`policy`), which says nothing.
 */
export function itemLabel(item: Pick<PlanItem, 'kind' | 'names'>): { title: string; name: string } {
  const spec = kindSpec(item.kind);
  const names = spec.arm.fixedName !== undefined && item.names[item.names.length - 1] === spec.arm.fixedName ? item.names.slice(0, -1) : item.names;
  return { title: spec.title, name: names.join('/') };
}

/** A commit as people read it: the short SHA; `null` means none recorded (from) or the working tree (to). */
export function shortCommit(commit: string | null, side: 'from' | 'to'): string {
  if (commit === null) return side === 'from' ? '(none recorded)' : 'working tree';
  return /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 7) : commit;
}

/** Cuts `text` to at most `max` characters, the last being an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/**
 * One side of a property change as compact JSON, cut to `max`. A secret change prints `(secret)` whatever the
 * value holds: the plan should already carry `(secret)`, and a renderer is the last place to catch it if not.
 */
export function formatValue(change: PropertyChange, value: Json, max: number): string {
  if (change.secret === true || value === SECRET) return SECRET;
  return truncate(JSON.stringify(value), max);
}

export function summaryText(summary: TargetPlan['summary']): string {
  return `${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete, ${summary.unchanged} unchanged`;
}
