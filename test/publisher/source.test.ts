// How a target's recorded commit stands to the commit being published, asked of a real repository in one git
// process: it decides incremental, full or "never move back".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitRelation } from '../../publisher/source.ts';

let dir: string;
const shas: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apiops-source-'));
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'test');
  await git.addConfig('user.email', 'test@apiops.invalid');
  for (const name of ['a', 'b', 'c']) {
    await writeFile(join(dir, `${name}.txt`), name);
    await git.add('.');
    await git.commit(name);
    shas[name] = (await git.revparse(['HEAD'])).trim();
  }
  // a history of its own (an orphan branch): no common ancestor with main
  await git.raw(['checkout', '--orphan', 'other']);
  await writeFile(join(dir, 'x.txt'), 'x');
  await git.add('.');
  await git.commit('x');
  shas.x = (await git.revparse(['HEAD'])).trim();
  // a branch off a, beside b and c
  await git.raw(['checkout', '-b', 'side', shas.a!]);
  await writeFile(join(dir, 's.txt'), 's');
  await git.add('.');
  await git.commit('s');
  shas.s = (await git.revparse(['HEAD'])).trim();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the recorded commit against the commit being published', () => {
  it('is behind (publish what changed since), ahead (never move back) or the same', async () => {
    expect(await commitRelation(dir, shas.a!, shas.c!)).toBe('behind');
    expect(await commitRelation(dir, shas.c!, shas.a!)).toBe('ahead');
    expect(await commitRelation(dir, shas.b!, shas.b!)).toBe('same');
  });

  it('is unrelated when the histories parted (reconcile everything) or share nothing', async () => {
    expect(await commitRelation(dir, shas.s!, shas.c!)).toBe('unrelated');
    expect(await commitRelation(dir, shas.x!, shas.c!)).toBe('unrelated');
  });

  it('is unknown when the repository does not have it (a shallow clone, a rewritten history) or it is no commit id', async () => {
    expect(await commitRelation(dir, 'f'.repeat(40), shas.c!)).toBe('unknown');
    expect(await commitRelation(dir, 'not a sha', shas.c!)).toBe('unknown');
  });
});
