// Benchmark: read and validate a synthetic estate of 1,000 APIs × 10 operations with policies (about 25,000
// files), then plan its full publish to a new region and build the write graph. Prints wall time and peak memory;
// asserts nothing (targets: read + validate under 5 s, under 500 MB).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readArtifacts } from '../core/files/read.ts';
import { validateArtifacts } from '../core/validate/validate.ts';
import { diffStates } from '../core/diff/diff.ts';
import { State } from '../core/state.ts';
import { upsertDependencies } from '../publisher/dependencies.ts';

const APIS = 1000;
const OPERATIONS = 10;
const NAMED_VALUES = 4000;
const BACKENDS = 800;
const PRODUCTS = 20;
const TAGS = 50;
const GATEWAYS = 5;
const FRAGMENTS = 10;

const policy = (inbound: string): string =>
  `<policies>\n\t<inbound>\n\t\t<base />\n${inbound}\t</inbound>\n\t<backend>\n\t\t<base />\n\t</backend>\n\t<outbound>\n\t\t<base />\n\t</outbound>\n\t<on-error>\n\t\t<base />\n\t</on-error>\n</policies>\n`;
const info = (properties: Record<string, unknown>): string => `${JSON.stringify({ properties }, null, 2)}\n`;

function specification(api: number): string {
  const paths = Array.from({ length: OPERATIONS }, (_, op) =>
    [
      `  /resource-${op}/{id}:`,
      '    get:',
      `      summary: Operation ${op} of API ${api}`,
      `      operationId: op-${op}`,
      '      parameters:',
      '        - name: id',
      '          in: path',
      '          required: true',
      '          schema:',
      '            type: string',
      '      responses:',
      "        '200':",
      '          description: OK',
      '          content:',
      '            application/json:',
      '              schema:',
      '                type: object',
      '                properties:',
      '                  id:',
      '                    type: string',
      '                  value:',
      '                    type: number',
    ].join('\n'),
  );
  return `openapi: 3.0.1\ninfo:\n  title: API ${api}\n  version: '1.0'\npaths:\n${paths.join('\n')}\n`;
}

/** Files of the estate, produced one at a time so that generating it costs little memory. */
function* estate(): Generator<[string, string]> {
  for (let i = 0; i < NAMED_VALUES; i += 1) yield [`named values/nv-${i}/namedValueInformation.json`, info({ displayName: `nv-${i}`, secret: false, value: `value-${i}` })];
  for (let i = 0; i < BACKENDS; i += 1) yield [`backends/backend-${i}/backendInformation.json`, info({ protocol: 'http', url: `https://backend-${i}.example` })];
  for (let i = 0; i < FRAGMENTS; i += 1) yield [`policy fragments/fragment-${i}/policyFragmentInformation.json`, info({ description: `fragment ${i}` })];
  for (let i = 0; i < FRAGMENTS; i += 1) yield [`policy fragments/fragment-${i}/policy.xml`, `<fragment>\n\t<set-header name="X-Fragment" exists-action="override">\n\t\t<value>{{nv-${i}}}</value>\n\t</set-header>\n</fragment>\n`];
  for (let i = 0; i < PRODUCTS; i += 1) {
    yield [`products/product-${i}/productInformation.json`, info({ displayName: `Product ${i}`, state: 'published', subscriptionRequired: true })];
    yield [`products/product-${i}/policy.xml`, policy('\t\t<rate-limit calls="100" renewal-period="60" />\n')];
    yield [`products/product-${i}/groups/developers/productGroupInformation.json`, '{}\n'];
  }
  for (let i = 0; i < TAGS; i += 1) yield [`tags/tag-${i}/tagInformation.json`, info({ displayName: `Tag ${i}` })];
  for (let i = 0; i < GATEWAYS; i += 1) yield [`gateways/gateway-${i}/gatewayInformation.json`, info({ description: `gateway ${i}`, locationData: { name: `site ${i}` } })];
  yield ['loggers/appinsights/loggerInformation.json', info({ loggerType: 'applicationInsights', credentials: { instrumentationKey: '{{nv-0}}' } })];
  yield ['diagnostics/applicationinsights/diagnosticInformation.json', info({ loggerId: '/loggers/appinsights', verbosity: 'information' })];
  yield ['policy.xml', policy('\t\t<include-fragment fragment-id="fragment-0" />\n')];
  for (let a = 0; a < APIS; a += 1) {
    const api = `api-${a}`;
    yield [`apis/${api}/apiInformation.json`, info({ apiRevision: '1', displayName: `API ${a}`, isCurrent: true, path: `api-${a}`, protocols: ['https'], serviceUrl: `https://api-${a}.example`, subscriptionRequired: true })];
    yield [`apis/${api}/specification.yaml`, specification(a)];
    yield [`apis/${api}/policy.xml`, policy(`\t\t<include-fragment fragment-id="fragment-${a % FRAGMENTS}" />\n\t\t<set-backend-service backend-id="backend-${a % BACKENDS}" />\n`)];
    for (let op = 0; op < OPERATIONS; op += 1) {
      yield [`apis/${api}/operations/op-${op}/policy.xml`, policy(`\t\t<set-header name="X-Op" exists-action="override">\n\t\t\t<value>{{nv-${(a * OPERATIONS + op) % NAMED_VALUES}}}</value>\n\t\t</set-header>\n`)];
    }
    yield [`apis/${api}/diagnostics/applicationinsights/diagnosticInformation.json`, info({ loggerId: '/loggers/appinsights', verbosity: 'information' })];
    yield [`apis/${api}/releases/release-1/apiReleaseInformation.json`, info({ apiId: `/apis/${api}`, notes: 'first release' })];
    yield [`products/product-${a % PRODUCTS}/apis/${api}/productApiInformation.json`, '{}\n'];
    yield [`tags/tag-${a % TAGS}/apis/${api}/tagApiInformation.json`, '{}\n'];
    yield [`tags/tag-${(a + 1) % TAGS}/apis/${api}/tagApiInformation.json`, '{}\n'];
    yield [`gateways/gateway-${a % GATEWAYS}/apis/${api}/gatewayApiInformation.json`, '{}\n'];
    yield [`subscriptions/sub-${api}/subscriptionInformation.json`, info({ displayName: `Subscription of ${api}`, scope: `/apis/${api}`, state: 'active' })];
  }
}

async function generate(root: string): Promise<number> {
  let count = 0;
  const folders = new Set<string>();
  for (const [path, content] of estate()) {
    const file = join(root, path);
    const folder = dirname(file);
    if (!folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      folders.add(folder);
    }
    await writeFile(file, content);
    count += 1;
  }
  return count;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export async function benchArtifacts(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'apiops-bench-'));
  try {
    const files = await generate(root);
    const rssBefore = process.memoryUsage().rss;
    let t = performance.now();
    const read = await readArtifacts(root);
    const readMs = performance.now() - t;
    const resources = read.state.size;
    t = performance.now();
    const report = await validateArtifacts({ artifacts: root, cwd: root });
    const validateMs = performance.now() - t;
    // the write graph of a full publish of this estate to a new region: exact edges stay linear in the estate
    t = performance.now();
    const items = diffStates(read.state, new State()).items.filter((i) => i.action !== 'delete');
    const planMs = performance.now() - t;
    t = performance.now();
    const edges = upsertDependencies(items, read.state).reduce((n, d) => n + d.length, 0);
    const graphMs = performance.now() - t;
    const peak = process.resourceUsage().maxRSS * 1024;
    const lines = [
      `artifacts: ${files} files, ${resources} resources (${APIS} APIs × ${OPERATIONS} operations with policies)`,
      `  read:                ${readMs.toFixed(0)} ms`,
      `  read + validate:     ${validateMs.toFixed(0)} ms (${report.counts.error} errors, ${report.counts.warning} warnings)`,
      `  plan to a new region: ${planMs.toFixed(0)} ms, ${items.length} writes; their dependency graph: ${edges} edges in ${graphMs.toFixed(0)} ms`,
      `  peak RSS:            ${mib(peak)} (${mib(rssBefore)} before reading)`,
      `  targets:             read + validate < 5000 ms, peak < 500 MiB`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchArtifacts();
