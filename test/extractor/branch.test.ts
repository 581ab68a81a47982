// Extract → pull request: the extract committed on a new branch of a real Git repository (simple-git, temp folders)
// and pushed to its remote; nothing committed when nothing changed; other work in the checkout left alone.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../extractor/run.ts';
import { seedState } from '../support/seed.ts';
import { type EmulatedInstance, collectLog, emulatedInstance, tempFolder, v7SampleState } from './helpers.ts';

describe('extract --branch', () => {
  let inst: EmulatedInstance;
  let root: string;
  let work: string;
  let remote: string;
  let out: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    root = await tempFolder('apiops-branch-');
    // no global or system git identity: the runner's situation (actions/checkout configures none)
    process.env.HOME = root;
    process.env.XDG_CONFIG_HOME = join(root, 'xdg');
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    for (const v of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) delete process.env[v];
    remote = join(root, 'remote.git');
    work = join(root, 'work');
    await mkdir(remote);
    await mkdir(work);
    await simpleGit(remote).init(true);
    const git = simpleGit({ baseDir: work, config: ['user.name=Dev', 'user.email=dev@example.com'] });
    await git.init(['--initial-branch=main']);
    await writeFile(join(work, 'README.md'), '# estate\n');
    await git.add('README.md');
    await git.commit('initial');
    await git.addRemote('origin', remote);
    out = join(work, 'artifacts');
    inst = await emulatedInstance({ bare: true });
    await seedState(inst.arm, await v7SampleState());
  });
  afterAll(async () => {
    process.env = savedEnv;
    await inst?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('commits the extract on a new branch and pushes it', async () => {
    const summary = await run(inst.settings(out, { branch: { name: 'extract/first' } }), collectLog());
    expect(summary.branch).toBe('extract/first');
    expect(summary.pushed).toBe(true);
    const git = simpleGit(work);
    expect((await git.branchLocal()).current).toBe('extract/first');
    expect((await git.status()).isClean()).toBe(true);
    const log = await git.log({ maxCount: 1 });
    expect(log.latest?.hash).toBe(summary.commit);
    expect(log.latest?.message).toBe(`Extract ${inst.serviceName}: ${summary.files.added} added, 0 changed, 0 removed files`);
    expect(log.latest?.body).toMatch(/API: \d+ added, 0 changed, 0 removed/);
    expect(log.latest?.author_name).toBe('github-actions[bot]');
    const remoteBranches = await simpleGit(remote).branch();
    expect(remoteBranches.all).toContain('extract/first');
    expect((await simpleGit(remote).revparse(['extract/first'])).trim()).toBe(summary.commit);
  });

  it('makes no branch and no commit when nothing changed', async () => {
    const log = collectLog();
    const summary = await run(inst.settings(out, { branch: { name: 'extract/second' } }), log);
    expect(summary.changed).toBe(false);
    expect(summary.branch).toBeNull();
    expect(summary.commit).toBeNull();
    expect((await simpleGit(work).branchLocal()).all).not.toContain('extract/second');
    expect(log.lines.join('\n')).toContain("no branch 'extract/second' was made");
  });

  it('commits only the artifacts folder, with the message asked for and the changes per kind', async () => {
    await writeFile(join(work, 'notes.txt'), 'work in progress\n');
    await inst.arm.delete('backend', ['backend2']);
    await inst.arm.put('tag', ['tag3'], { properties: { displayName: 'tag3' } });
    const summary = await run(inst.settings(out, { branch: { name: 'extract/third', commitMessage: 'Nightly extract' } }), collectLog());
    expect(summary.branch).toBe('extract/third');
    const git = simpleGit(work);
    const log = await git.log({ maxCount: 1 });
    expect(log.latest?.message).toBe('Nightly extract');
    expect(log.latest?.body.split('\n').filter(Boolean).sort()).toEqual(['backend: 0 added, 0 changed, 1 removed', 'tag: 1 added, 0 changed, 0 removed']);
    const files = (await git.raw(['show', '--name-status', '--format=', 'HEAD'])).trim().split('\n').sort();
    expect(files).toEqual(['A\tartifacts/tags/tag3/tagInformation.json', 'D\tartifacts/backends/backend2/backendInformation.json']);
    expect((await git.status()).not_added).toEqual(['notes.txt']);
  });

  it('refuses a branch that exists before reading anything', async () => {
    const before = inst.exchanges.length;
    await expect(run(inst.settings(out, { branch: { name: 'extract/first' } }), collectLog())).rejects.toThrow(/branch 'extract\/first' already exists/);
    expect(inst.exchanges.length).toBe(before);
  });

  it('refuses an artifacts folder outside a Git repository', async () => {
    const elsewhere = await tempFolder();
    try {
      await expect(run(inst.settings(join(elsewhere, 'artifacts'), { branch: { name: 'x' } }), collectLog())).rejects.toThrow(/inside a Git repository/);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('commits without pushing when the repository has no remote', async () => {
    const git = simpleGit(work);
    await git.removeRemote('origin');
    await inst.arm.put('tag', ['tag4'], { properties: { displayName: 'tag4' } });
    const summary = await run(inst.settings(out, { branch: { name: 'extract/local' } }), collectLog());
    expect(summary.branch).toBe('extract/local');
    expect(summary.pushed).toBe(false);
    expect((await git.log({ maxCount: 1 })).latest?.hash).toBe(summary.commit);
  });
});
