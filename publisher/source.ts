// Where the desired files come from: the working tree, or the git objects of one commit (so a publish of commit
// C reads C's files even when the checkout has moved on). A commit is materialised with `git archive` into a
// temporary folder; its paths keep their place relative to the repository root.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import { UserError } from '../core/errors.ts';

export interface Materialized {
  /** folder that stands for the repository root at that commit */
  root: string;
  commit: string;
  cleanup(): Promise<void>;
}

export async function repositoryRoot(dir: string): Promise<string | null> {
  try {
    return (await simpleGit(dir).revparse(['--show-toplevel'])).trim();
  } catch {
    return null;
  }
}

export async function resolveCommit(repo: string, rev: string): Promise<string> {
  try {
    return (await simpleGit(repo).revparse(['--verify', `${rev}^{commit}`])).trim();
  } catch {
    throw new UserError(`'${rev}' is not a commit of the repository at ${repo}`);
  }
}

/** Extracts the given repository-relative paths as they are at `commit` into a temporary folder. */
export async function materialize(repo: string, commit: string, paths: string[]): Promise<Materialized> {
  const root = await mkdtemp(join(tmpdir(), 'apiops-commit-'));
  const existing: string[] = [];
  for (const p of paths) {
    const out = await simpleGit(repo).raw(['ls-tree', '--name-only', commit, '--', p]);
    if (out.trim() !== '') existing.push(p);
  }
  if (existing.length > 0) {
    await new Promise<void>((resolve, reject) => {
      const archive = spawn('git', ['archive', '--format=tar', commit, '--', ...existing], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
      const tar = spawn('tar', ['-x', '-C', root], { stdio: ['pipe', 'ignore', 'pipe'] });
      let errors = '';
      archive.stderr.on('data', (d: Buffer) => (errors += d.toString()));
      tar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
      archive.stdout.pipe(tar.stdin);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new UserError(`could not read commit ${commit.slice(0, 12)}: ${errors.trim()}`))));
      archive.on('error', reject);
      tar.on('error', reject);
    });
  }
  return { root, commit, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** No uncommitted or untracked change below the given repository-relative paths. */
export async function isClean(repo: string, paths: string[]): Promise<boolean> {
  const out = await simpleGit(repo).raw(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  return out.trim() === '';
}

/** Repository-relative POSIX path of a file inside the repository. */
export function repoRelative(repo: string, path: string): string {
  return relative(repo, path).split(sep).join('/');
}

export interface ChangedFile {
  /** path relative to the repository root */
  path: string;
  status: 'A' | 'M' | 'D';
}

/** Files changed between two commits below the given repository-relative folders (renames as delete + add). */
export async function changedFiles(repo: string, from: string, to: string, paths: string[]): Promise<ChangedFile[]> {
  const out = await simpleGit(repo).raw(['diff', '--name-status', '--no-renames', '-z', from, to, '--', ...paths]);
  const fields = out.split('\0').filter((f) => f !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!.charAt(0);
    files.push({ path: fields[i + 1]!, status: status === 'A' ? 'A' : status === 'D' ? 'D' : 'M' });
  }
  return files;
}

/** Output and exit code of a git command (simple-git resolves some non-zero exits that print nothing). */
function gitOutput(repo: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', () => resolve({ code: 1, out: '' }));
  });
}

/**
 * How the commit a target records stands to the commit being published, from one `git merge-base`: `behind` (an
 * ancestor: publish what changed since), `ahead` (a descendant: the target is newer, never move it back), `same`,
 * `unrelated` (no common line: reconcile everything) or `unknown` (not in this repository: a shallow clone, a
 * rewritten history).
 */
export type CommitRelation = 'same' | 'behind' | 'ahead' | 'unrelated' | 'unknown';

export async function commitRelation(repo: string, recorded: string, commit: string): Promise<CommitRelation> {
  if (!/^[0-9a-f]{7,64}$/i.test(recorded)) return 'unknown';
  if (recorded === commit) return 'same';
  const { code, out } = await gitOutput(repo, ['merge-base', recorded, commit]);
  // exit 1: no common ancestor; anything else (128): an object git does not have
  if (code === 1) return 'unrelated';
  if (code !== 0) return 'unknown';
  const base = out.trim();
  if (base === recorded) return 'behind';
  if (base === commit) return 'ahead';
  return 'unrelated';
}

export async function commitExists(repo: string, commit: string): Promise<boolean> {
  return /^[0-9a-f]{7,64}$/i.test(commit) && (await gitOutput(repo, ['cat-file', '-e', `${commit}^{commit}`])).code === 0;
}

export async function commitsBetween(repo: string, from: string, to: string): Promise<number> {
  return Number((await simpleGit(repo).raw(['rev-list', '--count', `${from}..${to}`])).trim());
}
