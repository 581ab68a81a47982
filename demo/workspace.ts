// A real git repository in a temp folder holding an artifacts folder and an apiops.yaml whose targets are the
// instances of a running emulator — what a team's repository looks like. The demo runs in one; so do the
// end-to-end tests.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SimpleGit, simpleGit } from 'simple-git';
import type { EmulatorInfo } from '../emulator/index.ts';

/** What a workspace needs of an emulator: its ready line and the CA certificate. */
export type EmulatorAccess = EmulatorInfo & { caCert: string };

export const SAMPLE_ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

export interface Workspace {
  dir: string;
  git: SimpleGit;
  config: string;
  artifacts: string;
  /** writes (or, with null, deletes) files relative to the repository, commits, returns the commit */
  commit(message: string, files?: Record<string, string | null>): Promise<string>;
  read(path: string): Promise<string>;
  close(): Promise<void>;
}

export async function createWorkspace(input: { emulator: EmulatorAccess; artifactsFrom?: string; overrides?: Record<string, string>; extra?: string }): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'apiops-repo-'));
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'apiops demo');
  await git.addConfig('user.email', 'demo@apiops.invalid');
  await cp(input.artifactsFrom ?? SAMPLE_ARTIFACTS, join(dir, 'artifacts'), { recursive: true });
  const caPath = join(dir, 'emulator-ca.pem');
  await writeFile(caPath, input.emulator.caCert);
  const targets = Object.entries(input.emulator.instances).map(([label, service]) => {
    const overrides = input.overrides?.[label] ? `\n    overrides: configuration.${label}.yaml` : '';
    return `  - name: ${label}\n    subscriptionId: ${input.emulator.subscriptionId}\n    resourceGroup: ${input.emulator.resourceGroup}\n    serviceName: ${service}\n    endpoint: ${input.emulator.endpoint}\n    caCert: emulator-ca.pem\n    emulator: true${overrides}`;
  });
  for (const [label, text] of Object.entries(input.overrides ?? {})) await writeFile(join(dir, `configuration.${label}.yaml`), text);
  const config = join(dir, 'apiops.yaml');
  await writeFile(config, `artifacts: artifacts\ntargets:\n${targets.join('\n')}\n${input.extra ?? ''}`);
  // the CA certificate changes with every emulator run: it is not part of the history
  await writeFile(join(dir, '.gitignore'), 'emulator-ca.pem\n');
  await git.add('.');
  await git.commit('initial estate');
  return {
    dir,
    git,
    config,
    artifacts: join(dir, 'artifacts'),
    async commit(message, files = {}) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(dir, path);
        if (content === null) await rm(full, { recursive: true, force: true });
        else {
          await mkdir(dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
      await git.add(['-A', '.']);
      await git.commit(message, { '--allow-empty': null });
      return (await git.revparse(['HEAD'])).trim();
    },
    read: (path) => readFile(join(dir, path), 'utf8'),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
