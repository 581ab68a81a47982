// What the action hands back to the workflow: step outputs (`$GITHUB_OUTPUT`), the job summary
// (`$GITHUB_STEP_SUMMARY`, at most 1 MiB per step) and workflow commands for warnings and errors.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Environment } from './inputs.ts';

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
export function command(kind: 'warning' | 'error', message: string): string {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::${kind} title=apiops extract::${data}\n`;
}
