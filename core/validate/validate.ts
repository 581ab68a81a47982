// `apiops validate`: read the artifacts leniently, run every rule, check apiops.yaml and each target's overrides,
// and return located findings. Never throws on bad content; only an unusable invocation is an error.
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type ApiopsConfig, DEFAULT_CONFIG_FILE, loadApiopsConfig } from '../config/apiops.ts';
import { loadExtractorFilter } from '../config/filter.ts';
import { loadOverrides } from '../config/overrides.ts';
import { type ReadResult, readArtifacts } from '../files/read.ts';
import { ValidationContext } from './context.ts';
import { type Finding, type Severity, countBySeverity, finding, sortFindings } from './findings.ts';
import { checkFragmentCycles, checkPolicies, checkNamedValueTokens } from './rules/policies.ts';
import { checkOverrides } from './rules/overrides.ts';
import { checkReferences } from './rules/references.ts';
import { checkUniqueValues } from './rules/unique.ts';
import { checkSystemResources } from './rules/system.ts';
import { checkInformationSchemas } from './rules/schema.ts';
import { checkSecrets } from './rules/secrets.ts';
import { checkSpecifications } from './rules/specs.ts';
import { exists } from '../fs.ts';

export const EXTRACTOR_FILTER_FILE = 'configuration.extractor.yaml';

export interface ValidateOptions {
  /** the artifacts folder (default: apiops.yaml's `artifacts`, else `artifacts`) */
  artifacts?: string;
  /** apiops.yaml (default: apiops.yaml in the working folder, when there is one) */
  config?: string;
  /** the folder paths are resolved against and reported relative to (default: process.cwd()) */
  cwd?: string;
  /** artifact files larger than this are reported, not read (default: the reader's limit) */
  maxFileBytes?: number;
  /** called once the files are read, before they are checked (the publisher starts planning its reads then) */
  onRead?: (read: ReadResult) => void;
}

export interface ValidationReport {
  /** the artifacts folder, as reported */
  artifacts: string;
  /** files read from the artifacts folder */
  files: number;
  /** resources found */
  resources: number;
  findings: Finding[];
  counts: Record<Severity, number>;
  /** no errors (warnings and notices do not fail validation) */
  valid: boolean;
  /** what was read, so that a caller going on to publish does not read the folder twice */
  read?: ReadResult;
}


export async function validateArtifacts(options: ValidateOptions = {}): Promise<ValidationReport> {
  const cwd = options.cwd ?? process.cwd();
  const findings: Finding[] = [];
  const display = (path: string): string => {
    const rel = relative(cwd, isAbsolute(path) ? path : resolve(cwd, path));
    return (rel === '' ? '.' : rel).split(sep).join('/');
  };

  let config: ApiopsConfig | undefined;
  const configFile = options.config !== undefined ? resolve(cwd, options.config) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (options.config !== undefined || (await exists(configFile))) {
    const loaded = await loadApiopsConfig(configFile);
    findings.push(...loaded.findings.map((f) => ({ ...f, file: display(f.file) })));
    config = loaded.value;
  }
  const artifacts = options.artifacts !== undefined ? resolve(cwd, options.artifacts) : (config?.artifacts ?? resolve(cwd, 'artifacts'));
  if (!(await exists(artifacts))) {
    findings.push(finding('missing-file', { file: display(artifacts) }, 'the artifacts folder does not exist'));
    return report(display(artifacts), 0, 0, findings);
  }

  const read = await readArtifacts(artifacts, options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {});
  options.onRead?.(read);
  const ctx = new ValidationContext(read);
  // between the checks the event loop gets a turn: a publish reads its targets while the files are checked, and
  // their answers (and git's) should not wait for the last check
  for (const check of [checkInformationSchemas, checkSpecifications, checkPolicies, checkFragmentCycles, checkNamedValueTokens, checkReferences, checkUniqueValues, checkSystemResources, checkSecrets]) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    check(ctx);
  }

  const configFindings: Finding[] = [];
  if (config) {
    for (const target of config.targets) {
      if (target.overrides === undefined || !(await exists(target.overrides))) continue;
      const overrides = await loadOverrides(target.overrides);
      configFindings.push(...overrides.findings);
      if (overrides.value) {
        const before = ctx.findings.length;
        checkOverrides(ctx, overrides.value);
        configFindings.push(...ctx.findings.splice(before));
      }
    }
    const filterFile = join(dirname(config.file), EXTRACTOR_FILTER_FILE);
    if (await exists(filterFile)) configFindings.push(...(await loadExtractorFilter(filterFile)).findings);
  }
  const fromArtifacts = [...read.findings, ...ctx.findings].map((f) => ({ ...f, file: display(join(artifacts, f.file)) }));
  findings.push(...fromArtifacts, ...configFindings.map((f) => ({ ...f, file: display(f.file) })));
  return { ...report(display(artifacts), read.files.size, read.state.size, findings), read };
}

function report(artifacts: string, files: number, resources: number, findings: Finding[]): ValidationReport {
  const sorted = sortFindings(findings);
  const counts = countBySeverity(sorted);
  return { artifacts, files, resources, findings: sorted, counts, valid: counts.error === 0 };
}
