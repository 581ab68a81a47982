// The GitHub Actions runner's file and workflow-command protocols, shared by the extractor's and the publisher's
// actions: inputs (`INPUT_<NAME>`), step outputs (`$GITHUB_OUTPUT`), the job summary (`$GITHUB_STEP_SUMMARY`, at
// most 1 MiB per step), `::warning::`/`::error::` annotations and `::add-mask::`.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

export type Environment = Readonly<Record<string, string | undefined>>;

/** An input as the runner hands it over (name upper-cased, spaces as underscores); '' counts as not given. */
export function getInput(env: Environment, name: string): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return value ? value : undefined;
}

export function getBooleanInput(env: Environment, name: string): boolean {
  const value = getInput(env, name)?.toLowerCase();
  return value === 'true' || value === 'yes' || value === '1';
}

/** A list input: one item per line or comma-separated. */
export function getListInput(env: Environment, name: string): string[] {
  return (getInput(env, name) ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `name<<delimiter` blocks, so that a value may span lines (the runner's file command format). */
export function setOutput(env: Environment, name: string, value: string): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) {
    process.stdout.write(`${name}=${value}\n`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, 'utf8');
}

const SUMMARY_LIMIT = 1024 * 1024;

export function appendSummary(env: Environment, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  // over the limit the runner drops the whole step summary; a cut table is better than none
  const text = Buffer.byteLength(markdown) > SUMMARY_LIMIT - 1024 ? `${markdown.slice(0, SUMMARY_LIMIT / 2)}\n\n… (cut: the summary is larger than GitHub accepts)\n` : markdown;
  appendFileSync(file, text, 'utf8');
}

/** `::warning::` / `::error::` with the runner's escaping of the message. */
export function command(kind: 'warning' | 'error' | 'notice', message: string, title = 'apiops'): string {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::${kind} title=${title}::${data}\n`;
}

/** Tells the runner to mask a value in every later log line (`::add-mask::`), one line at a time. */
export function addMask(value: string): string {
  return value
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => `::add-mask::${line}\n`)
    .join('');
}
