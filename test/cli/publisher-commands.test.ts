// `apiops diff`, `publish` and `status` as a pipeline runs them: real processes, exit codes, JSON on stdout
// only, Markdown for pull requests, and token values masked everywhere.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';

const BIN = fileURLToPath(new URL('../../bin/apiops.js', import.meta.url));
const TOKEN_VALUE = 'tok-3f9a-very-secret-value';

let emulator: RunningEmulator;
let repo: Workspace;

function apiops(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: repo.dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus', 'westus'] });
  const overrides = `namedValues:\n  - name: environment\n    properties:\n      value: "{#ENVIRONMENT_VALUE#}"\n`;
  repo = await createWorkspace({ emulator, overrides: { eastus: overrides, westus: overrides } });
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
});

describe('apiops diff / publish / status', () => {
  it('diff exits 2 with changes, prints JSON on stdout only, and masks token values', async () => {
    const res = await apiops(['diff', '--format', 'json'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(res.code).toBe(2);
    const plan = JSON.parse(res.stdout) as { version: number; targets: Array<{ target: string; summary: { create: number } }> };
    expect(plan.version).toBe(1);
    expect(plan.targets.map((t) => t.target)).toEqual(['eastus', 'westus']);
    expect(plan.targets.every((t) => t.summary.create > 10)).toBe(true);
    expect(res.stdout + res.stderr).not.toContain(TOKEN_VALUE);
    expect(res.stdout).toContain('***');
  });

  it('diff renders Markdown for a pull request comment', async () => {
    // (two reads in flight: the plan does not depend on how fast the live state is read)
    const res = await apiops(['diff', '--format', 'markdown', '--target', 'westus', '--read-concurrency', '2'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/\| *westus *\|/);
    expect(res.stdout).not.toContain(TOKEN_VALUE);
  });

  it('refuses a concurrency that is not a whole number of 1 or more, before doing anything', async () => {
    const res = await apiops(['publish', '--read-concurrency', '0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("option '--read-concurrency <n>' argument '0' is invalid. expected a whole number of 1 or more");
    expect(res.stdout).toBe('');
  });

  it('publish refuses to send a token that has no value', async () => {
    const res = await apiops(['publish', '--format', 'json']);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { targets: Array<{ status: string }> };
    expect(out.targets.map((t) => t.status)).toEqual(['refused', 'refused']);
  });

  it('publish exits 0 when every target holds the commit; then diff exits 0 and status exits 0', async () => {
    const published = await apiops(['publish', '--format', 'json'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout + published.stderr).not.toContain(TOKEN_VALUE);
    const head = (await repo.git.revparse(['HEAD'])).trim();
    const out = JSON.parse(published.stdout) as { commit: string; targets: Array<{ status: string; recorded: string }> };
    expect(out.targets.map((t) => [t.status, t.recorded])).toEqual([
      ['applied', head],
      ['applied', head],
    ]);
    expect(emulator.instance('westus').store.get('namedValue', ['environment'])?.properties.value).toBe(TOKEN_VALUE);

    const diff = await apiops(['diff'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(diff.code, diff.stdout).toBe(0);
    const status = await apiops(['status', '--format', 'json'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(status.code, status.stdout).toBe(0);
    expect((JSON.parse(status.stdout) as { current: boolean }).current).toBe(true);
  });

  it('status exits 2 when a target drifts from Git', async () => {
    emulator.instance('eastus').store.get('namedValue', ['allowed-origins'])!.properties.value = 'https://changed-by-hand.example';
    const res = await apiops(['status'], { ENVIRONMENT_VALUE: TOKEN_VALUE });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/eastus: at HEAD .*drifting/);
    expect(res.stdout).toMatch(/westus: at HEAD .*no drift/);
  });
});
