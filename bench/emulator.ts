// How fast the emulator serves the real SDK: writes and reads per second at a fixed concurrency, and memory for
// a large instance. Printed, never asserted.
import { startEmulator } from '../emulator/index.ts';
import { sdkClient } from '../test/support/sdk.ts';

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function benchEmulator(): Promise<void> {
  const emulator = await startEmulator({ bare: true, instances: ['bench'] });
  const client = sdkClient(emulator);
  const rg = emulator.resourceGroup;
  const svc = emulator.instances.bench!;
  const apis = Array.from({ length: 200 }, (_, i) => `api-${i}`);
  const concurrency = 16;
  try {
    let started = performance.now();
    await pool(apis, concurrency, (a) => client.api.beginCreateOrUpdateAndWait(rg, svc, a, { displayName: a, path: a, protocols: ['https'] }, { updateIntervalInMs: 1 }));
    const apiMs = performance.now() - started;
    const ops = apis.flatMap((a) => Array.from({ length: 10 }, (_, i) => [a, `op-${i}`] as const));
    started = performance.now();
    await pool(ops, concurrency, ([a, o]) => client.apiOperation.createOrUpdate(rg, svc, a, o, { displayName: o, method: 'GET', urlTemplate: `/${o}` }));
    const opMs = performance.now() - started;
    started = performance.now();
    await pool(ops, concurrency, ([a, o]) => client.apiOperation.get(rg, svc, a, o));
    const readMs = performance.now() - started;
    started = performance.now();
    let listed = 0;
    for await (const _ of client.api.listByService(rg, svc)) listed++;
    const listMs = performance.now() - started;
    const rss = process.memoryUsage().rss / 1024 / 1024;
    console.log('emulator (real SDK over HTTPS, concurrency 16)');
    console.log(`  api PUT (LRO: PUT, poll, GET)  : ${apis.length} in ${apiMs.toFixed(0)} ms → ${((apis.length * 3 * 1000) / apiMs).toFixed(0)} req/s`);
    console.log(`  operation PUT                  : ${ops.length} in ${opMs.toFixed(0)} ms → ${((ops.length * 1000) / opMs).toFixed(0)} req/s`);
    console.log(`  operation GET                  : ${ops.length} in ${readMs.toFixed(0)} ms → ${((ops.length * 1000) / readMs).toFixed(0)} req/s`);
    console.log(`  list ${listed} APIs (pages of 100)   : ${listMs.toFixed(0)} ms`);
    console.log(`  resident memory                : ${rss.toFixed(0)} MB`);
  } finally {
    await emulator.close();
  }
}
