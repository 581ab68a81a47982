// The publisher's GitHub Action as the runner runs it: the bundle `npm run build:actions` makes, executed by node
// with INPUT_* variables and the runner's output and summary files, against three emulator regions.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAction } from '../../core/github/build.ts';
import type { RunningEmulator } from '../../emulator/index.ts';
import { startCheckedEmulator } from '../support/emulator.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { parseOutputs } from '../support/actions.ts';

const SECRET = 'tok-action-b7e1-do-not-print';

let emulator: RunningEmulator;
let repo: Workspace;
let folder: string;
let bundle: string;


async function runAction(inputs: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string>; summary: string }> {
  const stamp = `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const outputFile = join(folder, `output-${stamp}`);
  const summaryFile = join(folder, `summary-${stamp}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: folder,
    ENVIRONMENT_VALUE: SECRET,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [bundle], { cwd: repo.dir, env, maxBuffer: 32 * 1024 * 1024 }, (error, out) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out }));
  });
  return { code, stdout, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'apiops-publisher-action-'));
  await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
  bundle = (await buildAction('publisher', { outfile: join(folder, 'dist', 'publisher.js') })).file;
  emulator = await startCheckedEmulator({ instances: ['eastus', 'westus', 'northeurope'] });
  const overrides = `namedValues:\n  - name: environment\n    properties:\n      value: "{#ENVIRONMENT_VALUE#}"\n`;
  repo = await createWorkspace({ emulator, overrides: { eastus: overrides, westus: overrides, northeurope: overrides } });
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('publisher/action.yml (bundled)', () => {
  it('diff: writes the plan, names the targets with changes, summarises, and masks token values', async () => {
    const res = await runAction({ command: 'diff' });
    expect(res.code, res.stdout).toBe(0);
    expect(res.outputs['changed-targets']).toBe('eastus,westus,northeurope');
    expect(res.outputs['failed-targets']).toBe('');
    const plan = JSON.parse(await readFile(res.outputs.plan!, 'utf8')) as { targets: unknown[] };
    expect(plan.targets).toHaveLength(3);
    expect(res.stdout).toContain(`::add-mask::${SECRET}`);
    expect(res.summary).toContain('apiops diff');
    expect(res.summary).not.toContain(SECRET);
    expect(await readFile(res.outputs.plan!, 'utf8')).not.toContain(SECRET);
  });

  it('publish: brings every region to the commit and reports it per target', async () => {
    const res = await runAction({ command: 'publish', targets: 'eastus, westus\nnortheurope' });
    expect(res.code, res.stdout).toBe(0);
    expect(res.outputs['failed-targets']).toBe('');
    expect(res.summary).toMatch(/\| eastus \| applied \|/);
    const again = await runAction({ command: 'diff' });
    expect(again.outputs['changed-targets']).toBe('');
  });

  it('status: reports every region and no drift', async () => {
    const res = await runAction({ command: 'status' });
    expect(res.code, res.stdout).toBe(0);
    expect(res.summary).toMatch(/\| westus \| yes \| [0-9a-f]{12} \| 0 \| no \|/);
  });

  it('annotates invalid artifacts with file and line and fails', async () => {
    await repo.commit('broken', { 'artifacts/tags/orders/tagInformation.json': '{ "properties": { "displayName": } }\n' });
    const res = await runAction({ command: 'publish' });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::error file=[^,]*tagInformation\.json,line=1,col=\d+/);
  });
});
