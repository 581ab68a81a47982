// The action's inputs, as the runner hands them over: `INPUT_<NAME>` environment variables (the input's name upper-
// cased, spaces as underscores, hyphens kept). Everything is a string; an empty string is an input not given.
import type { ExtractInput } from '../settings.ts';

import { type Environment, getBooleanInput as getBoolean, getInput } from '../../core/github/actions.ts';

export type { Environment };

/** The inputs of extractor/action.yml as the settings resolver takes them (the same names as the CLI's flags). */
export function readInputs(env: Environment, cwd = process.cwd()): ExtractInput {
  return {
    cwd: env.GITHUB_WORKSPACE ?? cwd,
    target: getInput(env, 'target'),
    config: getInput(env, 'config'),
    subscriptionId: getInput(env, 'subscription-id'),
    resourceGroup: getInput(env, 'resource-group'),
    serviceName: getInput(env, 'service-name'),
    endpoint: getInput(env, 'endpoint'),
    caCert: getInput(env, 'ca-cert'),
    emulator: getBoolean(env, 'emulator'),
    out: getInput(env, 'out'),
    filter: getInput(env, 'filter'),
    specFormat: getInput(env, 'spec-format'),
    concurrency: getInput(env, 'concurrency'),
    branch: getInput(env, 'branch'),
    commitMessage: getInput(env, 'commit-message'),
  };
}
