// Publisher benchmarks against the emulator at 20 ms latency: a full publish of 300 APIs × 10 operations to three
// regions (wall time against its lower bound), an incremental one-file publish, and a diff of the estate.
// Printed, never asserted. Targets: full publish ≤ 1.3 × lower bound, incremental < 1 s, diff < 5 s.
//
// The lower bounds count latency only. On a small machine the publisher and the emulator also share the CPU, so
// the benchmark measures a second floor: the same number of requests sent by a loop that does nothing else,
// through the same SDK pipeline, to the same emulator, with the same concurrency — what this machine needs just
// to move that many requests. The ratio to it is the publisher's own overhead (scheduling, diff, apply logic).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmulatorProcess, spawnEmulator } from './emulator-process.ts';
import { State } from '../core/state.ts';
import { upsertDependencies } from '../publisher/dependencies.ts';
import { criticalPathLengths } from '../publisher/schedule.ts';
import { Arm } from '../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../core/live/connect.ts';
import { run } from '../publisher/run.ts';
import { createWorkspace } from '../demo/workspace.ts';
import { writeSyntheticEstate } from '../demo/synthetic.ts';

const APIS = Number(process.env.BENCH_APIS ?? 300);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 10);
const LATENCY_MS = 20;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const READ_CONCURRENCY = Number(process.env.BENCH_READ_CONCURRENCY ?? 2 * CONCURRENCY);
const REGIONS = ['eastus', 'westus', 'northeurope'];

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

export async function benchPublish(): Promise<void> {
  const emulator = await spawnEmulator(['--instances', REGIONS.join(','), '--bare', '--latency-ms', String(LATENCY_MS)]);
  const estate = await mkdtemp(join(tmpdir(), 'apiops-bench-estate-'));
  const files = await writeSyntheticEstate(estate, { apis: APIS, operations: OPERATIONS, products: 3 });
  const repo = await createWorkspace({ emulator, artifactsFrom: estate });
  const base = { configFile: repo.config, env: {}, pollIntervalMs: 5, concurrency: CONCURRENCY, readConcurrency: READ_CONCURRENCY, allowMassDelete: false };
  try {
    console.log(`estate: ${APIS} APIs × ${OPERATIONS} operations, ${files} files; ${REGIONS.length} regions; ${LATENCY_MS} ms latency; per region ${CONCURRENCY} writes / ${READ_CONCURRENCY} reads in flight`);

    await emulator.resetCounts();
    let started = performance.now();
    const cpu = process.cpuUsage();
    const emulatorCpu = emulator.cpuMs();
    const full = await run({ ...base, apply: true, full: true });
    const fullMs = performance.now() - started;
    const emulatorCpuMs = emulatorCpu === undefined ? undefined : (emulator.cpuMs() ?? 0) - emulatorCpu;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    const counts = await emulator.counts();
    const perRegion = REGIONS.map((r) => Object.values(counts[r] ?? {}).reduce((a, b) => a + b, 0));
    const writesPerRegion = REGIONS.map((r) => Object.entries(counts[r] ?? {}).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k)).reduce((a, [, n]) => a + n, 0));
    // the longest chain of writes that must follow one another (an API's import, its policy, its ten operation
    // policies, one after another); the estate has no references the dependency graph would need the files for
    const upserts = (full.outcomes[0]?.plan.items ?? []).filter((i) => i.action !== 'delete' && !i.cascade);
    const chain = Math.max(0, ...criticalPathLengths(upsertDependencies(upserts, new State())));
    // regions run in parallel: the bound is the busiest region's; within it, requests ÷ concurrency × latency,
    // and never less than one round trip per write of the longest chain
    const bound = Math.max(...perRegion.map((n) => (n / CONCURRENCY) * LATENCY_MS), chain * LATENCY_MS);
    const writesBound = Math.max(...writesPerRegion.map((n) => (n / CONCURRENCY) * LATENCY_MS));
    console.log(`full publish        : ${fullMs.toFixed(0)} ms; ${full.outcomes.map((o) => `${o.target} ${o.status}`).join(', ')}`);
    console.log(`  requests/region   : ${perRegion.join(', ')} (writes ${writesPerRegion.join(', ')}); longest chain of dependent writes: ${chain}`);
    console.log(`  lower bound       : ${bound.toFixed(0)} ms (requests) / ${writesBound.toFixed(0)} ms (writes only)`);
    console.log(`  ratio             : ${(fullMs / bound).toFixed(2)} × the request bound (target ≤ 1.3), ${(fullMs / writesBound).toFixed(2)} × the write bound`);
    console.log(`  publisher CPU     : ${cpuMs.toFixed(0)} ms (${((cpuMs * 1000) / perRegion.reduce((a, b) => a + b, 0)).toFixed(0)} µs per request); emulator CPU ${emulatorCpuMs ?? '?'} ms`);
    const floor = await requestFloor(emulator, Math.max(...perRegion));
    console.log(`  machine floor     : ${floor.toFixed(0)} ms to send as many requests and nothing else (${(floor / bound).toFixed(2)} × the request bound); the publish takes ${(fullMs / floor).toFixed(2)} × that`);

    const file = join(repo.artifacts, 'apis', 'api-7', 'operations', 'op-3', 'policy.xml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<value>3</value>', '<value>3-changed</value>'));
    await repo.commit('one operation policy');
    await emulator.resetCounts();
    started = performance.now();
    const incremental = await run({ ...base, apply: true, full: false });
    const incMs = performance.now() - started;
    const incWrites = Object.values(await emulator.counts()).map((c) => Object.entries(c).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k)).reduce((a, [, n]) => a + n, 0));
    console.log(`incremental publish : ${incMs.toFixed(0)} ms (target < 1000); ${incremental.outcomes.map((o) => `${o.target} ${o.status} ${o.plan.mode}`).join(', ')}; writes/region ${incWrites.join(', ')}`);

    await emulator.resetCounts();
    started = performance.now();
    const diff = await run({ ...base, apply: false, full: true });
    const diffMs = performance.now() - started;
    const changes = diff.plan.targets.reduce((n, t) => n + t.items.length, 0);
    const diffRequests = Object.values(await emulator.counts()).map((c) => Object.values(c).reduce((a, b) => a + b, 0));
    const diffBound = (Math.max(...diffRequests) / READ_CONCURRENCY) * LATENCY_MS;
    console.log(`diff of the estate  : ${diffMs.toFixed(0)} ms (target < 5000); ${changes} changes; ${diffRequests.join(', ')} requests/region → bound ${diffBound.toFixed(0)} ms at ${READ_CONCURRENCY} in flight (${(diffMs / diffBound).toFixed(2)} ×)`);
    console.log(`peak memory         : ${peakMb().toFixed(0)} MB`);
  } finally {
    await emulator.close();
    await repo.close();
    await rm(estate, { recursive: true, force: true });
  }
}
