// The plan for a terminal, read like `terraform plan` or `deck gateway diff`: per target a header, the items in the
// order they would be applied (`+` create, `~` update, `-` delete), property changes as `path: before → after`,
// policy documents as unified diffs, specifications as operations, then the counts and the warnings.
import type { Json } from '../state.ts';
import { formatValue, itemLabel, shortCommit, summaryText } from './render-shared.ts';
import type { Plan, PlanItem, PropertyChange, TargetPlan } from './types.ts';

export interface TextOptions {
  color: boolean;
}

/** Longest property value shown before it is cut with an ellipsis. */
const MAX_VALUE = 120;

/**
 * Colour for a stream. NO_COLOR (any non-empty value, no-color.org) wins, even over FORCE_COLOR: it is the user's
 * opt-out, while FORCE_COLOR is often set once for a whole CI runner. FORCE_COLOR `0` or `false` also disables;
 * any other value (empty included, as Node and supports-color read it) enables. Otherwise colour on a TTY only,
 * and not on a `dumb` terminal.
 */
export function wantColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

type Style = 'green' | 'yellow' | 'red' | 'cyan' | 'dim' | 'bold';

// SGR open and close codes; each style closes with its own code so nested styles survive.
const SGR: Record<Style, [number, number]> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

type Paint = (style: Style, text: string) => string;

function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => (text === '' ? text : `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`);
}

/**
 * Names, values and policy lines come from files and from the target: a control character in them (an ESC
 * starting a terminal sequence, a carriage return overwriting the line) is shown escaped instead of obeyed.
 */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const SYMBOL: Record<PlanItem['action'], { symbol: string; style: Style }> = {
  create: { symbol: '+', style: 'green' },
  update: { symbol: '~', style: 'yellow' },
  delete: { symbol: '-', style: 'red' },
};

function value(change: PropertyChange, v: Json | undefined): string {
  return v === undefined ? '(none)' : safe(formatValue(change, v, MAX_VALUE));
}

function changeLine(item: PlanItem, change: PropertyChange): string {
  const path = safe(change.path);
  // a create lists what will be set and a delete what will go: one side says it all
  if (item.action === 'create') return `${path}: ${value(change, change.after)}`;
  if (item.action === 'delete') return `${path}: ${value(change, change.before)}`;
  return `${path}: ${value(change, change.before)} → ${value(change, change.after)}`;
}

function policyLine(line: string, paint: Paint): string {
  const text = safe(line);
  if (line.startsWith('@@')) return paint('cyan', text);
  if (line.startsWith('+')) return paint('green', text);
  if (line.startsWith('-')) return paint('red', text);
  return text;
}

function renderItem(item: PlanItem, paint: Paint): string[] {
  const { symbol, style } = SYMBOL[item.action];
  const { title, name } = itemLabel(item);
  const label = `${title}${name === '' ? '' : ` ${safe(name)}`}`;
  if (item.cascade) return [paint('dim', `  ${symbol} ${label} (with its parent)`)];
  const lines = [`  ${paint(style, symbol)} ${paint('bold', label)}`];
  const indent = '      ';
  for (const change of item.changes) lines.push(indent + changeLine(item, change));
  if (item.spec) {
    const ops = [
      ...item.spec.added.map((o) => paint('green', `+ ${safe(o)}`)),
      ...item.spec.changed.map((o) => paint('yellow', `~ ${safe(o)}`)),
      ...item.spec.removed.map((o) => paint('red', `- ${safe(o)}`)),
    ];
    if (ops.length > 0) lines.push(`${indent}operations:`, ...ops.map((o) => `${indent}  ${o}`));
  }
  if (item.policy) for (const line of item.policy.diff) lines.push(indent + policyLine(line, paint));
  return lines;
}

function renderTarget(target: TargetPlan, paint: Paint): string[] {
  const name = safe(target.target);
  const from = safe(shortCommit(target.fromCommit, 'from'));
  const to = safe(shortCommit(target.toCommit, 'to'));
  const lines = [paint('bold', `Target ${name} (${target.mode}): ${from} → ${to}`)];
  if (target.refused !== undefined) lines.push(paint('red', `  refused: ${safe(target.refused)}`));
  for (const item of target.items) lines.push(...renderItem(item, paint));
  const changed = target.items.some((i) => !i.cascade);
  const verdict = target.refused !== undefined ? ' (refused: nothing will be applied)' : changed ? '' : ' (no changes)';
  lines.push(`  ${paint('bold', `${name}: ${summaryText(target.summary)}`)}${verdict}`);
  for (const warning of target.warnings) lines.push(paint('yellow', `  warning: ${safe(warning)}`));
  return lines;
}

export function renderText(plan: Plan, options: TextOptions): string {
  const paint = painter(options.color);
  if (plan.targets.length === 0) return 'No targets.\n';
  return `${plan.targets.map((t) => renderTarget(t, paint).join('\n')).join('\n\n')}\n`;
}
