// What an extract changed in the artifacts folder, per kind: files added, changed, removed. Rendered for people
// (text on stdout, a Markdown table in the job summary, the commit message) and for machines (JSON). Nothing here
// ever holds a property value, so no secret can reach a summary.
import { KIND_NAMES, type Kind, kindSpec } from '../core/kinds.ts';
import type { State } from '../core/state.ts';
import { COMPANIONS, companionPath, primaryPath } from '../core/files/layout.ts';
import type { ReadResult } from '../core/files/read.ts';
import type { WriteResult } from '../core/files/write.ts';

export interface KindChanges {
  added: number;
  changed: number;
  removed: number;
}

export interface ExtractSummary {
  /** the APIM service extracted */
  service: string;
  /** the artifacts folder written */
  out: string;
  /** any file added, changed or removed */
  changed: boolean;
  files: KindChanges & { unchanged: number };
  /** per kind, only kinds with a change */
  kinds: Partial<Record<Kind, KindChanges>>;
  /** resources read per kind (system resources and what the filter leaves out are not counted) */
  resources: Partial<Record<Kind, number>>;
  /** requests sent to the instance */
  requests: number;
  warnings: string[];
  /** the branch the extract was committed on, when one was asked for and something changed */
  branch: string | null;
  commit: string | null;
  pushed: boolean;
}

/** The kind each file of a State is written for (information, policy, specification and fragment files). */
function filesOf(state: State): Map<string, Kind> {
  const out = new Map<string, Kind>();
  for (const r of state.list()) {
    const primary = primaryPath(r.kind, r.names);
    if (primary !== null) out.set(primary, r.kind);
    const companion = COMPANIONS[r.kind];
    if (companion?.role === 'fragmentPolicy') out.set(companionPath(r.kind, r.names, 'fragmentPolicy'), r.kind);
    if (companion?.role === 'specification' && r.specification) out.set(companionPath(r.kind, r.names, 'specification', r.specification.format), r.kind);
  }
  return out;
}

export function summarizeChanges(input: { previous: ReadResult; state: State; write: WriteResult }): Pick<ExtractSummary, 'changed' | 'files' | 'kinds' | 'resources'> {
  const kinds = new Map<Kind, KindChanges>();
  const bump = (kind: Kind | undefined, field: keyof KindChanges): void => {
    if (kind === undefined) return;
    const c = kinds.get(kind) ?? { added: 0, changed: 0, removed: 0 };
    c[field] += 1;
    kinds.set(kind, c);
  };
  const written = filesOf(input.state);
  const files = { added: 0, changed: 0, removed: 0, unchanged: input.write.unchanged.length };
  for (const path of input.write.written) {
    const field = input.previous.files.has(path) ? 'changed' : 'added';
    files[field] += 1;
    bump(written.get(path) ?? input.previous.files.get(path)?.kind, field);
  }
  for (const path of input.write.deleted) {
    files.removed += 1;
    bump(input.previous.files.get(path)?.kind, 'removed');
  }
  const resources: Partial<Record<Kind, number>> = {};
  for (const kind of KIND_NAMES) {
    const n = input.state.list(kind).length;
    if (n > 0) resources[kind] = n;
  }
  const ordered: Partial<Record<Kind, KindChanges>> = {};
  for (const kind of KIND_NAMES) {
    const c = kinds.get(kind);
    if (c) ordered[kind] = c;
  }
  return { changed: files.added + files.changed + files.removed > 0, files, kinds: ordered, resources };
}

function counts(c: KindChanges): string {
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed`;
}

function kindRows(summary: ExtractSummary): Array<[Kind, KindChanges]> {
  return KIND_NAMES.flatMap((k) => {
    const c = summary.kinds[k];
    return c ? [[k, c] as [Kind, KindChanges]] : [];
  });
}

export function renderText(summary: ExtractSummary): string {
  const lines = [`Extracted ${summary.service} into ${summary.out}: ${summary.changed ? `${counts(summary.files)} files` : 'no changes'} (${summary.requests} requests).`];
  const rows = kindRows(summary);
  const width = Math.max(0, ...rows.map(([k]) => kindSpec(k).title.length));
  for (const [k, c] of rows) lines.push(`  ${kindSpec(k).title.padEnd(width)}  +${c.added} ~${c.changed} -${c.removed}`);
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  if (summary.branch) lines.push(`branch: ${summary.branch}${summary.pushed ? ' (pushed)' : ''}`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(summary: ExtractSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** The job summary of the GitHub Action: a table per kind, then warnings. */
export function renderMarkdown(summary: ExtractSummary): string {
  const lines = [`### apiops extract: ${escapeCell(summary.service)}`, ''];
  if (!summary.changed) lines.push('No changes: the artifacts already match the instance.', '');
  else {
    lines.push('| Kind | Added | Changed | Removed |', '| --- | ---: | ---: | ---: |');
    for (const [k, c] of kindRows(summary)) lines.push(`| ${escapeCell(kindSpec(k).title)} | ${c.added} | ${c.changed} | ${c.removed} |`);
    lines.push(`| **Total** | **${summary.files.added}** | **${summary.files.changed}** | **${summary.files.removed}** |`, '');
  }
  if (summary.branch) lines.push(`Committed on branch \`${summary.branch}\`${summary.pushed ? ' and pushed' : ''}.`, '');
  if (summary.warnings.length > 0) {
    lines.push(`<details><summary>${summary.warnings.length} warning(s)</summary>`, '');
    for (const w of summary.warnings) lines.push(`- ${escapeCell(w)}`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

/** The commit of an extract: a subject, then one line per kind. */
export function commitMessage(summary: ExtractSummary, subject?: string): { subject: string; body: string } {
  const body = kindRows(summary).map(([k, c]) => `${kindSpec(k).title}: ${counts(c)}`);
  return {
    subject: subject ?? `Extract ${summary.service}: ${counts(summary.files)} files`,
    body: body.join('\n'),
  };
}
