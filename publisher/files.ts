// The files a run publishes, validated: the working tree when it is the commit and clean (the usual CI case),
// else the commit's own files extracted from git. Which it is is git's answer from other processes, so the
// working tree is validated meanwhile (run.ts starts it before asking git anything); in the rare case it is not
// the commit's, that work is dropped.
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
  /** HEAD's commit when the caller resolved it already (one git process less before validation starts) */
  head?: string;
  /** the artifacts folder and the override files, as paths in the checkout */
  wanted: string[];
  artifacts: string;
  configFile: string;
  /** hears the files' State as soon as they are read, before they are checked */
  onRead: (state: State) => void;
  /** the working tree's validation, when the caller started it already (before asking git anything) */
  workingTree?: WorkingTreeValidation;
}

/** The working tree, validated on speculation: started before git has said whether the run publishes it. */
export interface WorkingTreeValidation {
  report: Promise<ValidationReport>;
  /** the files' State as soon as they are read, before they are checked */
  read: Promise<State>;
}

/** The artifacts folder checked with the run's configuration; `onRead` hears its State before the checks. */
function validate(artifacts: string, configFile: string, onRead: (state: State) => void): Promise<ValidationReport> {
  return validateArtifacts({ artifacts, config: configFile, cwd: dirname(configFile), onRead: (read) => onRead(read.state) });
}

export function validateWorkingTree(input: { artifacts: string; configFile: string }): WorkingTreeValidation {
  let heard!: (state: State) => void;
  const read = new Promise<State>((resolve) => (heard = resolve));
  const report = validate(input.artifacts, input.configFile, heard);
  // (dropped unheard when the run publishes a commit's own files instead)
  report.catch(() => undefined);
  return { report, read };
}

export async function validatedFiles(input: FilesInput): Promise<RunFiles> {
  const { repo, commit } = input;
  const paths = repo ? input.wanted.map((p) => repoRelative(repo, p)) : [];
  const atHead = !!commit && !!repo && commit === (input.head ?? (await resolveCommit(repo, 'HEAD')));
  // the working tree is validated while git says whether it is clean
  const tree = !commit || atHead ? (input.workingTree ?? validateWorkingTree(input)) : null;
  if (tree && (!commit || !repo || (await isClean(repo, paths)))) {
    void tree.read.then(input.onRead);
    return { validation: await tree.report, at: (path) => path, cleanup: async () => undefined };
  }
  const snapshot = await materialize(repo!, commit!, paths);
  const at = (path: string) => join(snapshot.root, repoRelative(repo!, path));
  try {
    return { validation: await validate(at(input.artifacts), input.configFile, input.onRead), at, cleanup: () => snapshot.cleanup() };
  } catch (error) {
    await snapshot.cleanup();
    throw error;
  }
}
