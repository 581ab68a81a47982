// Extract benchmark: an instance of 500 APIs × 10 operations, each API and operation with a policy, served by the
// emulator with 20 ms of latency per request; the extract runs in a child process (its own CPU and memory, as in
// a pipeline) at the default concurrency. Printed: wall time (read, write), requests, peak memory, and the ratio
// of wall time to the lower bound — requests ÷ concurrency × latency, or the longest chain of dependent reads ×
// latency when that is longer. Nothing is asserted.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const APIS = Number(process.env.BENCH_EXTRACT_APIS ?? 500);
const OPERATIONS = 10;
const LATENCY_MS = Number(process.env.BENCH_EXTRACT_LATENCY_MS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_EXTRACT_CONCURRENCY ?? 8);
const PAGE_SIZE = 100;

interface ChildConfig {
  endpoint: string;
  caCert: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  out: string;
  concurrency: number;
}

interface ChildResult {
  readMs: number;
  writeMs: number;
  requests: number;
  resources: number;
  files: number;
  maxRssMb: number;
  heapUsedMb: number;
  /** CPU time of the extract process during the read */
  readCpuMs: number;
}

function spec(i: number): string {
  const paths: Record<string, unknown> = {};
  for (let o = 0; o < OPERATIONS; o++) {
    paths[`/items-${o}/{id}`] = {
      get: {
        operationId: `get-item-${o}`,
        summary: `Get item ${o}`,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, value: { type: 'integer' } } } } } } },
      },
    };
  }
  return JSON.stringify({ openapi: '3.0.1', info: { title: `API ${i}`, version: '1.0' }, servers: [{ url: `https://backend-${i}.example.com` }], paths });
}

const POLICY = (name: string) =>
  `<policies>\n\t<inbound>\n\t\t<base />\n\t\t<set-header name="x-operation" exists-action="override">\n\t\t\t<value>${name}</value>\n\t\t</set-header>\n\t\t<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />\n\t</inbound>\n\t<backend>\n\t\t<base />\n\t</backend>\n\t<outbound>\n\t\t<base />\n\t</outbound>\n\t<on-error>\n\t\t<base />\n\t</on-error>\n</policies>`;

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** The child: one extract (read, then write), its own figures as one JSON line. */
async function child(config: ChildConfig): Promise<void> {
  const { Arm } = await import('../core/live/arm.ts');
  const { EMULATOR_CREDENTIAL, connect } = await import('../core/live/connect.ts');
  const { readLive } = await import('../core/live/read.ts');
  const { readArtifacts } = await import('../core/files/read.ts');
  const { writeArtifacts } = await import('../core/files/write.ts');
  const arm = new Arm(connect({ ...config, credential: EMULATOR_CREDENTIAL }));
  let heap = 0;
  const sampler = setInterval(() => (heap = Math.max(heap, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const live = await readLive(arm, { concurrency: config.concurrency });
  const read = performance.now();
  const used = process.cpuUsage(cpu);
  const previous = await readArtifacts(config.out);
  const written = await writeArtifacts(config.out, live.state, { previous });
  const done = performance.now();
  clearInterval(sampler);
  heap = Math.max(heap, process.memoryUsage().heapUsed);
  const result: ChildResult = {
    readMs: read - started,
    writeMs: done - read,
    requests: live.requests,
    resources: live.state.size,
    files: written.written.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: heap / 1024 / 1024,
    readCpuMs: (used.user + used.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(config: ChildConfig): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [runTs, self, '--child', JSON.stringify(config)], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`extract child failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult);
    });
  });
}

export async function benchExtract(): Promise<void> {
  const { startEmulator } = await import('../emulator/index.ts');
  const { Arm } = await import('../core/live/arm.ts');
  const { EMULATOR_CREDENTIAL, connect } = await import('../core/live/connect.ts');
  const emulator = await startEmulator({ instances: ['bench'], bare: true, pageSize: PAGE_SIZE });
  const out = await mkdtemp(join(tmpdir(), 'apiops-bench-extract-'));
  try {
    const serviceName = emulator.instances.bench as string;
    const target = { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName, endpoint: emulator.endpoint, caCert: emulator.caCert };
    const arm = new Arm(connect({ ...target, credential: EMULATOR_CREDENTIAL }), { pollIntervalMs: 1 });
    const seeding = performance.now();
    const apis = Array.from({ length: APIS }, (_, i) => i);
    await pool(apis, 32, async (i) => {
      const name = `api-${String(i).padStart(4, '0')}`;
      await arm.put('api', [name], { properties: { displayName: `API ${i}`, path: name, format: 'openapi+json', value: spec(i) } });
      await arm.put('apiPolicy', [name, 'policy'], { properties: { format: 'rawxml', value: POLICY(name) } });
      for (let o = 0; o < OPERATIONS; o++) await arm.put('apiOperationPolicy', [name, `get-item-${o}`, 'policy'], { properties: { format: 'rawxml', value: POLICY(`get-item-${o}`) } });
    });
    console.log(`seeded ${APIS} APIs × ${OPERATIONS} operations with policies in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    emulator.setKnobs('bench', { latencyMs: LATENCY_MS });
    emulator.resetCounts();
    const started = performance.now();
    const result = await runChild({ ...target, caCert: emulator.caCert, out, concurrency: CONCURRENCY });
    const wallMs = performance.now() - started;
    const served = Object.values(emulator.counts().bench ?? {}).reduce((a, b) => a + b, 0);
    // export downloads are SAS blob links outside ARM: no latency, not in the bound
    const throughputBound = (served / CONCURRENCY) * LATENCY_MS;
    // API list pages one after another, then one API's operation list, then one operation's policy
    const chainBound = (Math.ceil(APIS / PAGE_SIZE) + 2) * LATENCY_MS;
    const lowerBound = Math.max(throughputBound, chainBound);
    const readRatio = result.readMs / lowerBound;
    const extractRatio = (result.readMs + result.writeMs) / lowerBound;
    console.log(`extract (child process, concurrency ${CONCURRENCY}, latency ${LATENCY_MS} ms):`);
    console.log(`  requests             ${result.requests} (${served} ARM requests served, ${result.requests - served} export downloads)`);
    console.log(`  resources read       ${result.resources}, files written ${result.files}`);
    console.log(`  wall time            read ${(result.readMs / 1000).toFixed(2)} s + write ${(result.writeMs / 1000).toFixed(2)} s; process ${(wallMs / 1000).toFixed(2)} s with start-up`);
    console.log(`  lower bound          ${(lowerBound / 1000).toFixed(2)} s (${served} ÷ ${CONCURRENCY} × ${LATENCY_MS} ms; dependent chain ${(chainBound / 1000).toFixed(2)} s)`);
    console.log(`  ratio                read ${readRatio.toFixed(2)}, read + write ${extractRatio.toFixed(2)} (target ≤ 1.5)`);
    console.log(`  extract CPU          ${(result.readCpuMs / 1000).toFixed(2)} s during the read (${(result.readCpuMs / result.requests).toFixed(2)} ms per request)`);
    console.log(`  peak memory          ${result.maxRssMb.toFixed(0)} MB RSS, ${result.heapUsedMb.toFixed(0)} MB heap (target ≤ 500 MB)`);
  } finally {
    await emulator.close();
    await rm(out, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child' && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await child(JSON.parse(process.argv[3] ?? '{}') as ChildConfig);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchExtract();
}
