// Apply order against the emulator, which refuses a policy naming a fragment that does not exist yet (as APIM
// does): a fragment that includes a fragment named after it in the plan still publishes, in one run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { type Workspace, createWorkspace } from '../../demo/workspace.ts';
import { run } from '../../publisher/run.ts';
import { startCheckedEmulator } from '../support/emulator.ts';

let emulator: RunningEmulator;
let repo: Workspace;
let estate: string;

const fragment = (body: string) => `<fragment>\n\t${body}\n</fragment>\n`;

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['eastus'] });
  estate = await mkdtemp(join(tmpdir(), 'apiops-order-'));
  const files: Record<string, string> = {
    // 'a-outer' comes first in every name order, and includes 'z-inner'
    'policy fragments/a-outer/policyFragmentInformation.json': '{\n  "properties": {\n    "description": "outer"\n  }\n}\n',
    'policy fragments/a-outer/policy.xml': fragment('<include-fragment fragment-id="z-inner" />'),
    'policy fragments/z-inner/policyFragmentInformation.json': '{\n  "properties": {\n    "description": "inner"\n  }\n}\n',
    'policy fragments/z-inner/policy.xml': fragment('<set-header name="x-inner" exists-action="override">\n\t\t<value>1</value>\n\t</set-header>'),
    'policy.xml': '<policies>\n\t<inbound>\n\t\t<include-fragment fragment-id="a-outer" />\n\t</inbound>\n\t<backend>\n\t\t<forward-request />\n\t</backend>\n\t<outbound />\n\t<on-error />\n</policies>\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(estate, path, '..'), { recursive: true });
    await writeFile(join(estate, path), text);
  }
  repo = await createWorkspace({ emulator, artifactsFrom: estate });
});

afterAll(async () => {
  await emulator?.close();
  await repo?.close();
  await rm(estate, { recursive: true, force: true });
});

describe('apply order', () => {
  it('creates an included fragment before the fragment and the policy that include it', async () => {
    const result = await run({ configFile: repo.config, apply: true, full: false, allowMassDelete: false, env: {}, pollIntervalMs: 5 });
    expect(result.validation.valid).toBe(true);
    const [outcome] = result.outcomes;
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.status).toBe('applied');
    expect(outcome?.apply?.applied.map((i) => `${i.kind} ${i.names.join('/')}`).sort()).toEqual(['policyFragment a-outer', 'policyFragment z-inner', 'servicePolicy policy']);
    const service = emulator.instances.eastus!;
    const held = emulator.instance('eastus').store.list('policyFragment', []).map((r) => r.names[0]);
    expect(service).toBeTruthy();
    expect(held.sort()).toEqual(['a-outer', 'z-inner']);
  });
});
