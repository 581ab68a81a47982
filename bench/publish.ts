// Publisher benchmarks against the emulator at 20 ms latency: a full publish of 300 APIs × 10 operations to three
// regions (wall time against its lower bound), an incremental one-file publish, and a diff of the estate.
// Printed, never asserted. Targets: full publish ≤ 1.3 × lower bound, incremental < 1 s, diff < 5 s; with ARM's
// token buckets on, a publish against the bucket's bound, and two diffs at once against the read bucket's. Each figure is
// the median of BENCH_ROUNDS rounds (default 3), each in a fresh process with a fresh emulator, with the range.
// The full publish and the diff are measured twice over: at the publisher's own settings (8 writes / 32 reads in
// flight per region: what a team runs, and the figures the targets are read against), and at twice that
// (BENCH_CONCURRENCY, default 16 / 64), where this benchmark's rounds also take the incremental publish. The diff
// at the defaults is also timed as a command, start to exit, as the CLI and as the Action's bundle, and so is a
// one-file incremental publish by the Action's bundle.
//
// The lower bound is the busiest region's requests ÷ writes in flight × latency, and never less than the longest
// chain of dependent writes × latency. Requests, not only writes: APIM answers an API's import 202 and only a
// poll says it is done (its children written before that get 409), so each import costs two round trips whatever
// the publisher does; the write-only figure is printed beside it.
//
// The lower bounds count latency only. On a small machine the publisher and the emulator also share the CPU, so
// the benchmark measures a second floor: the same number of requests sent by a loop that does nothing else,
// through the same SDK pipeline, to the same emulator, with the same concurrency — what this machine needs just
// to move that many requests. The ratio to it is the publisher's own overhead (scheduling, diff, apply logic).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorProcess, spawnEmulator } from './emulator-process.ts';
import { State } from '../core/state.ts';
import { upsertDependencies } from '../publisher/dependencies.ts';
import { criticalPathLengths } from '../publisher/schedule.ts';
import { Arm } from '../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../core/live/connect.ts';
import { type RunSettings, run } from '../publisher/run.ts';
import { DEFAULT_READ_CONCURRENCY, DEFAULT_WRITE_CONCURRENCY } from '../publisher/defaults.ts';
import { subscriptionGate } from '../core/live/limiter.ts';
import { type Workspace, createWorkspace } from '../demo/workspace.ts';
import { writeSyntheticEstate } from '../demo/synthetic.ts';
import { buildAction } from '../core/github/build.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const BIN = fileURLToPath(new URL('../bin/apiops.js', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const APIS = Number(process.env.BENCH_APIS ?? 300);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 10);
const LATENCY_MS = 20;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2 * DEFAULT_WRITE_CONCURRENCY);
const READ_CONCURRENCY = Number(process.env.BENCH_READ_CONCURRENCY ?? 2 * DEFAULT_READ_CONCURRENCY);
const REGIONS = ['eastus', 'westus', 'northeurope'];
// the machine's speed drifts between runs: every figure is the median of the rounds, with their range
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/** Time to send `perRegion` GETs to each region, `concurrency` at a time per region, and nothing else. */
async function requestFloor(emulator: EmulatorProcess, perRegion: number): Promise<number> {
  const arms = Object.values(emulator.instances).map(
    (serviceName) =>
      new Arm(connect({ subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL })),
  );
  const loop = async (arm: Arm, count: number) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent++ < count) await arm.get('namedValue', ['setting-0']);
      }),
    );
  };
  await Promise.all(arms.map((arm) => loop(arm, 200))); // connections and JIT, as the publish had them
  const started = performance.now();
  await Promise.all(arms.map((arm) => loop(arm, perRegion)));
  return performance.now() - started;
}

function peakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** PUT, PATCH and DELETE requests among the emulator's counts of one region */
const writesOf = (counts: Record<string, number> | undefined) => sum(Object.entries(counts ?? {}).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k)).map(([, n]) => n));
const readsOf = (counts: Record<string, number> | undefined) => sum(Object.entries(counts ?? {}).filter(([k]) => k.startsWith('GET ')).map(([, n]) => n));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
/** `8402 ms (8107–8931)`: the median of the rounds and their range (this machine's speed drifts between runs) */
function figure(xs: number[], unit: ' ms' | ' µs' | ' MB' | '×' = ' ms'): string {
  const f = (x: number) => (unit === '×' ? x.toFixed(2) : x.toFixed(0));
  const range = xs.length > 1 ? ` (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '';
  return `${f(median(xs))}${unit}${range}`;
}

interface Round {
  fullMs: number;
  /** from the start of the run to the first answered write: configuration, validation, reads, plans, locks */
  firstWriteMs: number;
  cpuMs: number;
  emulatorCpuMs: number | null;
  incMs: number;
  diffMs: number;
  perRegion: number[];
  writesPerRegion: number[];
  chain: number;
  files: number;
  incremental: string;
  diff: string;
  /** requests the diff sent to the busiest region */
  diffRequests: number;
  floorMs: number | null;
  throttled: ThrottledRound | null;
  peakMb: number;
}

interface DefaultsRound {
  ms: number;
  firstWriteMs: number;
  requestsPerRegion: number;
  writesPerRegion: number;
  cpuMs: number;
  /** `apiops diff` of the estate afterwards, at the default read concurrency (run() in the round's process) */
  diffMs: number;
  /** the same diff as a command in a process of its own, start to exit: the CLI (tsx compiles on load) */
  cliDiffMs: number;
  /** … and the publisher Action's bundle, as a pull request's check runs it */
  actionDiffMs: number;
  /** a one-file incremental publish by the Action's bundle, start to exit, as a push to main runs it */
  actionIncrementalMs: number;
  /** its writes per region */
  actionIncrementalWrites: number[];
}

interface ThrottledRound {
  ms: number;
  writes: number;
  /** 429s the publisher absorbed */
  throttled: number;
  boundMs: number;
  /** two diffs of the estate at once (a pull request's check while drift detection runs), in the same bucket */
  diffs: { ms: number; reads: number; throttled: number; boundMs: number };
}

// ARM's write bucket (200), refilled 10 times as fast as Azure's 10 per second so that the round takes seconds
const BUCKET = { capacity: 200, refillPerSecond: 100 };
// … and its read bucket (250), refilled as much faster than Azure's 25 per second
const READ_BUCKET = { capacity: 250, refillPerSecond: 250 };

/** Three emulated regions holding nothing, and a repository of a synthetic estate for them; closed after `use`. */
async function withEstate<T>(size: { apis: number; operations: number }, use: (emulator: EmulatorProcess, repo: Workspace, files: number) => Promise<T>): Promise<T> {
  const emulator = await spawnEmulator(['--instances', REGIONS.join(','), '--bare', '--latency-ms', String(LATENCY_MS)]);
  const estate = await mkdtemp(join(tmpdir(), 'apiops-bench-estate-'));
  try {
    const files = await writeSyntheticEstate(estate, { ...size, products: 3 });
    const repo = await createWorkspace({ emulator, artifactsFrom: estate });
    try {
      return await use(emulator, repo, files);
    } finally {
      await repo.close();
    }
  } finally {
    await emulator.close();
    await rm(estate, { recursive: true, force: true });
  }
}

/**
 * A full publish of a smaller estate (100 APIs × 2 operations) to the three regions, with the emulator's token
 * buckets on: one bucket per subscription for all three. Its bound is the bucket's: writes beyond the first 200
 * at the refill rate.
 */
async function throttledRound(): Promise<ThrottledRound> {
  return withEstate({ apis: 100, operations: 2 }, async (emulator, repo) => {
    await emulator.setThrottling({ enabled: true, reads: READ_BUCKET, writes: BUCKET, deletes: BUCKET });
    const started = performance.now();
    const result = await run({ configFile: repo.config, env: {}, pollIntervalMs: 5, concurrency: CONCURRENCY, readConcurrency: READ_CONCURRENCY, allowMassDelete: false, apply: true, full: true });
    const ms = performance.now() - started;
    if (result.outcomes.some((o) => o.status !== 'applied')) throw new Error(`the throttled publish did not apply: ${result.outcomes.map((o) => `${o.target} ${o.status} ${o.error ?? ''}`).join(', ')}`);
    // (the emulator counts what it served; a throttled request is answered 429 before it is counted)
    const writes = sum(Object.values(await emulator.counts()).map(writesOf));
    const throttled = subscriptionGate(emulator.subscriptionId).throttled;
    // then two diffs at once from a read bucket just refilled: each of the six target reads sees the bucket empty
    // soon, and only the pacing keeps them from sending into it
    await emulator.setThrottling({ enabled: true, reads: READ_BUCKET, writes: BUCKET, deletes: BUCKET });
    await emulator.resetCounts();
    const diffStarted = performance.now();
    const diffs = await Promise.all([0, 1].map(() => run({ configFile: repo.config, env: {}, pollIntervalMs: 5, readConcurrency: DEFAULT_READ_CONCURRENCY, allowMassDelete: false, apply: false, full: true })));
    const diffMs = performance.now() - diffStarted;
    if (diffs.some((d) => d.outcomes.some((o) => o.status !== 'planned'))) throw new Error('a throttled diff did not plan');
    const reads = sum(Object.values(await emulator.counts()).map(readsOf));
    return {
      ms,
      writes,
      throttled,
      boundMs: (Math.max(0, writes - BUCKET.capacity) / BUCKET.refillPerSecond) * 1000,
      diffs: { ms: diffMs, reads, throttled: subscriptionGate(emulator.subscriptionId).throttled - throttled, boundMs: (Math.max(0, reads - READ_BUCKET.capacity) / READ_BUCKET.refillPerSecond) * 1000 },
    };
  });
}

/** A full publish of the estate, timed: wall time, the first write answered, CPU of both processes, requests. */
async function timedFullPublish(emulator: EmulatorProcess, settings: Omit<RunSettings, 'apply' | 'full' | 'log'>) {
  await emulator.resetCounts();
  const started = performance.now();
  let firstWriteMs = 0;
  const log = (line: string) => {
    if (!firstWriteMs && line.includes(': ✓ ')) firstWriteMs = performance.now() - started;
  };
  const cpu = process.cpuUsage();
  const emulatorCpu = emulator.cpuMs();
  const result = await run({ ...settings, apply: true, full: true, log });
  const ms = performance.now() - started;
  const emulatorCpuMs = emulatorCpu === undefined ? null : (emulator.cpuMs() ?? 0) - emulatorCpu;
  const used = process.cpuUsage(cpu);
  if (result.outcomes.some((o) => o.status !== 'applied')) throw new Error(`the full publish did not apply: ${result.outcomes.map((o) => `${o.target} ${o.status}`).join(', ')}`);
  return { result, ms, firstWriteMs, cpuMs: (used.user + used.system) / 1000, emulatorCpuMs, counts: await emulator.counts() };
}

/**
 * A command as a user waits for it: a process of its own, from start to exit (loading the code, cold compilation,
 * a heap that starts small), which run() in a warm process does not pay. Exit 0 (a diff: no changes).
 */
function timedCommand(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${(child.stderr || child.stdout).slice(-2000)}`);
  return ms;
}

/**
 * The full publish with the publisher's own settings (no concurrency given), then the diff: the figures a team
 * sees. Fewer requests in flight leave this two-core machine's CPU less contended.
 */
async function defaultsRound(actionBundle: string): Promise<DefaultsRound> {
  return withEstate({ apis: APIS, operations: OPERATIONS }, async (emulator, repo) => {
    const { ms, firstWriteMs, cpuMs, counts } = await timedFullPublish(emulator, { configFile: repo.config, env: {}, pollIntervalMs: 5, allowMassDelete: false });
    // and the diff of the estate at the publisher's own read concurrency, as `apiops diff` runs it
    const diffStarted = performance.now();
    const diff = await run({ configFile: repo.config, env: {}, allowMassDelete: false, apply: false, full: true });
    const diffMs = performance.now() - diffStarted;
    if (diff.plan.targets.some((t) => t.items.length > 0)) throw new Error('the diff at the defaults found changes after the publish');
    const cliDiffMs = timedCommand([BIN, 'diff', '--config', repo.config]);
    const out = await mkdtemp(join(tmpdir(), 'apiops-bench-action-'));
    const action = { APIOPS_ACTION_ENTRY: 'publisher', INPUT_CONFIG: repo.config, RUNNER_TEMP: out, GITHUB_OUTPUT: join(out, 'output'), GITHUB_STEP_SUMMARY: join(out, 'summary') };
    const actionDiffMs = timedCommand([actionBundle], { ...action, INPUT_COMMAND: 'diff' });
    const file = join(repo.artifacts, 'apis', 'api-7', 'operations', 'op-3', 'policy.xml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<value>3</value>', '<value>3-by-the-action</value>'));
    await repo.commit('one operation policy, published by the Action');
    await emulator.resetCounts();
    const actionIncrementalMs = timedCommand([actionBundle], { ...action, INPUT_COMMAND: 'publish' });
    const published = await emulator.counts();
    const actionIncrementalWrites = REGIONS.map((r) => writesOf(published[r]));
    await rm(out, { recursive: true, force: true });
    return {
      ms,
      firstWriteMs,
      requestsPerRegion: Math.max(...REGIONS.map((r) => sum(Object.values(counts[r] ?? {})))),
      writesPerRegion: Math.max(...REGIONS.map((r) => writesOf(counts[r]))),
      cpuMs,
      diffMs,
      cliDiffMs,
      actionDiffMs,
      actionIncrementalMs,
      actionIncrementalWrites,
    };
  });
}

/** One round in a process of its own, as a CI job runs a publish: nothing cached or compiled by an earlier round. */
async function round(measureFloor: boolean): Promise<Round> {
  return withEstate({ apis: APIS, operations: OPERATIONS }, async (emulator, repo, files) => {
    const base = { configFile: repo.config, env: {}, pollIntervalMs: 5, concurrency: CONCURRENCY, readConcurrency: READ_CONCURRENCY, allowMassDelete: false };
    const { result: full, ms: fullMs, firstWriteMs, cpuMs, emulatorCpuMs, counts } = await timedFullPublish(emulator, base);
    const perRegion = REGIONS.map((r) => sum(Object.values(counts[r] ?? {})));
    const writesPerRegion = REGIONS.map((r) => writesOf(counts[r]));
    // the longest chain of writes that must follow one another (an API's import, its policy, its ten operation
    // policies, one after another); the estate has no references the dependency graph would need the files for
    const upserts = (full.outcomes[0]?.plan.items ?? []).filter((i) => i.action !== 'delete' && !i.cascade);
    const chain = Math.max(0, ...criticalPathLengths(upsertDependencies(upserts, new State())));

    const file = join(repo.artifacts, 'apis', 'api-7', 'operations', 'op-3', 'policy.xml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<value>3</value>', '<value>3-changed</value>'));
    await repo.commit('one operation policy');
    await emulator.resetCounts();
    let started = performance.now();
    const inc = await run({ ...base, apply: true, full: false });
    const incMs = performance.now() - started;
    const incWrites = Object.values(await emulator.counts()).map(writesOf);

    await emulator.resetCounts();
    started = performance.now();
    const diff = await run({ ...base, apply: false, full: true });
    const diffMs = performance.now() - started;
    const changes = diff.plan.targets.reduce((n, t) => n + t.items.length, 0);
    const diffRequests = Object.values(await emulator.counts()).map((c) => sum(Object.values(c)));
    const floorMs = measureFloor ? await requestFloor(emulator, Math.max(...perRegion)) : null;
    const throttled = measureFloor ? await throttledRound() : null;
    return {
      fullMs,
      firstWriteMs,
      cpuMs,
      emulatorCpuMs,
      incMs,
      diffMs,
      perRegion,
      writesPerRegion,
      chain,
      files,
      incremental: `${inc.outcomes.map((o) => `${o.target} ${o.status} ${o.plan.mode}`).join(', ')}; writes/region ${incWrites.join(', ')}`,
      diffRequests: Math.max(...diffRequests),
      diff: `${changes} changes; ${diffRequests.join(', ')} requests/region → bound ${((Math.max(...diffRequests) / READ_CONCURRENCY) * LATENCY_MS).toFixed(0)} ms at ${READ_CONCURRENCY} in flight`,
      floorMs,
      throttled,
      peakMb: peakMb(),
    };
  });
}

const ROUND_FLAG = '--publish-round';
const DEFAULTS_FLAG = '--defaults-round';

/** Runs this file in a fresh process with `flag` and returns what it printed last, as JSON. */
function childRound<T>(flag: string, ...args: string[]): T {
  const child = spawnSync(process.execPath, [RUN_TS, THIS_FILE, flag, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{')) throw new Error(`${flag} failed (exit ${child.status}): ${child.stdout.slice(-2000)}`);
  return JSON.parse(last) as T;
}

export async function benchPublish(): Promise<void> {
  console.log(
    `estate: ${APIS} APIs × ${OPERATIONS} operations; ${REGIONS.length} regions; ${LATENCY_MS} ms latency; ${ROUNDS} rounds of each figure, each in a fresh process with a fresh emulator`,
  );
  // the publisher Action as its release ships it: one bundled file (built here, beside nothing of the repository's)
  const actionDir = await mkdtemp(join(tmpdir(), 'apiops-bench-bundle-'));
  const { file: actionBundle } = await buildAction('publisher', { outfile: join(actionDir, 'publisher.js') });
  const defaults: DefaultsRound[] = [];
  for (let r = 0; r < ROUNDS; r++) defaults.push(childRound<DefaultsRound>(DEFAULTS_FLAG, actionBundle));
  await rm(actionDir, { recursive: true, force: true });
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rounds.push(childRound<Round>(ROUND_FLAG, r === ROUNDS - 1 ? 'floor' : ''));
  }
  const { perRegion, writesPerRegion, chain, files } = rounds[rounds.length - 1]!;
  // regions run in parallel: the bound is the busiest region's; within it, requests ÷ writes in flight × latency,
  // and never less than one round trip per write of the longest chain
  const boundAt = (requests: number, concurrency: number) => Math.max((requests / concurrency) * LATENCY_MS, chain * LATENCY_MS);

  const dBound = boundAt(defaults[0]!.requestsPerRegion, DEFAULT_WRITE_CONCURRENCY);
  const dWrites = boundAt(defaults[0]!.writesPerRegion, DEFAULT_WRITE_CONCURRENCY);
  const dMs = defaults.map((d) => d.ms);
  console.log(`full publish        : ${figure(dMs)} at the publisher's own settings (${DEFAULT_WRITE_CONCURRENCY} writes / ${DEFAULT_READ_CONCURRENCY} reads in flight per region); ${files} files, every region applied`);
  console.log(`  requests/region   : ${defaults[0]!.requestsPerRegion} (writes ${defaults[0]!.writesPerRegion}); longest chain of dependent writes: ${chain}`);
  console.log(`  lower bound       : ${dBound.toFixed(0)} ms (requests: writes and their LRO polls) / ${dWrites.toFixed(0)} ms (writes only)`);
  console.log(`  ratio             : ${figure(dMs.map((ms) => ms / dBound), '×')} the request bound (target ≤ 1.3), ${figure(dMs.map((ms) => ms / dWrites), '×')} the write bound`);
  console.log(`  first write       : answered ${figure(defaults.map((d) => d.firstWriteMs))} after the start (configuration, validation, reads, plans, locks)`);
  console.log(`  publisher CPU     : ${figure(defaults.map((d) => d.cpuMs))}`);

  const bound = boundAt(Math.max(...perRegion), CONCURRENCY);
  const writesBound = boundAt(Math.max(...writesPerRegion), CONCURRENCY);
  const full = rounds.map((r) => r.fullMs);
  console.log(`full publish, ×2    : ${figure(full)} at ${CONCURRENCY} writes / ${READ_CONCURRENCY} reads in flight per region; requests/region ${perRegion.join(', ')} (writes ${writesPerRegion.join(', ')})`);
  console.log(`  lower bound       : ${bound.toFixed(0)} ms (requests) / ${writesBound.toFixed(0)} ms (writes only)`);
  console.log(`  ratio             : ${figure(full.map((ms) => ms / bound), '×')} the request bound, ${figure(full.map((ms) => ms / writesBound), '×')} the write bound`);
  // where the time goes: nothing is written before the files are validated and every target is planned; then the
  // writes, against the same bound
  console.log(`  first write       : answered ${figure(rounds.map((r) => r.firstWriteMs))} after the start`);
  console.log(`  writes from then  : ${figure(rounds.map((r) => r.fullMs - r.firstWriteMs))} = ${figure(rounds.map((r) => (r.fullMs - r.firstWriteMs) / bound), '×')} the request bound`);
  const cpus = rounds.map((r) => r.cpuMs);
  const emulatorCpus = rounds.flatMap((r) => (r.emulatorCpuMs === null ? [] : [r.emulatorCpuMs]));
  console.log(`  publisher CPU     : ${figure(cpus)} (${figure(cpus.map((ms) => (ms * 1000) / sum(perRegion)), ' µs')} per request); emulator CPU ${emulatorCpus.length ? figure(emulatorCpus) : '?'}`);
  const floor = rounds[rounds.length - 1]!.floorMs;
  if (floor !== null) console.log(`  machine floor     : ${floor.toFixed(0)} ms to send as many requests and nothing else (${(floor / bound).toFixed(2)} × the request bound); the publish takes ${(median(full) / floor).toFixed(2)} × that`);
  const throttled = rounds[rounds.length - 1]!.throttled;
  if (throttled) {
    console.log(
      `throttled publish   : ${throttled.ms.toFixed(0)} ms for ${throttled.writes} writes to 3 regions of one subscription (100 APIs × 2 operations; write bucket ${BUCKET.capacity}, ${BUCKET.refillPerSecond}/s): ${(throttled.ms / throttled.boundMs).toFixed(2)} × the bucket bound ${throttled.boundMs.toFixed(0)} ms; ${throttled.throttled} 429s absorbed, none surfaced`,
    );
    const d = throttled.diffs;
    console.log(
      `  two diffs at once : ${d.ms.toFixed(0)} ms for ${d.reads} reads (read bucket ${READ_BUCKET.capacity}, ${READ_BUCKET.refillPerSecond}/s; ${DEFAULT_READ_CONCURRENCY} in flight per region and diff): ${(d.ms / d.boundMs).toFixed(2)} × the bucket bound ${d.boundMs.toFixed(0)} ms; ${d.throttled} 429s`,
    );
  }
  console.log(`incremental publish : ${figure(rounds.map((r) => r.incMs))} (target < 1000), warm: the second run of its process; ${rounds[0]!.incremental}`);
  console.log(`  as a command      : ${figure(defaults.map((d) => d.actionIncrementalMs))} the Action's bundle, a process of its own from start to exit (loading the code, validating every file cold); writes/region ${defaults[0]!.actionIncrementalWrites.join(', ')}`);
  console.log(`diff of the estate  : ${figure(rounds.map((r) => r.diffMs))} (target < 5000) at ${READ_CONCURRENCY} reads in flight per region; ${rounds[0]!.diff}`);
  console.log(`  at the defaults   : ${figure(defaults.map((d) => d.diffMs))} at ${DEFAULT_READ_CONCURRENCY} reads in flight per region (bound ${((rounds[0]!.diffRequests / DEFAULT_READ_CONCURRENCY) * LATENCY_MS).toFixed(0)} ms), run() after the publish in its process`);
  console.log(`  as a command      : ${figure(defaults.map((d) => d.actionDiffMs))} the Action's bundle, ${figure(defaults.map((d) => d.cliDiffMs))} \`apiops diff\` (tsx), each a process of its own from start to exit`);
  console.log(`peak memory         : ${figure(rounds.map((r) => r.peakMb), ' MB')} (a round's process)`);
}

if (process.argv[2] === ROUND_FLAG) console.log(JSON.stringify(await round(process.argv[3] === 'floor')));
if (process.argv[2] === DEFAULTS_FLAG) console.log(JSON.stringify(await defaultsRound(process.argv[3]!)));
