// apiops.yaml: where the artifacts are and every APIM instance (target) a merged commit is published to.
import { dirname, resolve } from 'node:path';
import { CONFIG_SCHEMAS } from '../../schemas/index.ts';
import { type Finding, finding, sortFindings } from '../validate/findings.ts';
import { type Loaded, orThrow, readYamlFile, schemaFindings } from './load.ts';
import { pointerPath } from './yaml.ts';
import { exists } from '../fs.ts';

export const DEFAULT_CONFIG_FILE = 'apiops.yaml';

export interface Target {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** absolute path of the target's configuration.<env>.yaml, if any */
  overrides?: string;
  /** Resource Manager endpoint; absent: Azure public cloud */
  endpoint?: string;
  /** absolute path of a PEM file to trust for the endpoint */
  caCert?: string;
  /** the target is the apiops emulator (no Azure credentials) */
  emulator: boolean;
}

export interface PruneSettings {
  enabled: boolean;
  /** refuse a publish that deletes more than this many resources from one target */
  maxDeletions?: number;
}

export interface ApiopsConfig {
  /** absolute path of apiops.yaml */
  file: string;
  /** absolute path of the artifacts folder */
  artifacts: string;
  targets: Target[];
  prune: PruneSettings;
}

interface RawTarget {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  overrides?: string;
  endpoint?: string;
  caCert?: string;
  emulator?: boolean;
}

interface RawConfig {
  artifacts?: string;
  targets: RawTarget[];
  prune?: boolean | { enabled?: boolean; maxDeletions?: number };
}

/** Loads and checks apiops.yaml; every problem is a finding (schema, duplicate target names, missing files). */
export async function loadApiopsConfig(file: string): Promise<Loaded<ApiopsConfig>> {
  const findings: Finding[] = [];
  const parsed = await readYamlFile(file, findings);
  if (!parsed) return { findings };
  const problems = schemaFindings(CONFIG_SCHEMAS.apiops, parsed.doc, file);
  findings.push(...problems);
  if (problems.length > 0) return { findings };
  const raw = parsed.doc.value as RawConfig;
  const base = dirname(resolve(file));
  const seen = new Map<string, number>();
  raw.targets.forEach((t, index) => {
    const key = t.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(finding('duplicate-target', { file, ...parsed.doc.locate(['targets', index, 'name']) }, `target '${t.name}' is already defined (targets[${first}])`));
    } else seen.set(key, index);
  });
  const targets: Target[] = [];
  for (const [index, t] of raw.targets.entries()) {
    const target: Target = {
      name: t.name,
      subscriptionId: t.subscriptionId,
      resourceGroup: t.resourceGroup,
      serviceName: t.serviceName,
      emulator: t.emulator ?? false,
    };
    for (const member of ['overrides', 'caCert'] as const) {
      const value = t[member];
      if (value === undefined) continue;
      const path = resolve(base, value);
      if (!(await exists(path))) {
        findings.push(finding('missing-file', { file, ...parsed.doc.locate(pointerPath(`/targets/${index}/${member}`)) }, `${member} file '${value}' of target '${t.name}' does not exist`));
      }
      target[member] = path;
    }
    if (t.endpoint !== undefined) target.endpoint = t.endpoint;
    targets.push(target);
  }
  const prune: PruneSettings =
    typeof raw.prune === 'boolean' || raw.prune === undefined
      ? { enabled: raw.prune ?? false }
      : { enabled: raw.prune.enabled ?? false, ...(raw.prune.maxDeletions !== undefined ? { maxDeletions: raw.prune.maxDeletions } : {}) };
  return { value: { file: resolve(file), artifacts: resolve(base, raw.artifacts ?? 'artifacts'), targets, prune }, findings: sortFindings(findings) };
}

/** apiops.yaml, or a ConfigError listing its problems. */
export async function readApiopsConfig(file: string): Promise<ApiopsConfig> {
  return orThrow(await loadApiopsConfig(file));
}

