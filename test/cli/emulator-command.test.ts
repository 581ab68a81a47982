// `apiops emulator` as a new user runs it: one JSON ready line, an answer to a plain HTTPS list request with the
// CA from that line, exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw.ts';

const BIN = fileURLToPath(new URL('../../bin/apiops.js', import.meta.url));

describe('apiops emulator', () => {
  it('prints one ready line, serves ARM list requests for each instance, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--instances', 'eastus,westus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const ready = JSON.parse(first) as { endpoint: string; subscriptionId: string; resourceGroup: string; instances: Record<string, string>; caCertPath: string };
    expect(ready.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(ready.instances)).toEqual(['eastus', 'westus']);
    const caCert = readFileSync(ready.caCertPath, 'utf8');
    for (const service of Object.values(ready.instances)) {
      const res = await rawRequest(
        { endpoint: ready.endpoint, caCert },
        { path: `/subscriptions/${ready.subscriptionId}/resourceGroups/${ready.resourceGroup}/providers/Microsoft.ApiManagement/service/${service}/apis?api-version=2024-05-01`, headers: { authorization: 'Bearer x' } },
      );
      expect(res.status).toBe(200);
      expect((res.json as { value: Array<{ name: string }> }).value.map((a) => a.name)).toContain('echo-api');
    }
    let extra = '';
    lines.on('line', (l) => (extra += l));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(extra).toBe('');
  });
});
