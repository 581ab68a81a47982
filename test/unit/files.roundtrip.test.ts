// The contract with Git: reading a folder and writing the State back changes no byte (`git status` stays
// clean), and writing into an empty folder produces a folder that reads back to the same State.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { readArtifacts } from '../../core/files/read.ts';
import { writeArtifacts } from '../../core/files/write.ts';
import type { State } from '../../core/state.ts';
import { REPO_ARTIFACTS, V6_SAMPLE, V7_SAMPLE, tempDir, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const SOURCES = [
  ['the APIOps v7 sample', V7_SAMPLE],
  ['the APIOps v6 sample', V6_SAMPLE],
  ['this repository’s artifacts', REPO_ARTIFACTS],
] as const;

function resources(state: State): unknown[] {
  return state.list().map((r) => ({ kind: r.kind, names: r.names, properties: r.properties, extra: r.extra, specification: r.specification }));
}

async function commitCopy(source: string): Promise<{ repo: string; artifacts: string }> {
  const repo = await tempDir('apiops-git-');
  const artifacts = join(repo, 'artifacts');
  await cp(source, artifacts, { recursive: true });
  const git = simpleGit(repo);
  await git.init();
  await git.addConfig('user.email', 'test@apiops.invalid');
  await git.addConfig('user.name', 'apiops test');
  await git.addConfig('core.autocrlf', 'false');
  await git.add('.');
  await git.commit('samples');
  return { repo, artifacts };
}

describe.each(SOURCES)('round trip of %s', (_name, source) => {
  it('read → write back into the same folder changes no byte', async () => {
    const { repo, artifacts } = await commitCopy(source);
    const read = await readArtifacts(artifacts);
    const result = await writeArtifacts(artifacts, read.state, { previous: read });
    expect(result.written).toEqual([]);
    expect(result.deleted).toEqual([]);
    const status = await simpleGit(repo).status();
    expect(status.files).toEqual([]);
  });

  it('read → write into an empty folder → read gives the same State', async () => {
    const first = await readArtifacts(source);
    const target = await tempDir('apiops-empty-');
    await writeArtifacts(target, first.state);
    const second = await readArtifacts(target);
    expect(second.findings).toEqual([]);
    expect(resources(second.state)).toEqual(resources(first.state));
  });

  it('writes the same bytes twice: a second write into the written folder changes nothing', async () => {
    const { state } = await readArtifacts(source);
    const written = await tempDir('apiops-once-');
    await writeArtifacts(written, state);
    const { repo, artifacts } = await commitCopy(written);
    const again = await writeArtifacts(artifacts, state);
    expect(again.written).toEqual([]);
    expect((await simpleGit(repo).status()).files).toEqual([]);
  });
});
