// `apiops demo`: the whole job against the embedded emulator, no Azure needed. Three regional APIM instances
// start empty-handed; the sample estate (artifacts/) is published to all of them from a fresh git repository;
// the diff then shows no change; the status report shows every region at the commit.
import { startEmulator } from '../emulator/index.ts';
import { hasChanges } from '../core/plan/types.ts';
import { renderText, wantColor } from '../core/plan/render-text.ts';
import { run } from '../publisher/run.ts';
import { status } from '../publisher/status.ts';
import { createWorkspace } from './workspace.ts';

export interface DemoOptions {
  regions: string[];
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  /** leave the workspace folder in place (its path is printed) */
  keep: boolean;
}

/** Returns the exit code: 0 when every region converged and shows no drift. */
export async function runDemo(options: DemoOptions): Promise<number> {
  const say = (line = '') => options.out.write(`${line}\n`);
  const color = wantColor(options.out, process.env);
  const emulator = await startEmulator({ instances: options.regions });
  const workspace = await createWorkspace({ emulator });
  try {
    say(`apiops demo: ${options.regions.length} APIM instances on ${emulator.endpoint} (${Object.values(emulator.instances).join(', ')})`);
    say(`workspace: ${workspace.dir} (a git repository holding artifacts/ and apiops.yaml)`);
    say();
    say('1. apiops diff — what publishing would change');
    const before = await run({ configFile: workspace.config, apply: false, full: true, allowMassDelete: true, env: process.env, pollIntervalMs: 5 });
    // one region in full; the others plan the same changes
    const [first, ...others] = before.plan.targets;
    if (first) say(renderText({ version: 1, targets: [first] }, { color }));
    for (const t of others) say(`   ${t.target}: ${t.summary.create} to create, ${t.summary.update} to update, ${t.summary.delete} to delete, ${t.summary.unchanged} unchanged`);
    say();
    say('2. apiops publish — every region, in parallel, in dependency order');
    const published = await run({ configFile: workspace.config, apply: true, full: false, allowMassDelete: false, env: process.env, pollIntervalMs: 5, log: (l) => options.err.write(`   ${l}\n`) });
    for (const o of published.outcomes) say(`   ${o.target}: ${o.status}, ${o.apply?.applied.length ?? 0} changes applied, recorded ${o.recorded?.slice(0, 12) ?? '-'}${o.error ? ` — ${o.error}` : ''}`);
    say();
    say('3. apiops diff — again: nothing left to change');
    const after = await run({ configFile: workspace.config, apply: false, full: true, allowMassDelete: true, env: process.env, pollIntervalMs: 5 });
    say(`   ${hasChanges(after.plan) ? 'changes remain (see below)' : 'no changes in any region'}`);
    if (hasChanges(after.plan)) say(renderText(after.plan, { color }));
    say();
    say('4. apiops status — the recovery-point report');
    const report = await status({ configFile: workspace.config, env: process.env });
    for (const t of report.targets) say(`   ${t.target}: ${t.commit ? `holds ${t.commit.slice(0, 12)}` : 'nothing recorded'}, ${t.behind ?? '?'} behind, ${t.drift ? 'drifting' : 'no drift'}`);
    const ok = published.outcomes.every((o) => o.status === 'applied' || o.status === 'unchanged') && !hasChanges(after.plan) && report.current;
    say();
    say(ok ? 'every region holds the latest commit and matches Git.' : 'the demo did not converge: see above.');
    return ok ? 0 : 1;
  } finally {
    await emulator.close();
    if (!options.keep) await workspace.close();
  }
}
