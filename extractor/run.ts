// `apiops extract`: live APIM → State (core/live/read) → artifacts folder (core/files/write), optionally committed on
// a new branch. The folder is read first, so that a re-extract keeps each API's specification format and every
// file whose meaning did not change, keeps what the filter leaves out, and removes the files of resources that are
// gone from the instance.
import type { TokenCredential } from '@azure/core-auth';
import { UserError } from '../core/errors.ts';
import type { Kind } from '../core/kinds.ts';
import { NO_FILTER, type ExtractorFilter, loadExtractorFilter } from '../core/config/filter.ts';
import { orThrow } from '../core/config/load.ts';
import { type ReadResult, readArtifacts } from '../core/files/read.ts';
import { writeArtifacts } from '../core/files/write.ts';
import { Arm } from '../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../core/live/connect.ts';
import { LiveError } from '../core/live/errors.ts';
import type { SpecFormat } from '../core/live/read-hooks.ts';
import { readLive } from '../core/live/read.ts';
import { sameResource } from '../core/normalize.ts';
import type { State } from '../core/state.ts';
import { type BranchTarget, commitOnBranch, hasChanges, prepareBranch } from './branch.ts';
import { createProgress } from './progress.ts';
import type { ExtractSettings } from './settings.ts';
import { type ExtractSummary, commitMessage, summarizeChanges } from './summary.ts';
import { withSoapOperationNames } from '../core/soap.ts';

export interface RunIo {
  /** one line for stderr (progress, warnings) */
  log(line: string): void;
  /** how often progress is printed during the read (ms) */
  progressIntervalMs?: number;
}

const STDERR: RunIo = { log: (line) => process.stderr.write(`${line}\n`) };

async function credentialFor(settings: ExtractSettings): Promise<TokenCredential> {
  if (settings.credential) return settings.credential;
  if (settings.instance.emulator) return EMULATOR_CREDENTIAL;
  // Azure CLI, workload identity (OIDC in GitHub Actions), managed identity, environment; loaded only when used
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

async function loadFilter(file: string | undefined, io: RunIo): Promise<ExtractorFilter> {
  if (file === undefined) return NO_FILTER;
  const loaded = await loadExtractorFilter(file);
  for (const f of loaded.findings) if (f.severity !== 'error') io.log(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}`);
  return orThrow(loaded);
}

/**
 * The format each API keeps: the one it has in Git (a re-extract never renames a file), unless the user asked for
 * another OpenAPI format explicitly; WADL, WSDL and GraphQL documents keep theirs whatever was asked.
 */
function specFormatFor(previous: ReadResult, explicit: ExtractSettings['specFormat']): (names: readonly string[]) => SpecFormat | undefined {
  const openApi: ReadonlySet<SpecFormat> = new Set(['openapi-yaml', 'openapi-json', 'swagger-json', 'swagger-yaml']);
  return (names) => {
    const format = previous.state.get('api', names)?.specification?.format;
    if (format === undefined) return undefined;
    return explicit !== undefined && openApi.has(format) ? explicit : format;
  };
}

/**
 * A resource whose meaning is unchanged keeps the wording of its file: APIM answers server defaults the file may
 * leave out (`type: http`, `subscriptionKeyParameterNames` …) and drops read-only ones it may hold (`isCurrent`),
 * and rewriting the file for that would be noise in every extract (core/normalize decides what meaning is).
 * Specifications are not compared this way: APIM's export is the document, and a change inside a schema matters.
 */
function keepWording(state: State, previous: ReadResult): void {
  for (const r of state.list()) {
    const before = previous.state.get(r.kind, r.names);
    if (!before || !sameResource(before, r, { withoutSecrets: true })) continue;
    r.properties = before.properties;
    if (before.extra) r.extra = before.extra;
    else delete r.extra;
  }
}

/** Resources of the folder that the filter leaves out stay as they are: a filtered extract owns only what it reads. */
function keepFilteredOut(state: State, previous: ReadResult, filter: ExtractorFilter): void {
  if (filter === NO_FILTER) return;
  for (const r of previous.state.list()) {
    if (!filter.includes(r.kind, r.names) && !state.has(r.kind, r.names)) state.put(r);
  }
}

function explain(error: unknown, service: string): unknown {
  if (error instanceof LiveError) {
    const hint = error.status === 401 || error.status === 403 ? ' (check the credential and its role on the instance: API Management Service Reader or more)' : '';
    return new UserError(`reading ${service} failed: ${error.describe()}${hint}`, { cause: error });
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'CredentialUnavailableError' || name === 'AuthenticationError' || name === 'AggregateAuthenticationError') {
    // DefaultAzureCredential says why each credential of its chain was unavailable, one per line
    const reasons = (error as Error).message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 1500);
    return new UserError(`no Azure credential for ${service}: ${reasons} (az login, workload identity or a managed identity; --emulator for the emulator)`, { cause: error });
  }
  return error;
}

export async function run(settings: ExtractSettings, io: RunIo = STDERR): Promise<ExtractSummary> {
  const service = settings.instance.serviceName;
  const branch: BranchTarget | undefined = settings.branch ? await prepareBranch(settings.out, settings.branch.name) : undefined;
  const filter = await loadFilter(settings.filter, io);
  // a folder that does not exist yet reads as empty; it is made when the first file is written
  const previous = await readArtifacts(settings.out);
  const conn = connect({
    subscriptionId: settings.instance.subscriptionId,
    resourceGroup: settings.instance.resourceGroup,
    serviceName: service,
    endpoint: settings.instance.endpoint,
    caCert: settings.instance.caCert,
    credential: await credentialFor(settings),
  });
  const arm = new Arm(conn);
  io.log(`extracting ${service} into ${settings.out}`);
  const progress = createProgress(io.log, { intervalMs: io.progressIntervalMs });
  let live;
  try {
    live = await readLive(arm, {
      filter,
      concurrency: settings.concurrency,
      specFormat: settings.specFormat,
      specFormatFor: specFormatFor(previous, settings.specFormat),
      onProgress: progress.onProgress,
    });
  } catch (error) {
    progress.stop();
    throw explain(error, service);
  }
  // a SOAP API's operations under the names its WSDL gives them, not this instance's generated ids, so that what is
  // below them (their policies) publishes to any instance (core/soap.ts)
  const state = withSoapOperationNames(live.state, live.state);
  keepWording(state, previous);
  keepFilteredOut(state, previous, filter);
  const write = await writeArtifacts(settings.out, state, { previous });
  const changes = summarizeChanges({ previous, state, write });
  const written: Partial<Record<Kind, number>> = {};
  for (const [kind, c] of Object.entries(changes.kinds) as Array<[Kind, { added: number; changed: number }]>) written[kind] = c.added + c.changed;
  progress.finish(written);
  for (const w of live.warnings) io.log(`warning: ${w}`);
  const summary: ExtractSummary = {
    service,
    out: settings.out,
    ...changes,
    requests: live.requests,
    warnings: live.warnings,
    branch: null,
    commit: null,
    pushed: false,
  };
  if (branch && (await hasChanges(branch))) {
    const committed = await commitOnBranch(branch, commitMessage(summary, settings.branch?.commitMessage));
    summary.branch = committed.branch;
    summary.commit = committed.commit;
    summary.pushed = committed.pushed !== null;
  } else if (branch) {
    io.log(`nothing changed: no branch '${branch.branch}' was made`);
  }
  return summary;
}
