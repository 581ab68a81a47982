// The plan for a pull-request comment or a GitHub job summary: a title, one summary row per target, refusals and
// warnings, then per target a <details> section with the items. GitHub rejects a comment body over 65,536
// characters ("Body is too long"), so the document never exceeds `maxLength`: detail is dropped from the end and a
// last line says what was left out. Every name and value comes from files or from a target, so each is escaped:
// a resource name must not break the table, open HTML, or mention someone.
import { formatValue, itemLabel, shortCommit } from './render-shared.ts';
import type { Plan, PlanItem, PropertyChange, TargetPlan } from './types.ts';

export interface MarkdownOptions {
  /** the longest document returned (default 65,000: under GitHub's comment limit, with room for a marker) */
  maxLength?: number;
  /** the heading (default `apiops plan`) */
  title?: string;
}

const DEFAULT_MAX_LENGTH = 65_000;
/** Longest property value shown before it is cut with an ellipsis. */
const MAX_VALUE = 200;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  $: '&#36;',
  // GitHub links (and notifies) `@name` in rendered text; a zero-width space after the @ keeps it plain text
  '@': '@&#8203;',
};

/**
 * Text safe both as Markdown inline content (a list item, a table cell) and as HTML (inside <summary>): HTML and
 * Markdown syntax characters become character references, line breaks and control characters become spaces.
 */
export function escapeMarkdown(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/[&<>|`\\*_[\]~$@]/g, (c) => ENTITIES[c] ?? c);
}

/** Inline code: a backtick span when the text allows one (shorter), else <code> with escaped content. */
function code(text: string): string {
  // a backtick would end the span, a pipe would split a table cell, a line break would end the line; `<` is safe in
  // a span by CommonMark's precedence rules, but not worth betting a renderer's quirks on
  // eslint-disable-next-line no-control-regex
  if (/[`|<\u0000-\u001f\u007f-\u009f]/.test(text) || /^ | $/.test(text) || text === '') return `<code>${escapeMarkdown(text)}</code>`;
  return `\`${text}\``;
}

/** Inside an HTML block (<summary>) Markdown is not parsed: always the HTML form. */
function htmlCode(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

const ACTION: Record<PlanItem['action'], string> = { create: '+ create', update: '~ update', delete: '- delete' };

function side(change: PropertyChange, value: PropertyChange['before']): string {
  if (value === undefined) return '_(none)_';
  const shown = formatValue(change, value, MAX_VALUE);
  return shown === '(secret)' ? '(secret)' : code(shown);
}

function changeLine(item: PlanItem, change: PropertyChange): string {
  const path = code(change.path);
  if (item.action === 'create') return `  - ${path}: ${side(change, change.after)}`;
  if (item.action === 'delete') return `  - ${path}: ${side(change, change.before)}`;
  return `  - ${path}: ${side(change, change.before)} → ${side(change, change.after)}`;
}

/** A fence longer than any backtick run in the content, so no line of a policy can close it. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function itemChunk(item: PlanItem): string {
  const { title, name } = itemLabel(item);
  const label = `${escapeMarkdown(title)}${name === '' ? '' : ` ${code(name)}`}`;
  if (item.cascade) return `- _${ACTION[item.action]}_ ${label} _(with its parent)_\n`;
  const lines = [`- **${ACTION[item.action]}** ${label}`];
  for (const change of item.changes) lines.push(changeLine(item, change));
  if (item.spec) {
    const ops = (verb: string, list: readonly string[]) => {
      if (list.length > 0) lines.push(`  - operations ${verb}: ${list.map(code).join(', ')}`);
    };
    ops('added', item.spec.added);
    ops('changed', item.spec.changed);
    ops('removed', item.spec.removed);
  }
  if (item.policy && item.policy.diff.length > 0) {
    // a lone carriage return would end the line for Markdown and pull the rest out of the fence
    const diff = item.policy.diff.map((l) => l.replace(/\r/g, '\\r'));
    const fence = fenceFor(diff);
    lines.push(`  ${fence}diff`, ...diff.map((l) => `  ${l}`), `  ${fence}`);
  }
  return `${lines.join('\n')}\n`;
}

function status(target: TargetPlan): string {
  if (target.refused !== undefined) return '⛔ refused';
  return target.items.some((i) => !i.cascade) ? '📝 changes' : '✅ no changes';
}

function head(plan: Plan, title: string): string {
  const lines = [`## ${escapeMarkdown(title)}`, ''];
  if (plan.targets.length === 0) return `${lines.join('\n')}\nNo targets.\n`;
  lines.push('| Target | Create | Update | Delete | Unchanged | Status |', '| --- | ---: | ---: | ---: | ---: | --- |');
  for (const t of plan.targets) {
    const s = t.summary;
    lines.push(`| ${escapeMarkdown(t.target)} | ${s.create} | ${s.update} | ${s.delete} | ${s.unchanged} | ${status(t)} |`);
  }
  const notices: string[] = [];
  for (const t of plan.targets) {
    if (t.refused !== undefined) notices.push(`- ⛔ **${escapeMarkdown(t.target)}** refused: ${escapeMarkdown(t.refused)}`);
    for (const w of t.warnings) notices.push(`- ⚠️ **${escapeMarkdown(t.target)}**: ${escapeMarkdown(w)}`);
  }
  if (notices.length > 0) lines.push('', ...notices);
  return `${lines.join('\n')}\n`;
}

interface Section {
  target: TargetPlan;
  open: string;
  close: string;
  chunks: string[];
}

function section(target: TargetPlan): Section {
  const from = htmlCode(shortCommit(target.fromCommit, 'from'));
  const to = htmlCode(shortCommit(target.toCommit, 'to'));
  // the blank line after </summary> lets GitHub parse the Markdown inside <details>
  const open = `\n<details><summary><b>${escapeMarkdown(target.target)}</b> · ${target.mode} · ${from} → ${to}</summary>\n\n`;
  return { target, open, close: '\n</details>\n', chunks: target.items.map(itemChunk) };
}

function omittedNote(target: string, omitted: number, someShown: boolean): string {
  const changes = `${omitted}${someShown ? ' more' : ''} change${omitted === 1 ? '' : 's'}`;
  return `… ${changes} in ${escapeMarkdown(target)} not shown (comment size limit); run ${code(`apiops diff --target ${target}`)} for all\n`;
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const max = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const top = head(plan, options.title ?? 'apiops plan');
  const sections = plan.targets.filter((t) => t.items.length > 0).map(section);
  const shown = sections.map(() => 0);

  // the notes the document would end with if it stopped here (their counts only shrink as more is shown)
  // (a blank line between them: GitHub renders consecutive lines as one paragraph in some places)
  const notes = (): string => {
    const out: string[] = [];
    sections.forEach((s, i) => {
      const omitted = s.chunks.length - shown[i]!;
      if (omitted > 0) out.push(omittedNote(s.target.target, omitted, shown[i]! > 0));
    });
    return out.length === 0 ? '' : `\n${out.join('\n')}`;
  };

  // greedy, in plan order: once an item does not fit, everything after it is left out too, so what is shown is
  // always a prefix of the apply order; a section none of whose items fit is left out whole
  let body = '';
  for (const [i, s] of sections.entries()) {
    let inner = '';
    let full = true;
    for (const chunk of s.chunks) {
      shown[i]!++;
      if (top.length + body.length + s.open.length + inner.length + chunk.length + s.close.length + notes().length > max) {
        shown[i]!--;
        full = false;
        break;
      }
      inner += chunk;
    }
    if (inner !== '') body += s.open + inner + s.close;
    if (!full) break;
  }

  const doc = top + body + notes();
  if (doc.length <= max) return doc;
  // only the title, the table and the notices are left, and even they do not fit (hundreds of targets, a huge
  // warning): cut at a line and say so
  const tail = `\n… the plan is too large to show here; run ${code('apiops diff')} for all\n`;
  const room = Math.max(0, max - tail.length);
  const cut = doc.lastIndexOf('\n', room);
  return `${doc.slice(0, cut > 0 ? cut : room)}${tail}`.slice(0, max);
}
