// What an extract needs, resolved from the flags of `apiops extract` or the inputs of the GitHub Action: the
// instance (a target of apiops.yaml, or explicit ids), the artifacts folder, the filter, and the branch to commit to.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { UserError } from '../core/errors.ts';
import { DEFAULT_CONFIG_FILE, type Target, readApiopsConfig } from '../core/config/apiops.ts';

export const SPEC_FORMATS = ['openapi-yaml', 'openapi-json', 'swagger-json'] as const;
export type SpecFormatChoice = (typeof SPEC_FORMATS)[number];

/** Flags and inputs as given (strings from a command line or an environment); everything optional. */
export interface ExtractInput {
  /** folder relative paths are resolved against (default: the process's) */
  cwd?: string;
  config?: string;
  target?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  serviceName?: string;
  endpoint?: string;
  /** file holding the PEM certificate to trust */
  caCert?: string;
  emulator?: boolean;
  out?: string;
  filter?: string;
  specFormat?: string;
  concurrency?: number | string;
  branch?: string;
  commitMessage?: string;
}

export interface ExtractInstance {
  /** the target's name in apiops.yaml, when it came from there */
  name?: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  endpoint?: string;
  /** PEM to trust besides the system's certificates */
  caCert?: string;
  /** the apiops emulator: no Azure credential needed */
  emulator: boolean;
}

export interface ExtractSettings {
  instance: ExtractInstance;
  /** absolute path of the artifacts folder */
  out: string;
  /** absolute path of configuration.extractor.yaml */
  filter?: string;
  /** explicit format for exported specifications; absent: keep each API's format in Git, OpenAPI 3 YAML for new ones */
  specFormat?: SpecFormatChoice;
  concurrency?: number;
  branch?: { name: string; commitMessage?: string };
  /** a credential to use instead of DefaultAzureCredential (tests, embedding) */
  credential?: TokenCredential;
}

const MAX_CONCURRENCY = 64;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseConcurrency(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) throw new UserError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not '${value}'`);
  return n;
}

function parseSpecFormat(value: string | undefined): SpecFormatChoice | undefined {
  const v = nonEmpty(value);
  if (v === undefined) return undefined;
  if (!(SPEC_FORMATS as readonly string[]).includes(v)) throw new UserError(`spec format must be one of ${SPEC_FORMATS.join(', ')}, not '${v}'`);
  return v as SpecFormatChoice;
}

async function readPem(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the CA certificate ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function pickTarget(targets: readonly Target[], name: string, file: string): Target {
  const found = targets.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new UserError(`no target '${name}' in ${file}; targets: ${targets.map((t) => t.name).join(', ') || '(none)'}`);
  return found;
}

/** Turns flags or action inputs into settings; every mistake is a UserError naming the flag. */
export async function resolveSettings(input: ExtractInput): Promise<ExtractSettings> {
  const cwd = resolve(input.cwd ?? process.cwd());
  const explicitConfig = nonEmpty(input.config);
  const configFile = resolve(cwd, explicitConfig ?? DEFAULT_CONFIG_FILE);
  const targetName = nonEmpty(input.target);
  const outFlag = nonEmpty(input.out);
  // apiops.yaml is read when it is needed: for a target, or for the default artifacts folder
  const needConfig = explicitConfig !== undefined || targetName !== undefined || (outFlag === undefined && existsSync(configFile));
  if (targetName !== undefined && !existsSync(configFile)) throw new UserError(`--target ${targetName} needs ${configFile}, which does not exist (or give --config)`);
  const config = needConfig ? await readApiopsConfig(configFile) : undefined;
  const target = targetName !== undefined && config ? pickTarget(config.targets, targetName, config.file) : undefined;

  const subscriptionId = nonEmpty(input.subscriptionId) ?? target?.subscriptionId;
  const resourceGroup = nonEmpty(input.resourceGroup) ?? target?.resourceGroup;
  const serviceName = nonEmpty(input.serviceName) ?? target?.serviceName;
  const missing = [
    ['--subscription-id', subscriptionId],
    ['--resource-group', resourceGroup],
    ['--service-name', serviceName],
  ].filter(([, v]) => v === undefined);
  if (missing.length > 0) {
    throw new UserError(`say which instance to extract: --target NAME (a target of apiops.yaml), or ${missing.map(([flag]) => flag).join(', ')}`);
  }
  const caFile = nonEmpty(input.caCert) ? resolve(cwd, input.caCert as string) : target?.caCert;
  const instance: ExtractInstance = {
    subscriptionId: subscriptionId as string,
    resourceGroup: resourceGroup as string,
    serviceName: serviceName as string,
    emulator: input.emulator === true || target?.emulator === true,
  };
  if (target) instance.name = target.name;
  const endpoint = nonEmpty(input.endpoint) ?? target?.endpoint;
  if (endpoint !== undefined) {
    if (!/^https:\/\//i.test(endpoint)) throw new UserError(`--endpoint must be an https:// URL, not '${endpoint}'`);
    instance.endpoint = endpoint;
  }
  if (caFile !== undefined) instance.caCert = await readPem(caFile);

  const settings: ExtractSettings = {
    instance,
    out: outFlag !== undefined ? resolve(cwd, outFlag) : (config?.artifacts ?? resolve(cwd, 'artifacts')),
  };
  const filter = nonEmpty(input.filter);
  if (filter !== undefined) {
    settings.filter = resolve(cwd, filter);
    if (!existsSync(settings.filter)) throw new UserError(`the filter file ${settings.filter} does not exist`);
  }
  const specFormat = parseSpecFormat(input.specFormat);
  if (specFormat) settings.specFormat = specFormat;
  const concurrency = parseConcurrency(input.concurrency);
  if (concurrency !== undefined) settings.concurrency = concurrency;
  const branch = nonEmpty(input.branch);
  if (branch !== undefined) {
    settings.branch = { name: branch };
    const commitMessage = nonEmpty(input.commitMessage);
    if (commitMessage !== undefined) settings.branch.commitMessage = commitMessage;
  } else if (nonEmpty(input.commitMessage) !== undefined) {
    throw new UserError('--commit-message needs --branch');
  }
  return settings;
}
