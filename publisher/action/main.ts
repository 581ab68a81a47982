// Entry of the publisher's GitHub Action (publisher/action.yml → dist/publisher.js): inputs → run → outputs, job
// summary, annotations. Every value substituted for a {#TOKEN#} is masked before anything else is printed.
// The exit code is decided here and only here.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { type Environment, addMask, appendSummary, command, getBooleanInput, getInput, getListInput, setOutput } from '../../core/github/actions.ts';
import { maskSecrets } from '../../core/config/tokens.ts';
import { renderJson } from '../../core/plan/render-json.ts';
import { renderMarkdown } from '../../core/plan/render-markdown.ts';
import { hasChanges } from '../../core/plan/types.ts';
import { renderAnnotations } from '../../core/validate/report.ts';
import { run } from '../run.ts';
import { status } from '../status.ts';

function numberInput(env: Environment, name: string): number | undefined {
  const raw = getInput(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`input ${name} must be a number, not '${raw}'`);
  return n;
}

/** A count of requests in flight: a whole number of 1 or more. */
function positiveInput(env: Environment, name: string): number | undefined {
  const n = numberInput(env, name);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UserError(`input ${name} must be a whole number of 1 or more, not '${getInput(env, name)}'`);
  return n;
}

export async function main(env: Environment = process.env): Promise<number> {
  const out = (text: string) => process.stdout.write(text);
  try {
    const cwd = env.GITHUB_WORKSPACE ?? process.cwd();
    const configFile = resolve(cwd, getInput(env, 'config') ?? 'apiops.yaml');
    const targets = getListInput(env, 'targets');
    const commandName = (getInput(env, 'command') ?? 'publish').toLowerCase();
    if (commandName === 'status') {
      const report = await status({ configFile, targets, env });
      const rows = report.targets.map((t) => `| ${t.target} | ${t.reachable ? 'yes' : 'no'} | ${t.commit?.slice(0, 12) ?? '—'} | ${t.behind ?? '?'} | ${t.drift === null ? '?' : t.drift ? 'yes' : 'no'} |`);
      appendSummary(env, `## apiops status\n\n| target | reachable | commit | behind | drift |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
      setOutput(env, 'changed-targets', report.targets.filter((t) => t.drift || (t.behind ?? 0) > 0).map((t) => t.target).join(','));
      setOutput(env, 'failed-targets', report.targets.filter((t) => !t.reachable).map((t) => t.target).join(','));
      for (const t of report.targets) if (t.drift) out(command('warning', `${t.target} drifts from Git: ${t.drifted.join('; ')}`, 'apiops status'));
      return report.targets.some((t) => !t.reachable) ? 1 : 0;
    }
    if (commandName !== 'publish' && commandName !== 'diff') throw new UserError(`input command must be publish, diff or status, not '${commandName}'`);
    const apply = commandName === 'publish';
    const mode = (getInput(env, 'mode') ?? 'incremental').toLowerCase();
    if (mode !== 'incremental' && mode !== 'full') throw new UserError(`input mode must be incremental or full, not '${mode}'`);
    const pruneInput = getInput(env, 'prune');
    const result = await run({
      configFile,
      targets,
      commit: getInput(env, 'commit'),
      apply,
      full: !apply || mode === 'full',
      prune: pruneInput === undefined ? undefined : pruneInput.toLowerCase() === 'true',
      allowMassDelete: getBooleanInput(env, 'allow-mass-delete'),
      maxDeletePercent: numberInput(env, 'max-delete-percent'),
      concurrency: positiveInput(env, 'concurrency'),
      readConcurrency: positiveInput(env, 'read-concurrency'),
      env: process.env,
      log: (line) => out(`${line}\n`),
    });
    // the runner masks these in every later line, including the job summary
    for (const secret of result.secrets) out(addMask(secret));
    const mask = (text: string) => maskSecrets(text, result.secrets);
    if (!result.validation.valid) {
      out(renderAnnotations(result.validation.findings));
      appendSummary(env, `## apiops ${commandName}\n\nThe artifacts are invalid: nothing was written to any target.\n`);
      setOutput(env, 'failed-targets', '');
      return 1;
    }
    const planFile = join(env.RUNNER_TEMP ?? tmpdir(), `apiops-plan-${Date.now()}.json`);
    await writeFile(planFile, mask(renderJson(result.plan)));
    setOutput(env, 'plan', planFile);
    setOutput(env, 'changed-targets', result.plan.targets.filter((t) => hasChanges({ version: 1, targets: [t] })).map((t) => t.target).join(','));
    const failed = result.outcomes.filter((o) => (apply ? !(o.status === 'applied' || o.status === 'unchanged') : o.status !== 'planned'));
    setOutput(env, 'failed-targets', failed.map((o) => o.target).join(','));
    let summary = mask(renderMarkdown(result.plan, { title: apply ? `apiops publish ${result.commit?.slice(0, 12) ?? ''}` : 'apiops diff' }));
    const markdownFile = planFile.replace(/\.json$/, '.md');
    await writeFile(markdownFile, summary);
    setOutput(env, 'markdown', markdownFile);
    if (apply) {
      const rows = result.outcomes.map((o) => `| ${o.target} | ${o.status} | ${o.apply?.applied.length ?? 0} | ${o.apply?.failed.length ?? 0} | ${o.apply?.notAttempted.length ?? 0} | ${o.recorded?.slice(0, 12) ?? '—'} |`);
      summary += `\n\n| target | result | applied | failed | not attempted | holds |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
    }
    appendSummary(env, summary);
    for (const o of failed) out(command('error', mask(`${o.target}: ${o.status}${o.error ? ` — ${o.error}` : ''}${o.plan.refused ? ` — ${o.plan.refused}` : ''}`), `apiops ${commandName}`));
    for (const o of result.outcomes) for (const f of o.apply?.failed ?? []) out(command('error', mask(`${o.target}: ${f.item.action} ${f.item.kind} ${f.item.names.join('/')}: ${f.error}`), `apiops ${commandName}`));
    return failed.length > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof UserError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    out(command('error', message, 'apiops'));
    return 1;
  }
}

// run when the bundle is the action's entry (not when a test imports it)
if (process.env.GITHUB_ACTIONS === 'true' || process.env.APIOPS_ACTION_ENTRY === 'publisher') process.exitCode = await main();
