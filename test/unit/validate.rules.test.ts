// One bad fixture per validation rule (test/fixtures/validate/<rule>/, or built here when the bytes themselves are
// the point: binary, CRLF, oversized), each producing exactly its finding at the expected file, line and column.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES, type RuleId } from '../../core/validate/findings.ts';
import { validateArtifacts } from '../../core/validate/validate.ts';
import { makeTree, tempDir, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const FIXTURES = fileURLToPath(new URL('../fixtures/validate/', import.meta.url));
const API = '{\n  "properties": {\n    "displayName": "Echo",\n    "path": "echo"\n  }\n}\n';

interface Case {
  /** files of a fixture built at run time; otherwise the fixture folder named after the rule */
  build?: Record<string, string | Uint8Array>;
  /** `file:line:column` of every finding of the rule */
  expect: string[];
  maxFileBytes?: number;
}

const CASES = {
  encoding: { build: { 'artifacts/apis/echo/apiInformation.json': new Uint8Array([0x7b, 0x00, 0x7d]) }, expect: ['artifacts/apis/echo/apiInformation.json:1:1'] },
  bom: { expect: ['artifacts/apis/echo/apiInformation.json:1:1'] },
  'line-endings': { build: { 'artifacts/apis/echo/apiInformation.json': API.replace(/\n/g, '\r\n') }, expect: ['artifacts/apis/echo/apiInformation.json:1:1'] },
  'file-too-large': { build: { 'artifacts/apis/echo/apiInformation.json': API }, maxFileBytes: 10, expect: ['artifacts/apis/echo/apiInformation.json:1:1'] },
  'json-syntax': { expect: ['artifacts/apis/echo/apiInformation.json:4:20'] },
  'json-duplicate-key': { expect: ['artifacts/apis/echo/apiInformation.json:5:5'] },
  'yaml-syntax': { expect: ['apiops.yaml:4:1'] },
  'policy-xml': { expect: ['artifacts/policy.xml:5:4'] },
  'spec-syntax': { expect: ['artifacts/apis/echo/specification.yaml:6:25'] },
  'spec-format': { expect: ['artifacts/apis/echo/specification.json:1:1'] },
  schema: { expect: ['artifacts/apis/echo/apiInformation.json:5:5'] },
  'unknown-property': { expect: ['artifacts/apis/echo/apiInformation.json:5:5'] },
  'missing-link-target': { expect: ['artifacts/products/starter/apis/ghost/productApiInformation.json:1:1'] },
  'link-mismatch': { expect: ['artifacts/tags/public/apis/echo/tagApiInformation.json:3:5'] },
  'missing-reference': {
    expect: ['artifacts/apis/echo/apiInformation.json:3:5', 'artifacts/diagnostics/applicationinsights/diagnosticInformation.json:3:5', 'artifacts/subscriptions/s1/subscriptionInformation.json:4:5'],
  },
  // echo-copy takes echo's path (any case); two versions of one set share theirs; a named value and a product
  // take another's display name
  'duplicate-unique-value': {
    expect: ['artifacts/apis/echo-copy/apiInformation.json:4:5', 'artifacts/named values/env-2/namedValueInformation.json:3:5', 'artifacts/products/starter-2/productInformation.json:3:5'],
  },
  'missing-named-value': { expect: ['artifacts/backends/b1/backendInformation.json:6:12', 'artifacts/policy.xml:5:11'] },
  'missing-fragment': { expect: ['artifacts/policy.xml:4:21'] },
  // a → b → c → a, and d, which includes a without being part of the circle
  'fragment-cycle': { expect: ['artifacts/policy fragments/a/policy.xml:2:20', 'artifacts/policy fragments/b/policy.xml:5:20', 'artifacts/policy fragments/c/policy.xml:2:20'] },
  'missing-backend': { expect: ['artifacts/policy.xml:4:24'] },
  'missing-logger': { expect: ['artifacts/policy.xml:4:20'] },
  'missing-override-target': { expect: ['configuration.prod.yaml:5:5'] },
  'missing-parent': { expect: ['artifacts/apis/ghost/policy.xml:1:1'] },
  // the publisher's record, as an extraction from before it was left out holds it
  'system-resource': {
    build: {
      'artifacts/named values/apiops-state/namedValueInformation.json': `${JSON.stringify({ properties: { displayName: 'apiops-state', secret: false, tags: ['apiops'], value: '{"commit":"0123456789abcdef0123456789abcdef01234567","lock":null}' } }, null, 2)}\n`,
    },
    expect: ['artifacts/named values/apiops-state/namedValueInformation.json:1:1'],
  },
  'missing-file': { expect: ['apiops.yaml:6:5'] },
  'unknown-operation': { expect: ['artifacts/apis/echo/operations/shout/policy.xml:1:1'] },
  'unknown-file': { expect: ['artifacts/apis/echo/notes.md:1:1'] },
  'unknown-folder': { expect: ['artifacts/apis/echo/schemas:1:1'] },
  unsupported: { expect: ['artifacts/workspaces:1:1'] },
  'missing-information-file': { expect: ['artifacts/apis/echo/specification.yaml:1:1'] },
  'duplicate-resource': { expect: ['artifacts/version sets/v1/apiVersionSetInformation.json:1:1'] },
  'ignored-file': { expect: ['artifacts/apis/echo/specification.yaml:1:1'] },
  'invalid-name': { expect: ['artifacts/policy fragments/bad.name:1:1', 'artifacts/products/starter/apis.json:5:3'] },
  'deprecated-key': { expect: ['configuration.extractor.yaml:1:1'] },
  'ignored-override': { expect: ['configuration.prod.yaml:4:7'] },
  'duplicate-target': { expect: ['apiops.yaml:6:5'] },
  'secret-literal': { expect: ['artifacts/named values/db-password/namedValueInformation.json:5:5'] },
  'credential-literal': { expect: ['artifacts/policy.xml:4:3'] },
} satisfies Record<RuleId, Case>;

async function fixture(rule: RuleId, c: Case): Promise<string> {
  if (c.build) return makeTree(c.build);
  // copied, so that nothing a run could write lands in the repository
  const dir = await tempDir('apiops-rule-');
  await cp(join(FIXTURES, rule), dir, { recursive: true });
  return dir;
}

describe('every validation rule has a fixture that triggers it, located precisely', () => {
  it.each(Object.entries(CASES) as [RuleId, Case][])('%s', async (rule, c) => {
    const report = await validateArtifacts({ cwd: await fixture(rule, c), ...(c.maxFileBytes !== undefined ? { maxFileBytes: c.maxFileBytes } : {}) });
    const mine = report.findings.filter((f) => f.rule === rule);
    expect(mine.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(c.expect);
    expect(mine.every((f) => f.severity === RULES[rule].severity)).toBe(true);
    expect(mine.every((f) => f.message.length > 10 && !f.message.includes('\n'))).toBe(true);
    // the fixture is bad in exactly one way
    expect(report.findings.filter((f) => f.rule !== rule && f.severity !== 'notice')).toEqual([]);
    expect(report.valid).toBe(RULES[rule].severity !== 'error');
  });
});

describe('messages never quote secrets', () => {
  it('reports committed secrets without repeating them', async () => {
    const report = await validateArtifacts({ cwd: await fixture('secret-literal', CASES['secret-literal']) });
    expect(JSON.stringify(report)).not.toContain('not-for-git');
    const credentials = await validateArtifacts({ cwd: await fixture('credential-literal', CASES['credential-literal']) });
    expect(JSON.stringify(credentials)).not.toContain('hunter2');
  });

  it('does not echo the content of a YAML file it cannot parse', async () => {
    const dir = await makeTree({ 'artifacts/.keep': '', 'apiops.yaml': 'targets:\n  - password: "sup3r-secret\n' });
    const report = await validateArtifacts({ cwd: dir });
    expect(report.findings.map((f) => f.rule)).toEqual(['yaml-syntax']);
    expect(JSON.stringify(report)).not.toContain('sup3r-secret');
  });
});

describe("a SOAP API's operation folders", () => {
  it('says how to name one that an instance named by its generated id (the APIOps Toolkit layout)', async () => {
    const wsdl = await readFile(fileURLToPath(new URL('../fixtures/specs/orders.wsdl', import.meta.url)), 'utf8');
    const dir = await makeTree({
      'artifacts/apis/desk/apiInformation.json': `${JSON.stringify({ properties: { displayName: 'Desk', path: 'desk', protocols: ['https'], type: 'soap' } }, null, 2)}\n`,
      'artifacts/apis/desk/specification.wsdl': wsdl,
      'artifacts/apis/desk/operations/57d2ef278aa04f0ad01d6cdc/policy.xml': '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n',
      'artifacts/apis/desk/operations/trackorder/policy.xml': '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n',
    });
    const report = await validateArtifacts({ cwd: dir });
    expect(report.findings.map((f) => `${f.rule} ${f.file}: ${f.message}`)).toEqual([
      "unknown-operation artifacts/apis/desk/operations/57d2ef278aa04f0ad01d6cdc/policy.xml: operation '57d2ef278aa04f0ad01d6cdc' is not defined by specification.wsdl, so APIM has no operation to attach this policy to — name the folder as the WSDL names the operation (placeorder, trackorder): the ids APIM generates for a WSDL's operations differ in every instance",
    ]);
  });
});

describe('garbage never crashes validation', () => {
  it('reports every kind of broken file in one folder and still checks the rest', async () => {
    // (each API its own path: two sharing one is a finding of its own, duplicate-unique-value)
    const deep = `{"properties":${'['.repeat(50_000)}`;
    const huge = JSON.stringify({ properties: { displayName: 'big', path: 'big', description: 'x'.repeat(2_000_000) } });
    const dir = await makeTree({
      'artifacts/apis/empty/apiInformation.json': '',
      'artifacts/apis/binary/apiInformation.json': new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      'artifacts/apis/bom/apiInformation.json': `\uFEFF${API}`,
      'artifacts/apis/crlf/apiInformation.json': API.replace('"echo"', '"crlf"').replace(/\n/g, '\r\n'),
      'artifacts/apis/deep/apiInformation.json': deep,
      'artifacts/apis/huge/apiInformation.json': huge,
      'artifacts/apis/dup/apiInformation.json': '{"properties":{"path":"a","path":"b"}}',
      'artifacts/apis/wrong/apiInformation.json': API.replace('"echo"', '"wrong"'),
      'artifacts/apis/wrong/specification.graphql': 'openapi: 3.0.1\ninfo: {title: x, version: "1"}\npaths: {}\n',
      'artifacts/apis/yaml-in-xml/apiInformation.json': API.replace('"echo"', '"yaml-in-xml"'),
      'artifacts/apis/yaml-in-xml/specification.wadl': 'not: xml\n',
      'artifacts/apis/notjson/apiInformation.json': '[1, 2, 3]',
      'artifacts/apis/nullprops/apiInformation.json': '{"properties": null}',
      'artifacts/policy.xml': '\uFEFF',
      'artifacts/products/p/productInformation.json': '{"properties":{"displayName":"P"}}',
      'artifacts/products/p/apis.json': '[{"name":".."}, {"name": 42}, "x"]',
      'artifacts/named values/binary/namedValueInformation.json': new Uint8Array(Array.from({ length: 300 }, (_, i) => i % 256)),
      'apiops.yaml': 'targets: &a [*a]\n',
    });
    const report = await validateArtifacts({ cwd: dir });
    const rulesByFile = new Map<string, string[]>();
    for (const f of report.findings) rulesByFile.set(f.file, [...(rulesByFile.get(f.file) ?? []), f.rule]);
    expect(Object.fromEntries(rulesByFile)).toEqual({
      'apiops.yaml': ['schema'],
      'artifacts/apis/binary/apiInformation.json': ['encoding'],
      'artifacts/apis/bom/apiInformation.json': ['bom'],
      'artifacts/apis/crlf/apiInformation.json': ['line-endings'],
      'artifacts/apis/deep/apiInformation.json': ['json-syntax'],
      'artifacts/apis/dup/apiInformation.json': ['json-duplicate-key'],
      'artifacts/apis/empty/apiInformation.json': ['json-syntax'],
      'artifacts/apis/notjson/apiInformation.json': ['schema'],
      'artifacts/apis/nullprops/apiInformation.json': ['schema'],
      'artifacts/apis/wrong/specification.graphql': ['spec-format'],
      'artifacts/apis/yaml-in-xml/specification.wadl': ['spec-format'],
      'artifacts/named values/binary/namedValueInformation.json': ['encoding'],
      'artifacts/policy.xml': ['policy-xml', 'bom'],
      'artifacts/products/p/apis.json': ['invalid-name', 'schema', 'schema'],
    });
    expect(report.valid).toBe(false);
  });
});
