// `apiops validate` on real estates: the APIOps samples of both generations and this repository's artifacts;
// and the command itself: exit codes, JSON output, GitHub Actions annotations.
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { validateArtifacts } from '../../core/validate/validate.ts';
import { renderAnnotations } from '../../core/validate/report.ts';
import { REPO_ARTIFACTS, SAMPLES, V6_SAMPLE, V7_SAMPLE, makeTree, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/apiops.js', ...args], { cwd: REPO, env: { ...process.env, GITHUB_ACTIONS: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('validating real estates', () => {
  it('passes the APIOps v7 sample without a single finding', async () => {
    const report = await validateArtifacts({ artifacts: V7_SAMPLE, cwd: SAMPLES });
    expect(report.findings).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('passes this repository’s artifacts without a single finding', async () => {
    const report = await validateArtifacts({ artifacts: REPO_ARTIFACTS, cwd: REPO });
    expect(report.findings).toEqual([]);
    expect(report.resources).toBeGreaterThan(40);
  });

  it('reports each known invalid file of the APIOps v6 sample with its file and line', async () => {
    const report = await validateArtifacts({ artifacts: V6_SAMPLE, cwd: V6_SAMPLE });
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.file}:${f.line}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'json-syntax apis/helloworldfromlogicapp/apiInformation.json:12', // "serviceUrl": [url goes here]
        'json-syntax apis/myversionedapi-v2/apiInformation.json:5', // "apiVersionSetId": [subscription id]
        'spec-syntax apis/helloworldfromfuncapp/specification.yaml:7', // - url: [url goes here]]
        'spec-syntax apis/helloworldfromlogicapp/specification.yaml:7',
      ]),
    );
    // the only other error is real: the starter product links to a group the sample does not have
    expect(errors.filter((e) => !e.startsWith('json-syntax') && !e.startsWith('spec-syntax'))).toEqual(['missing-link-target products/starter/groups.json:12']);
    expect(report.valid).toBe(false);
  });
});

describe('the apiops validate command', () => {
  it('exits 0 on valid artifacts and prints a summary', async () => {
    const result = await cli(['validate', '--artifacts', 'artifacts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^artifacts: \d+ files, \d+ resources; 0 errors, 0 warnings — valid\n$/);
  });

  it('exits 1 on invalid artifacts, with file:line:column, rule and message per finding', async () => {
    const v6 = relative(REPO, V6_SAMPLE);
    const result = await cli(['validate', '--artifacts', v6]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${v6}/apis/myversionedapi-v2/apiInformation.json:5:25: error [json-syntax] is not valid JSON`);
  });

  it('prints JSON on stdout with --format json', async () => {
    const result = await cli(['validate', '--artifacts', relative(REPO, V6_SAMPLE), '--format', 'json']);
    const report = JSON.parse(result.stdout) as { valid: boolean; errors: number; findings: { rule: string; file: string; line: number; column: number; message: string }[] };
    expect(report.valid).toBe(false);
    expect(report.errors).toBe(5);
    expect(report.findings[0]).toEqual(expect.objectContaining({ rule: expect.any(String), line: expect.any(Number), column: expect.any(Number) }));
  });

  it('emits GitHub annotations for errors when GITHUB_ACTIONS=true', async () => {
    const v6 = relative(REPO, V6_SAMPLE);
    const result = await cli(['validate', '--artifacts', v6], { GITHUB_ACTIONS: 'true' });
    expect(result.stdout).toContain(`::error file=${v6}/apis/myversionedapi-v2/apiInformation.json,line=5,col=25,title=json-syntax::is not valid JSON`);
    const json = await cli(['validate', '--artifacts', v6, '--format', 'json'], { GITHUB_ACTIONS: 'true' });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stderr).toContain('::error file=');
  });

  it('checks apiops.yaml and the targets’ overrides when given --config', async () => {
    const dir = await makeTree({
      'apiops.yaml': 'artifacts: apim\ntargets:\n  - name: prod\n    subscriptionId: 00000000-0000-0000-0000-000000000000\n    resourceGroup: rg\n    serviceName: apim-prod\n    overrides: configuration.prod.yaml\n',
      'configuration.prod.yaml': 'namedValues:\n  - name: missing\n    properties:\n      value: x\n',
      'apim/named values/present/namedValueInformation.json': '{"properties":{"displayName":"present","value":"1"}}',
    });
    const result = await cli(['validate', '--config', `${dir}/apiops.yaml`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("configuration.prod.yaml:2:5: error [missing-override-target] overrides named value 'missing'");
  });
});

describe('annotation escaping', () => {
  it('escapes what would break a workflow command', () => {
    const text = renderAnnotations([{ rule: 'schema', severity: 'error', file: 'a,b:c.json', line: 2, column: 3, message: '100% wrong\nnext' }]);
    expect(text).toBe('::error file=a%2Cb%3Ac.json,line=2,col=3,title=schema::100%25 wrong%0Anext\n');
  });
});
