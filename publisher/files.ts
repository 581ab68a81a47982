// The files a run publishes, validated: the working tree when it is the commit and clean (the usual CI case),
// else the commit's own files extracted from git. Whether the tree is clean is git's answer from another process,
// so the working tree is validated meanwhile; in the rare case it is not clean, that work is dropped.
import { dirname, join } from 'node:path';
import type { State } from '../core/state.ts';
import { type ValidationReport, validateArtifacts } from '../core/validate/validate.ts';
import { isClean, materialize, repoRelative, resolveCommit } from './source.ts';

export interface RunFiles {
  validation: ValidationReport;
  /** where a file of the repository is, as the commit has it */
  at(path: string): string;
  cleanup(): Promise<void>;
}

export interface FilesInput {
  repo: string | null;
  /** the commit to publish or compare; null: the working tree */
  commit: string | null;
  /** the artifacts folder and the override files, as paths in the checkout */
  wanted: string[];
  artifacts: string;
  configFile: string;
  /** hears the files' State as soon as they are read, before they are checked */
  onRead: (state: State) => void;
}

export async function validatedFiles(input: FilesInput): Promise<RunFiles> {
  const { repo, commit } = input;
  const validate = (artifacts: string, onRead: (state: State) => void) =>
    validateArtifacts({ artifacts, config: input.configFile, cwd: dirname(input.configFile), onRead: (read) => onRead(read.state) });
  const paths = repo ? input.wanted.map((p) => repoRelative(repo, p)) : [];
  const atHead = !!commit && !!repo && commit === (await resolveCommit(repo, 'HEAD'));
  let heard!: (state: State) => void;
  const workingTreeRead = new Promise<State>((resolve) => (heard = resolve));
  const speculative = atHead ? validate(input.artifacts, heard) : null;
  speculative?.catch(() => undefined);
  const clean = atHead && repo ? await isClean(repo, paths) : !commit;
  if (clean || !repo || !commit) {
    if (speculative) void workingTreeRead.then(input.onRead);
    return { validation: await (speculative ?? validate(input.artifacts, input.onRead)), at: (path) => path, cleanup: async () => undefined };
  }
  const snapshot = await materialize(repo, commit, paths);
  const at = (path: string) => join(snapshot.root, repoRelative(repo, path));
  try {
    return { validation: await validate(at(input.artifacts), input.onRead), at, cleanup: () => snapshot.cleanup() };
  } catch (error) {
    await snapshot.cleanup();
    throw error;
  }
}
