// An emulator in a process of its own, as `apiops emulator` runs: benchmarks measure the client's work on one
// core while the emulator answers on the other, rather than both sharing one event loop.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import type { EmulatorAccess } from '../demo/workspace.ts';

const BIN = fileURLToPath(new URL('../bin/apiops.js', import.meta.url));

export interface EmulatorProcess extends EmulatorAccess {
  counts(): Promise<Record<string, Record<string, number>>>;
  resetCounts(): Promise<void>;
  /** ARM's token buckets, as `PATCH /_emulator/throttling` takes them */
  setThrottling(settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
  /** CPU time the emulator process has used so far (user + system), from /proc; undefined where there is none */
  cpuMs(): number | undefined;
}

export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_EMULATOR_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_EMULATOR_PROFILE}`] : []), BIN, 'emulator', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  const info = JSON.parse(line) as Omit<EmulatorAccess, 'caCert'> & { caCertPath: string };
  const caCert = readFileSync(info.caCertPath, 'utf8');
  const admin = (method: string, path: string, body?: unknown) =>
    new Promise<string>((resolve, reject) => {
      const req = https.request(`${info.endpoint}/_emulator/${path}`, { method, ca: caCert, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return {
    ...info,
    caCert,
    counts: async () => JSON.parse(await admin('GET', 'counts')) as Record<string, Record<string, number>>,
    resetCounts: async () => void (await admin('DELETE', 'counts')),
    setThrottling: async (settings) => void (await admin('PATCH', 'throttling', settings)),
    cpuMs: () => {
      try {
        // fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks (100 per second on Linux)
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return undefined;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
