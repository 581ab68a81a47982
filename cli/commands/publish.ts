// `apiops diff`, `apiops publish` and `apiops status`: wiring only (publisher/ does the work). JSON goes to
// stdout alone; progress and logs go to stderr; every value substituted for a {#TOKEN#} is masked.
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Register } from '../main.ts';
import { EXIT } from '../../core/errors.ts';
import { maskSecrets } from '../../core/config/tokens.ts';
import { DEFAULT_CONFIG_FILE } from '../../core/config/apiops.ts';
import { type Plan, hasChanges } from '../../core/plan/types.ts';
import type { ValidationReport } from '../../core/validate/validate.ts';
import { DEFAULT_READ_CONCURRENCY, DEFAULT_WRITE_CONCURRENCY } from '../../publisher/defaults.ts';

type Format = 'text' | 'json' | 'markdown';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a number from 0 to 100');
  return n;
}

async function reportInvalid(validation: ValidationReport): Promise<void> {
  const { renderText, renderAnnotations } = await import('../../core/validate/report.ts');
  process.stderr.write(renderText(validation));
  if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(renderAnnotations(validation.findings));
  process.stderr.write('apiops: the artifacts are invalid; nothing was written to any target.\n');
}

async function render(plan: Plan, format: Format, secrets: string[]): Promise<string> {
  let text: string;
  if (format === 'json') text = (await import('../../core/plan/render-json.ts')).renderJson(plan);
  else if (format === 'markdown') text = (await import('../../core/plan/render-markdown.ts')).renderMarkdown(plan);
  else {
    const { renderText, wantColor } = await import('../../core/plan/render-text.ts');
    text = renderText(plan, { color: wantColor(process.stdout, process.env) });
  }
  return maskSecrets(text, secrets);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

const readConcurrencyOption = () => new Option('--read-concurrency <n>', 'reads in flight per target').argParser(positiveInteger).default(DEFAULT_READ_CONCURRENCY);

const formatOption = () => new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text');

export const registerPublish: Register = (program, setExit) => {
  program
    .command('diff')
    .description('Show, per target, what publishing would change (create / update / delete, property by property). Exit 0: no changes, 2: changes, 1: error.')
    .option('--config <file>', 'apiops.yaml', DEFAULT_CONFIG_FILE)
    .option('--target <name>', 'a target to compare (repeat or comma-separate; default: all)', collect)
    .option('--commit <sha>', 'compare the files of this commit instead of the working tree')
    .option('--prune', 'also show deletions of live resources that Git does not hold (within what the repository owns)')
    .addOption(formatOption())
    .option('--out <file>', 'also write the plan as JSON to this file')
    .addOption(readConcurrencyOption())
    .action(async (opts: { config: string; target?: string[]; commit?: string; prune?: boolean; format: Format; out?: string; readConcurrency: number }) => {
      const { run } = await import('../../publisher/run.ts');
      const result = await run({ configFile: opts.config, targets: opts.target, commit: opts.commit, apply: false, full: true, prune: opts.prune, allowMassDelete: true, readConcurrency: opts.readConcurrency, env: process.env, log: (l) => process.stderr.write(`${l}\n`) });
      if (!result.validation.valid) {
        await reportInvalid(result.validation);
        setExit(EXIT.failure);
        return;
      }
      process.stdout.write(await render(result.plan, opts.format, result.secrets));
      if (opts.out) await writeFile(opts.out, maskSecrets((await import('../../core/plan/render-json.ts')).renderJson(result.plan), result.secrets));
      const failed = result.outcomes.some((o) => o.status !== 'planned');
      setExit(failed ? EXIT.failure : hasChanges(result.plan) ? EXIT.changes : EXIT.ok);
    });

  program
    .command('publish')
    .description('Bring every target to the commit: validate, plan against live state, apply in dependency order, record the commit in each target. Exit 0: all targets hold the commit, 1 otherwise.')
    .option('--config <file>', 'apiops.yaml', DEFAULT_CONFIG_FILE)
    .option('--target <name>', 'a target to publish to (repeat or comma-separate; default: all)', collect)
    .option('--commit <sha>', 'the commit to publish (default: HEAD)')
    .option('--full', 'reconcile everything, not only what changed since the commit each target holds (repairs drift)', false)
    .option('--prune', "delete live resources that Git does not hold, within what the repository owns (default: apiops.yaml's prune)")
    .option('--allow-mass-delete', 'apply a plan that deletes more than --max-delete-percent of a target', false)
    .option('--max-delete-percent <n>', 'refuse plans deleting more than this share of a target', percent, 20)
    .addOption(new Option('--concurrency <n>', 'writes in flight per target').argParser(positiveInteger).default(DEFAULT_WRITE_CONCURRENCY))
    .addOption(readConcurrencyOption())
    .addOption(formatOption())
    .option('--plan-out <file>', 'also write the plan as JSON to this file')
    .action(async (opts: { config: string; target?: string[]; commit?: string; full: boolean; prune?: boolean; allowMassDelete: boolean; maxDeletePercent: number; concurrency: number; readConcurrency: number; format: Format; planOut?: string }) => {
      const { run } = await import('../../publisher/run.ts');
      const result = await run({
        configFile: opts.config,
        targets: opts.target,
        commit: opts.commit,
        apply: true,
        full: opts.full,
        prune: opts.prune,
        allowMassDelete: opts.allowMassDelete,
        maxDeletePercent: opts.maxDeletePercent,
        concurrency: opts.concurrency,
        readConcurrency: opts.readConcurrency,
        env: process.env,
        log: (l) => process.stderr.write(`${maskSecrets(l, [])}\n`),
      });
      if (!result.validation.valid) {
        await reportInvalid(result.validation);
        setExit(EXIT.failure);
        return;
      }
      if (opts.planOut) await writeFile(opts.planOut, maskSecrets((await import('../../core/plan/render-json.ts')).renderJson(result.plan), result.secrets));
      if (opts.format === 'json') {
        const summary = result.outcomes.map((o) => ({
          target: o.target,
          status: o.status,
          recorded: o.recorded,
          applied: o.apply?.applied.length ?? 0,
          failed: (o.apply?.failed ?? []).map((f) => ({ kind: f.item.kind, names: f.item.names, action: f.item.action, error: f.error })),
          notAttempted: o.apply?.notAttempted.length ?? 0,
          error: o.error ?? null,
        }));
        process.stdout.write(`${maskSecrets(JSON.stringify({ commit: result.commit, targets: summary }, null, 2), result.secrets)}\n`);
      } else {
        process.stdout.write(await render(result.plan, opts.format, result.secrets));
        for (const o of result.outcomes) {
          const failed = o.apply?.failed ?? [];
          process.stdout.write(maskSecrets(`${o.target}: ${o.status}${o.recorded ? ` at ${o.recorded.slice(0, 12)}` : ''}${o.error ? ` — ${o.error}` : ''}\n`, result.secrets));
          for (const f of failed) process.stdout.write(maskSecrets(`  ✗ ${f.item.action} ${f.item.kind} ${f.item.names.join('/')}: ${f.error}\n`, result.secrets));
          if (o.apply && o.apply.notAttempted.length > 0) process.stdout.write(`  ${o.apply.notAttempted.length} change(s) not attempted\n`);
        }
      }
      const ok = result.outcomes.every((o) => (o.status === 'applied' || o.status === 'unchanged') && o.recorded === result.commit);
      setExit(ok ? EXIT.ok : EXIT.failure);
    });

  program
    .command('status')
    .description('Per target: reachable, recorded commit, commits behind the checkout, drift from Git. Exit 0: all current, 2: a target is behind or drifting, 1: error.')
    .option('--config <file>', 'apiops.yaml', DEFAULT_CONFIG_FILE)
    .option('--target <name>', 'a target to report on (repeat or comma-separate; default: all)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(readConcurrencyOption())
    .action(async (opts: { config: string; target?: string[]; format: 'text' | 'json'; readConcurrency: number }) => {
      const { status } = await import('../../publisher/status.ts');
      const report = await status({ configFile: opts.config, targets: opts.target, env: process.env, readConcurrency: opts.readConcurrency });
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(`checked out: ${report.head?.slice(0, 12) ?? '(not a git repository)'}\n`);
        for (const t of report.targets) {
          const state = !t.reachable ? 'unreachable' : t.commit === null ? 'never published' : t.behind === 0 ? 'at HEAD' : t.behind === null ? 'commit unknown to this repository' : `${t.behind} commit(s) behind`;
          const drift = t.drift === null ? '' : t.drift ? `, drifting (${t.drifted.join('; ')})` : ', no drift';
          process.stdout.write(`${t.target}: ${state}${t.commit ? ` (${t.commit.slice(0, 12)})` : ''}${drift}${t.error ? ` — ${t.error}` : ''}\n`);
        }
      }
      const unreachable = report.targets.some((t) => !t.reachable);
      setExit(unreachable ? EXIT.failure : report.current ? EXIT.ok : EXIT.changes);
    });
};
