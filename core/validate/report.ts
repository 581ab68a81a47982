// Renderers of a validation report: text for people, JSON for machines, and GitHub Actions annotations so a
// broken file shows up on the pull request's diff at the offending line.
import type { ValidationReport } from './validate.ts';
import type { Finding } from './findings.ts';

export type ReportFormat = 'text' | 'json';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(report: ValidationReport): string {
  const lines = report.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} [${f.rule}] ${f.message}`);
  const { error, warning, notice } = report.counts;
  const summary = `${report.artifacts}: ${plural(report.files, 'file')}, ${plural(report.resources, 'resource')}; ${plural(error, 'error')}, ${plural(warning, 'warning')}${notice > 0 ? `, ${plural(notice, 'notice')}` : ''}`;
  lines.push(report.valid ? `${summary} — valid` : `${summary} — invalid`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: ValidationReport): string {
  return `${JSON.stringify(
    {
      valid: report.valid,
      artifacts: report.artifacts,
      files: report.files,
      resources: report.resources,
      errors: report.counts.error,
      warnings: report.counts.warning,
      notices: report.counts.notice,
      findings: report.findings,
    },
    null,
    2,
  )}\n`;
}

/** Workflow-command escaping (actions/toolkit `escapeData` / `escapeProperty`). */
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error file=…,line=…,col=…,title=<rule>::<message>` for every error (`::warning` for warnings). GitHub shows
 * only the first ten of each per step; the full list stays in the text or JSON output.
 */
export function renderAnnotations(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.severity !== 'notice')
    .map((f) => `::${f.severity} file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}::${escapeData(f.message)}\n`)
    .join('');
}
