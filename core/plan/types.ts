// The Plan: plain data, per target, of what publishing would do. Renderers turn it into text, JSON and Markdown;
// the publisher applies it. Nothing in here holds a secret value: secret properties appear as `(secret)`.
import type { Kind } from '../kinds.ts';
import type { Json, ResourceKey } from '../state.ts';

export type Action = 'create' | 'update' | 'delete';

export interface PropertyChange {
  /** dotted path inside `properties` (`subscriptionKeyParameterNames.header`) */
  path: string;
  /** absent: the property is added */
  before?: Json;
  /** absent: the property is removed */
  after?: Json;
  /** the values are secrets: rendered as `(secret)`, never printed */
  secret?: boolean;
}

export interface SpecChange {
  /** operations as `name (METHOD /template)` */
  added: string[];
  removed: string[];
  changed: string[];
}

export interface PolicyChange {
  /** unified diff of the canonical XML (`@@`, ` `, `-`, `+` lines) */
  diff: string[];
}

export interface PlanItem {
  key: ResourceKey;
  kind: Kind;
  names: string[];
  action: Action;
  /** dependency level from the kinds table: creates and updates go up, deletes come down */
  level: number;
  changes: PropertyChange[];
  policy?: PolicyChange;
  spec?: SpecChange;
  /** removed with its parent by APIM itself: shown, never sent */
  cascade?: boolean;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

export interface TargetPlan {
  target: string;
  mode: 'full' | 'incremental';
  /** the commit the target holds (null: none recorded) */
  fromCommit: string | null;
  /** the commit being published (null: the working tree) */
  toCommit: string | null;
  /** in apply order: creates and updates by level, then deletes from the deepest level up */
  items: PlanItem[];
  summary: PlanSummary;
  warnings: string[];
  /** why nothing will be applied to this target (mass-delete guard, unreachable …) */
  refused?: string;
}

export interface Plan {
  version: 1;
  targets: TargetPlan[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.targets.some((t) => t.items.some((i) => !i.cascade));
}
