// Extract → pull request: the extract is committed on a new branch of the repository that holds the artifacts
// folder, and pushed when the repository has a remote, for a pull request to be opened from it. Nothing is
// committed (and no branch made) when the extract changed nothing. Only the artifacts folder is committed: other
// uncommitted work in the checkout stays as it is.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { UserError } from '../core/errors.ts';

export interface BranchTarget {
  git: SimpleGit;
  /** the repository's top folder */
  root: string;
  /** the artifacts folder, relative to the root, POSIX ('.' for the root itself) */
  pathspec: string;
  branch: string;
}

export interface BranchCommit {
  branch: string;
  commit: string;
  /** the remote pushed to, when there is one */
  pushed: string | null;
}

// An identity for runners that have none configured (actions/checkout sets none); the bot GitHub documents.
const FALLBACK_IDENTITY = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

function nearestExisting(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.trim() : String(error);
}

/** Checks, before anything is read or written, that the branch can be made: a repository, a new valid name. */
export async function prepareBranch(out: string, branch: string): Promise<BranchTarget> {
  const base = nearestExisting(out);
  const probe = simpleGit(base);
  let root: string;
  try {
    root = (await probe.revparse(['--show-toplevel'])).trim();
  } catch (error) {
    throw new UserError(`--branch needs the artifacts folder ${out} inside a Git repository (${message(error)})`, { cause: error });
  }
  const git = simpleGit(root);
  try {
    await git.raw(['check-ref-format', '--branch', branch]);
  } catch (error) {
    throw new UserError(`'${branch}' is not a valid branch name`, { cause: error });
  }
  const local = await git.branchLocal();
  if (local.all.includes(branch)) throw new UserError(`branch '${branch}' already exists; the extract goes onto a new branch`);
  const rel = relative(root, resolve(out)).split(sep).join('/');
  if (rel.startsWith('..')) throw new UserError(`the artifacts folder ${out} is outside the repository ${root}`);
  return { git, root, pathspec: rel === '' ? '.' : rel, branch };
}

/** Whether the artifacts folder differs from the checked-out commit (untracked files included). */
export async function hasChanges(target: BranchTarget): Promise<boolean> {
  const status = await target.git.raw(['status', '--porcelain', '--untracked-files=all', '--', target.pathspec]);
  return status.trim() !== '';
}

/** Creates the branch from the current commit, commits the artifacts folder on it, and pushes when it can. */
export async function commitOnBranch(target: BranchTarget, commit: { subject: string; body: string }): Promise<BranchCommit> {
  // `-c user.…` rather than an environment: simple-git refuses environments that carry EDITOR, GIT_CONFIG_* …
  const git = (await hasIdentity(target.git))
    ? target.git
    : simpleGit({ baseDir: target.root, config: [`user.name=${FALLBACK_IDENTITY.name}`, `user.email=${FALLBACK_IDENTITY.email}`] });
  await git.checkout(['-b', target.branch]);
  await git.add(['-A', '--', target.pathspec]);
  const args = ['commit', '--quiet', '--no-verify', '-m', commit.subject];
  if (commit.body) args.push('-m', commit.body);
  // only the artifacts folder: whatever else is staged or modified stays out of this commit
  await git.raw([...args, '--', target.pathspec]);
  const sha = (await git.revparse(['HEAD'])).trim();
  const remotes = await git.getRemotes();
  const remote = remotes.find((r) => r.name === 'origin')?.name ?? remotes[0]?.name ?? null;
  if (remote) {
    try {
      await git.push(remote, target.branch, ['--set-upstream']);
    } catch (error) {
      throw new UserError(`the extract is committed on branch '${target.branch}' (${sha.slice(0, 12)}) but pushing it to '${remote}' failed: ${message(error)}`, { cause: error });
    }
  }
  return { branch: target.branch, commit: sha, pushed: remote };
}

async function hasIdentity(git: SimpleGit): Promise<boolean> {
  if (process.env.GIT_AUTHOR_EMAIL && process.env.GIT_COMMITTER_EMAIL) return true;
  return Boolean((await git.getConfig('user.email')).value);
}
