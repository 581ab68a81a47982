// The GitHub Action as the runner runs it: the bundle `npm run build:actions` makes, executed by node with INPUT_*
// variables and the runner's output and summary files, against the emulator.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtractorAction } from '../../extractor/action/build.ts';
import { seedState } from '../support/seed.ts';
import { type EmulatedInstance, emulatedInstance, snapshot, tempFolder, v7SampleState } from './helpers.ts';
import { parseOutputs } from '../support/actions.ts';

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}


describe('extractor/action.yml (bundled)', () => {
  let inst: EmulatedInstance;
  let folder: string;
  let bundle: string;

  beforeAll(async () => {
    folder = await tempFolder('apiops-action-');
    // the runner loads the bundle as ESM: the repository's package.json says "type": "module"
    await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
    bundle = (await buildExtractorAction({ outfile: join(folder, 'dist', 'extractor.js') })).file;
    inst = await emulatedInstance({ bare: true });
    await seedState(inst.arm, await v7SampleState());
  });
  afterAll(async () => {
    await inst?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function runAction(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
    const outputFile = join(folder, `output-${Date.now()}`);
    const summaryFile = join(folder, `summary-${Date.now()}`);
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [bundle], { cwd: workspace, env, maxBuffer: 16 * 1024 * 1024 }, (error, out) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout: out });
      });
    });
    return { code, stdout, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
  }

  const instanceInputs = (): Record<string, string> => ({
    'subscription-id': inst.emulator.subscriptionId,
    'resource-group': inst.emulator.resourceGroup,
    'service-name': inst.serviceName,
    endpoint: inst.emulator.endpoint,
    'ca-cert': inst.emulator.caCertPath,
    emulator: 'true',
  });

  it('declares a node24 action whose inputs mirror the command line', async () => {
    const action = parseYaml(await readFile(new URL('../../extractor/action.yml', import.meta.url), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/extractor.js' });
    expect(Object.keys(action.outputs).sort()).toEqual(['branch', 'changed', 'summary']);
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['target', 'config', 'subscription-id', 'resource-group', 'service-name', 'endpoint', 'ca-cert', 'emulator', 'out', 'filter', 'spec-format', 'concurrency', 'branch', 'commit-message']),
    );
  });

  it('extracts into the workspace and reports changed, branch, summary and a job summary table', async () => {
    const workspace = await tempFolder('apiops-ws-');
    try {
      const result = await runAction(workspace, { ...instanceInputs(), out: 'apim' });
      expect(result.stdout).not.toContain('::error');
      expect(result.code).toBe(0);
      expect(result.outputs.changed).toBe('true');
      expect(result.outputs.branch).toBe('');
      const summary = JSON.parse(result.outputs.summary ?? '{}') as { service: string; kinds: Record<string, { added: number }> };
      expect(summary.service).toBe(inst.serviceName);
      expect(summary.kinds.api?.added).toBeGreaterThan(0);
      expect(result.summary).toContain('| Kind | Added | Changed | Removed |');
      expect(result.summary).toContain('| product↔API link | 7 | 0 | 0 |');
      expect(Object.keys(await snapshot(join(workspace, 'apim')))).toContain('apis/basic-api/apiInformation.json');
      const again = await runAction(workspace, { ...instanceInputs(), out: 'apim' });
      expect(again.outputs.changed).toBe('false');
      expect(again.summary).toContain('No changes');
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('commits on the branch input and names it in the outputs', async () => {
    const workspace = await tempFolder('apiops-ws-');
    try {
      const git = simpleGit({ baseDir: workspace, config: ['user.name=Dev', 'user.email=dev@example.com'] });
      await git.init(['--initial-branch=main']);
      await writeFile(join(workspace, 'README.md'), '# estate\n');
      await git.add('README.md');
      await git.commit('initial');
      const result = await runAction(workspace, { ...instanceInputs(), branch: 'extract/nightly', 'commit-message': 'Nightly extract' });
      expect(result.code).toBe(0);
      expect(result.outputs.branch).toBe('extract/nightly');
      expect(result.summary).toContain('Committed on branch `extract/nightly`');
      expect((await git.log({ maxCount: 1 })).latest?.message).toBe('Nightly extract');
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('fails the step with an error annotation when the inputs do not say which instance', async () => {
    const workspace = await tempFolder('apiops-ws-');
    try {
      const result = await runAction(workspace, { 'service-name': 'x' });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^::error title=apiops extract::say which instance to extract/m);
      expect(result.outputs).toEqual({});
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});
