// `publish` and `diff` for every target at once: validate first (any error: nothing is written anywhere), then
// each target in parallel — a failing target never stops the others.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import type { TokenCredential } from '@azure/core-auth';
import { type ApiopsConfig, type Target, readApiopsConfig } from '../core/config/apiops.ts';
import { type ExtractorFilter, NO_FILTER, readExtractorFilter } from '../core/config/filter.ts';
import { parseOverrides } from '../core/config/overrides.ts';
import { UserError } from '../core/errors.ts';
import { readArtifacts } from '../core/files/read.ts';
import { EMULATOR_CREDENTIAL, type LiveTarget } from '../core/live/connect.ts';
import type { RetrySettings } from '../core/live/retry.ts';
import type { Plan, PlanItem } from '../core/plan/types.ts';
import { type Resource, type ResourceKey, type State, resourceKey } from '../core/state.ts';
import { EXTRACTOR_FILTER_FILE, type ValidationReport } from '../core/validate/validate.ts';
import { DEFAULT_READ_CONCURRENCY, DEFAULT_WRITE_CONCURRENCY } from './defaults.ts';
import { neededFor } from './dependencies.ts';
import { desiredFor } from './desired.ts';
import { resourceOfPath } from './paths.ts';
import { type CommitRelation, changedFiles, commitRelation, repoRelative, repositoryRoot, resolveCommit } from './source.ts';
import { type TargetOutcome, type TargetReadSettings, readTarget, runTarget } from './target.ts';
import { type RunFiles, validateWorkingTree, validatedFiles } from './files.ts';
import { exists } from '../core/fs.ts';

export interface RunSettings {
  /** apiops.yaml */
  configFile: string;
  /** target names (default: every target) */
  targets?: string[];
  /** the commit to publish or compare; default: HEAD for publish, the working tree for diff */
  commit?: string;
  /** write (publish) or only plan (diff) */
  apply: boolean;
  full: boolean;
  /** undefined: apiops.yaml's `prune` */
  prune?: boolean;
  allowMassDelete: boolean;
  maxDeletePercent?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** writes in flight per target (default 8) */
  concurrency?: number;
  /** reads in flight per target (default 32, see defaults.ts) */
  readConcurrency?: number;
  pollIntervalMs?: number;
  /** who takes the targets' locks (CI run id, user@host) */
  owner?: string;
  /** credential for a target that is not an emulator (default: DefaultAzureCredential) */
  credential?: (target: Target) => Promise<TokenCredential>;
  /** progress lines (stderr) */
  log?: (line: string) => void;
  /** APIM-aware retries (tests shorten them) */
  retry?: RetrySettings;
}

export interface RunResult {
  validation: ValidationReport;
  plan: Plan;
  outcomes: TargetOutcome[];
  /** every value substituted for a token: mask them in every output */
  secrets: string[];
  commit: string | null;
}


async function defaultCredential(): Promise<TokenCredential> {
  // loaded on use: emulator runs and `--help` do not pay for @azure/identity
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

export async function liveTargetOf(target: Target, settings: RunSettings): Promise<LiveTarget> {
  const credential = target.emulator ? EMULATOR_CREDENTIAL : await (settings.credential ?? defaultCredential)(target);
  const caCert = target.caCert ? await readFile(target.caCert, 'utf8') : undefined;
  return { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, serviceName: target.serviceName, endpoint: target.endpoint, caCert, credential };
}

function selectTargets(config: ApiopsConfig, names: string[] | undefined): Target[] {
  if (!names || names.length === 0) return config.targets;
  return names.map((n) => {
    const t = config.targets.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!t) throw new UserError(`no target '${n}' in ${config.file} (targets: ${config.targets.map((x) => x.name).join(', ')})`);
    return t;
  });
}

/** Resources an override file names, as keys (both versions count when the file changed). */
function overrideKeys(text: string, file: string): ResourceKey[] {
  const parsed = parseOverrides(text, file);
  return (parsed.value?.entries ?? []).map((e) => resourceKey(e.kind, e.names));
}

export async function run(settings: RunSettings): Promise<RunResult> {
  const log = settings.log ?? (() => undefined);
  const configFile = resolve(settings.configFile);
  const config = await readApiopsConfig(configFile);
  const targets = selectTargets(config, settings.targets);
  // without a named commit the run publishes (or compares) the working tree, or HEAD when that is the tree: start
  // validating it now, while git answers (files.ts)
  const workingTree = settings.commit ? undefined : validateWorkingTree({ artifacts: config.artifacts, configFile });
  const repo = await repositoryRoot(dirname(configFile));
  let commit: string | null = null;
  let head: string | undefined;
  if (settings.commit) {
    if (!repo) throw new UserError(`--commit needs a git repository; ${dirname(configFile)} is not in one`);
    commit = await resolveCommit(repo, settings.commit);
  } else if (settings.apply) {
    if (!repo) throw new UserError(`publishing records the commit each target holds: ${dirname(configFile)} must be in a git repository`);
    commit = head = await resolveCommit(repo, 'HEAD');
  }

  // what the run reads of the repository: the artifacts folder and the targets' override files (files.ts)
  const filterFile = join(dirname(configFile), EXTRACTOR_FILTER_FILE);
  const wanted = [config.artifacts, ...targets.map((t) => t.overrides).filter((p): p is string => p !== undefined)];
  // APIOPS_TIMING=1 prints how long each phase took (stderr)
  const started = performance.now();
  const phase = (name: string) => {
    if (settings.env.APIOPS_TIMING) log(`[timing] ${name}: ${(performance.now() - started).toFixed(0)} ms`);
  };
  const filter: ExtractorFilter = (await exists(filterFile)) ? await readExtractorFilter(filterFile) : NO_FILTER;
  // targets usually record the same commit: ask git each question once per run
  const answers = new Map<string, Promise<unknown>>();
  const memo = <T,>(key: string, compute: () => Promise<T>): Promise<T> => {
    if (!answers.has(key)) answers.set(key, compute());
    return answers.get(key) as Promise<T>;
  };
  // (the changed files and whether the target is ahead both ask: one git process per recorded commit)
  const relation = (recorded: string): Promise<CommitRelation> => (repo && commit ? memo(`relation ${recorded}`, () => commitRelation(repo, recorded, commit)) : Promise.resolve('unknown'));
  const changedKeys = async (recorded: string, overrides: string | undefined): Promise<ReadonlySet<ResourceKey> | null> => {
    if (!repo || !commit || (await relation(recorded)) !== 'behind') return null;
    const artifactsRel = repoRelative(repo, config.artifacts);
    const overridesRel = overrides ? repoRelative(repo, overrides) : undefined;
    const files = await changedFiles(repo, recorded, commit, [artifactsRel, ...(overridesRel ? [overridesRel] : [])]);
    const keys = new Set<ResourceKey>();
    for (const f of files) {
      if (overridesRel && f.path === overridesRel) {
        // a changed override counts for every resource either version names (APIOps #350 ignores them)
        for (const rev of [recorded, commit]) {
          const text = await simpleGit(repo).show([`${rev}:${overridesRel}`]).catch(() => '');
          overrideKeys(text, overridesRel).forEach((k) => keys.add(k));
        }
        continue;
      }
      const key = resourceOfPath(f.path.slice(artifactsRel.length + 1));
      if (key) keys.add(key);
    }
    return keys;
  };
  const isAhead = async (recorded: string) => (await relation(recorded)) === 'ahead';
  const mode = () => ({
    full: settings.full,
    prune: settings.prune ?? config.prune.enabled,
    maxDeletePercent: settings.maxDeletePercent ?? 20,
    maxDeletions: config.prune.maxDeletions,
    allowMassDelete: settings.allowMassDelete,
  });
  // What the plan can use of each target's live state is known once the files are read (before they are checked):
  // with nothing to prune, the reads below the top-level lists wait for it and skip what Git does not hold.
  let settleFiles!: (state: State | null) => void;
  const filesRead = new Promise<State | null>((resolve) => (settleFiles = resolve));
  const needed = filesRead.then((state) => (state ? neededFor(state) : () => false));
  // Reading the targets needs nothing else from the files: it runs while they are read and validated (a publish
  // writes nothing before validation has passed; reads are harmless), which is most of an incremental publish's time.
  const readSettings = new Map(
    targets.map((target) => [
      target.name,
      liveTargetOf(target, settings).then(
        (liveTarget): TargetReadSettings => ({
          liveTarget,
          commit,
          filter,
          changedSince: (recorded) => memo(`changed ${recorded} ${target.overrides ?? ''}`, () => changedKeys(recorded, target.overrides)),
          isAhead,
          mode: mode(),
          readConcurrency: settings.readConcurrency ?? DEFAULT_READ_CONCURRENCY,
          pollIntervalMs: settings.pollIntervalMs,
          retry: settings.retry,
          needed,
        }),
      ),
    ]),
  );
  const reads = new Map(
    targets.map((target) => {
      const pending = readSettings.get(target.name)!.then((read) => readTarget(read));
      // a target that cannot be read fails on its own, later; never as an unhandled rejection meanwhile
      pending.catch(() => undefined);
      return [target.name, pending] as const;
    }),
  );
  let files: RunFiles | undefined;
  try {
    files = await validatedFiles({ repo, commit, head, workingTree, wanted, artifacts: config.artifacts, configFile, onRead: settleFiles });
    const { validation, at } = files;
    phase('validated');
    // (the reads waiting for the files go on, or wind down when there are none)
    settleFiles(validation.read?.state ?? null);
    if (!validation.valid) {
      return { validation, plan: { version: 1, targets: [] }, outcomes: [], secrets: [], commit };
    }
    const base = (validation.read ?? (await readArtifacts(at(config.artifacts)))).state;
    phase('read');
    const secrets = new Set<string>();
    // unique per run: two runs in one process (or one CI job) must not take each other's lock for their own
    const owner = settings.owner ?? `${process.env.GITHUB_RUN_ID ? `github-run-${process.env.GITHUB_RUN_ID}` : 'apiops'}-${process.pid}-${randomUUID().slice(0, 8)}`;

    // targets plan the same creates (three new regions): each is built once (diff.ts)
    const creates = new WeakMap<Resource, PlanItem>();
    const outcomes = await Promise.all(
      targets.map(async (target): Promise<TargetOutcome> => {
        const overridesFile = target.overrides ? at(target.overrides) : undefined;
        const desired = await desiredFor(base, { overridesFile: overridesFile && (await exists(overridesFile)) ? overridesFile : undefined, env: settings.env });
        desired.secrets.forEach((s) => secrets.add(s));
        const warnings = desired.missingTokens.map((t) => `token {#${t}#} has no value in the environment; the text is sent as it is`);
        if (settings.apply && desired.missingTokens.length > 0) {
          return {
            target: target.name,
            status: 'refused',
            recorded: null,
            plan: { target: target.name, mode: 'full', fromCommit: null, toCommit: commit, items: [], summary: { create: 0, update: 0, delete: 0, unchanged: 0 }, warnings, refused: `tokens without a value: ${desired.missingTokens.join(', ')}` },
          };
        }
        const outcome = await runTarget({
          ...(await readSettings.get(target.name)!),
          target,
          desired: desired.state,
          reads: reads.get(target.name),
          apply: settings.apply,
          owner,
          concurrency: settings.concurrency ?? DEFAULT_WRITE_CONCURRENCY,
          warnings,
          creates,
          tokenized: desired.tokenized,
          onItem: (name, e) => log(`${name}: ${e.outcome === 'applied' ? '✓' : '✗'} ${e.item.action} ${describeItem(e.item)}${e.error ? ` — ${e.error}` : ''}`),
        });
        log(`${target.name}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`);
        return outcome;
      }),
    );
    phase('targets done');
    return { validation, plan: { version: 1, targets: outcomes.map((o) => o.plan) }, outcomes, secrets: [...secrets], commit };
  } finally {
    settleFiles(null);
    await files?.cleanup();
  }
}

function describeItem(item: PlanItem): string {
  return `${item.kind} ${item.names.join('/')}`;
}
