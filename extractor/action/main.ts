// Entry of the GitHub Action (extractor/action.yml → dist/extractor.js): inputs → settings → run → outputs and job
// summary. The exit code is decided here and only here.
import { UserError } from '../../core/errors.ts';
import { run } from '../run.ts';
import { resolveSettings } from '../settings.ts';
import { renderMarkdown } from '../summary.ts';
import { type Environment, readInputs } from './inputs.ts';
import { appendSummary, command, setOutput } from './outputs.ts';

async function main(env: Environment = process.env): Promise<number> {
  try {
    const settings = await resolveSettings(readInputs(env));
    const summary = await run(settings, { log: (line) => process.stdout.write(`${line}\n`) });
    for (const w of summary.warnings) process.stdout.write(command('warning', w));
    setOutput(env, 'changed', String(summary.changed));
    setOutput(env, 'branch', summary.branch ?? '');
    setOutput(env, 'summary', JSON.stringify(summary));
    appendSummary(env, renderMarkdown(summary));
    return 0;
  } catch (error) {
    const message = error instanceof UserError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(command('error', message));
    return 1;
  }
}

process.exitCode = await main();
