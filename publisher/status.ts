// `status`: the recovery-point report. For each target: is it reachable, which commit does it hold, how far
// behind the checked-out commit is that, and does the live configuration still match Git at that commit.
import { dirname, resolve } from 'node:path';
import { readApiopsConfig } from '../core/config/apiops.ts';
import { Arm } from '../core/live/arm.ts';
import { connect } from '../core/live/connect.ts';
import { describeError } from '../core/live/errors.ts';
import { hasChanges } from '../core/plan/types.ts';
import { readRecord } from './record.ts';
import { type RunSettings, liveTargetOf, run } from './run.ts';
import { commitExists, commitsBetween, repositoryRoot, resolveCommit } from './source.ts';

export interface TargetStatusReport {
  target: string;
  reachable: boolean;
  /** the commit the target records; null: none */
  commit: string | null;
  /** commits between the recorded one and the checked-out one; null when unknown */
  behind: number | null;
  /** live differs from Git at the recorded commit; null when it could not be checked */
  drift: boolean | null;
  /** what drifted (kind and names), at most a handful */
  drifted: string[];
  error?: string;
}

export interface StatusReport {
  head: string | null;
  targets: TargetStatusReport[];
  /** every target holds the checked-out commit and matches it */
  current: boolean;
}

export async function status(settings: Pick<RunSettings, 'configFile' | 'targets' | 'env' | 'credential' | 'readConcurrency'>): Promise<StatusReport> {
  const configFile = resolve(settings.configFile);
  const config = await readApiopsConfig(configFile);
  const repo = await repositoryRoot(dirname(configFile));
  const head = repo ? await resolveCommit(repo, 'HEAD') : null;
  const wanted = settings.targets?.length ? config.targets.filter((t) => settings.targets!.some((n) => n.toLowerCase() === t.name.toLowerCase())) : config.targets;
  // first what each target records, then one plan per recorded commit: targets at the same commit (the usual
  // case) share one validation and one extraction of that commit's files
  const reports = await Promise.all(
    wanted.map(async (target): Promise<TargetStatusReport> => {
      const report: TargetStatusReport = { target: target.name, reachable: false, commit: null, behind: null, drift: null, drifted: [] };
      try {
        const arm = new Arm(connect(await liveTargetOf(target, { ...settings, apply: false, full: true, allowMassDelete: false })));
        const { record } = await readRecord(arm);
        report.reachable = true;
        report.commit = record.commit;
        if (repo && head && record.commit && (await commitExists(repo, record.commit))) report.behind = await commitsBetween(repo, record.commit, head);
      } catch (error) {
        report.error = describeError(error);
      }
      return report;
    }),
  );
  const byCommit = new Map<string, TargetStatusReport[]>();
  for (const report of reports) {
    if (report.behind === null || report.commit === null) continue;
    byCommit.set(report.commit, [...(byCommit.get(report.commit) ?? []), report]);
  }
  await Promise.all(
    [...byCommit].map(async ([commit, group]) => {
      try {
        const diff = await run({ configFile, targets: group.map((r) => r.target), commit, apply: false, full: true, allowMassDelete: false, env: settings.env, credential: settings.credential, readConcurrency: settings.readConcurrency });
        for (const report of group) {
          const outcome = diff.outcomes.find((o) => o.target === report.target);
          if (outcome && outcome.status === 'planned') {
            report.drift = hasChanges({ version: 1, targets: [outcome.plan] });
            report.drifted = outcome.plan.items.filter((i) => !i.cascade).slice(0, 10).map((i) => `${i.action} ${i.kind} ${i.names.join('/')}`);
          } else if (outcome?.error) report.error = outcome.error;
          else if (!diff.validation.valid) report.error = `the files of ${commit.slice(0, 12)} do not validate`;
        }
      } catch (error) {
        for (const report of group) report.error = describeError(error);
      }
    }),
  );
  const current = reports.every((r) => r.reachable && r.commit !== null && r.commit === head && r.drift === false);
  return { head, targets: reports, current };
}
