// The plan for machines (`apiops diff --format json`, `--out plan.json`): pretty, stable JSON that validates against
// schemas/plan.schema.json. Stable means the same plan gives the same bytes whatever order its objects were built
// in, so a plan file can be diffed and hashed.
import type { Json } from '../state.ts';
import { SECRET } from './render-shared.ts';
import type { Plan, PlanItem, PropertyChange, TargetPlan } from './types.ts';

/** Object keys sorted at every depth (property values come from files and from APIM, in either's order). */
function sorted(value: Json): Json {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sorted(value[key]!);
    return out;
  }
  return value;
}

function change(c: PropertyChange): PropertyChange {
  const out: PropertyChange = { path: c.path };
  // a secret side is `(secret)` whatever it holds: the last chance to keep a value out of a file or a log
  if (c.before !== undefined) out.before = c.secret === true ? SECRET : sorted(c.before);
  if (c.after !== undefined) out.after = c.secret === true ? SECRET : sorted(c.after);
  if (c.secret === true) out.secret = true;
  return out;
}

function item(i: PlanItem): PlanItem {
  const out: PlanItem = {
    key: i.key,
    kind: i.kind,
    names: [...i.names],
    action: i.action,
    level: i.level,
    changes: i.changes.map(change),
  };
  if (i.policy) out.policy = { diff: [...i.policy.diff] };
  if (i.spec) out.spec = { added: [...i.spec.added], removed: [...i.spec.removed], changed: [...i.spec.changed] };
  if (i.cascade === true) out.cascade = true;
  return out;
}

function target(t: TargetPlan): TargetPlan {
  const out: TargetPlan = {
    target: t.target,
    mode: t.mode,
    fromCommit: t.fromCommit,
    toCommit: t.toCommit,
    items: t.items.map(item),
    summary: { create: t.summary.create, update: t.summary.update, delete: t.summary.delete, unchanged: t.summary.unchanged },
    warnings: [...t.warnings],
  };
  if (t.refused !== undefined) out.refused = t.refused;
  return out;
}

export function renderJson(plan: Plan): string {
  const out: Plan = { version: 1, targets: plan.targets.map(target) };
  return `${JSON.stringify(out, null, 2)}\n`;
}
