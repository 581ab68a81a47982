// Publisher benchmarks against the emulator at 20 ms latency: a full publish of 300 APIs × 10 operations to three
// regions (wall time against its lower bound), an incremental one-file publish, and a diff of the estate.
// Printed, never asserted. Targets: full publish ≤ 1.3 × lower bound, incremental < 1 s, diff < 5 s.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEmulator } from './emulator-process.ts';
import { LEVELS } from '../core/kinds.ts';
import { run } from '../publisher/run.ts';
import { createWorkspace } from '../demo/workspace.ts';
import { writeSyntheticEstate } from '../demo/synthetic.ts';

const APIS = Number(process.env.BENCH_APIS ?? 300);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 10);
const LATENCY_MS = 20;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REGIONS = ['eastus', 'westus', 'northeurope'];

function peakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export async function benchPublish(): Promise<void> {
  const emulator = await spawnEmulator(['--instances', REGIONS.join(','), '--bare', '--latency-ms', String(LATENCY_MS)]);
  const estate = await mkdtemp(join(tmpdir(), 'apiops-bench-estate-'));
  const files = await writeSyntheticEstate(estate, { apis: APIS, operations: OPERATIONS, products: 3 });
  const repo = await createWorkspace({ emulator, artifactsFrom: estate });
  const base = { configFile: repo.config, env: {}, pollIntervalMs: 5, concurrency: CONCURRENCY, allowMassDelete: false };
  try {
    console.log(`estate: ${APIS} APIs × ${OPERATIONS} operations, ${files} files; ${REGIONS.length} regions; ${LATENCY_MS} ms latency; ${CONCURRENCY} requests in flight per region`);

    await emulator.resetCounts();
    let started = performance.now();
    const cpu = process.cpuUsage();
    const full = await run({ ...base, apply: true, full: true });
    const fullMs = performance.now() - started;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    const counts = await emulator.counts();
    const perRegion = REGIONS.map((r) => Object.values(counts[r] ?? {}).reduce((a, b) => a + b, 0));
    const writesPerRegion = REGIONS.map((r) => Object.entries(counts[r] ?? {}).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k)).reduce((a, [, n]) => a + n, 0));
    const levels = new Set(full.outcomes[0]?.plan.items.map((i) => LEVELS[i.kind]) ?? []).size;
    // regions run in parallel: the bound is the busiest region's; within it, requests ÷ concurrency × latency,
    // and never less than one round trip per dependency level
    const bound = Math.max(...perRegion.map((n) => (n / CONCURRENCY) * LATENCY_MS), levels * LATENCY_MS);
    const writesBound = Math.max(...writesPerRegion.map((n) => (n / CONCURRENCY) * LATENCY_MS));
    console.log(`full publish        : ${fullMs.toFixed(0)} ms; ${full.outcomes.map((o) => `${o.target} ${o.status}`).join(', ')}`);
    console.log(`  requests/region   : ${perRegion.join(', ')} (writes ${writesPerRegion.join(', ')}); ${levels} dependency levels`);
    console.log(`  lower bound       : ${bound.toFixed(0)} ms (requests) / ${writesBound.toFixed(0)} ms (writes only)`);
    console.log(`  ratio             : ${(fullMs / bound).toFixed(2)} × the request bound (target ≤ 1.3), ${(fullMs / writesBound).toFixed(2)} × the write bound`);
    console.log(`  publisher CPU     : ${cpuMs.toFixed(0)} ms (${((cpuMs * 1000) / perRegion.reduce((a, b) => a + b, 0)).toFixed(0)} µs per request)`);

    const file = join(repo.artifacts, 'apis', 'api-7', 'operations', 'op-3', 'policy.xml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<value>3</value>', '<value>3-changed</value>'));
    await repo.commit('one operation policy');
    await emulator.resetCounts();
    started = performance.now();
    const incremental = await run({ ...base, apply: true, full: false });
    const incMs = performance.now() - started;
    const incWrites = Object.values(await emulator.counts()).map((c) => Object.entries(c).filter(([k]) => /^(PUT|PATCH|DELETE) /.test(k)).reduce((a, [, n]) => a + n, 0));
    console.log(`incremental publish : ${incMs.toFixed(0)} ms (target < 1000); ${incremental.outcomes.map((o) => `${o.target} ${o.status} ${o.plan.mode}`).join(', ')}; writes/region ${incWrites.join(', ')}`);

    started = performance.now();
    const diff = await run({ ...base, apply: false, full: true });
    const diffMs = performance.now() - started;
    const changes = diff.plan.targets.reduce((n, t) => n + t.items.length, 0);
    console.log(`diff of the estate  : ${diffMs.toFixed(0)} ms (target < 5000); ${changes} changes`);
    console.log(`peak memory         : ${peakMb().toFixed(0)} MB`);
  } finally {
    await emulator.close();
    await repo.close();
    await rm(estate, { recursive: true, force: true });
  }
}
