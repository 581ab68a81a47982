import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApiopsConfig, readApiopsConfig } from '../../core/config/apiops.ts';
import { loadExtractorFilter, parseExtractorFilter } from '../../core/config/filter.ts';
import { ConfigError } from '../../core/config/load.ts';
import { applyOverrides, loadOverrides, mergeProperties, parseOverrides } from '../../core/config/overrides.ts';
import { maskSecrets, substituteTokens, tokenNames } from '../../core/config/tokens.ts';
import { State } from '../../core/state.ts';
import type { Finding } from '../../core/validate/findings.ts';
import { SAMPLES, makeTree, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const at = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.rule} ${f.line}:${f.column} ${f.message}`);
const GUID = '00000000-0000-0000-0000-000000000000';

describe('apiops.yaml', () => {
  it('loads targets with paths resolved against the file, prune off unless enabled', async () => {
    const dir = await makeTree({
      'apiops.yaml': `artifacts: apim\ntargets:\n  - name: westeurope\n    subscriptionId: ${GUID}\n    resourceGroup: rg-weu\n    serviceName: apim-weu\n    overrides: configuration.westeurope.yaml\n  - name: local\n    subscriptionId: ${GUID}\n    resourceGroup: rg\n    serviceName: apim-local\n    endpoint: https://127.0.0.1:8443\n    emulator: true\n`,
      'configuration.westeurope.yaml': 'apis: []\n',
    });
    const config = await readApiopsConfig(join(dir, 'apiops.yaml'));
    expect(config.artifacts).toBe(join(dir, 'apim'));
    expect(config.targets).toEqual([
      { name: 'westeurope', subscriptionId: GUID, resourceGroup: 'rg-weu', serviceName: 'apim-weu', overrides: join(dir, 'configuration.westeurope.yaml'), emulator: false },
      { name: 'local', subscriptionId: GUID, resourceGroup: 'rg', serviceName: 'apim-local', endpoint: 'https://127.0.0.1:8443', emulator: true },
    ]);
    expect(config.prune).toEqual({ enabled: false });
  });

  it.each([
    ['true', { enabled: true }],
    ['{ enabled: true, maxDeletions: 5 }', { enabled: true, maxDeletions: 5 }],
  ])('reads prune: %s', async (prune, expected) => {
    const dir = await makeTree({ 'apiops.yaml': `prune: ${prune}\ntargets:\n  - { name: a, subscriptionId: ${GUID}, resourceGroup: rg, serviceName: s }\n` });
    expect((await readApiopsConfig(join(dir, 'apiops.yaml'))).prune).toEqual(expected);
  });

  it('reports each problem at its line, and readApiopsConfig throws a ConfigError listing them', async () => {
    const dir = await makeTree({
      'apiops.yaml': `targets:\n  - name: a\n    subscriptionId: not-a-guid\n    resourceGroup: rg\n    serviceName: s\n    colour: blue\n`,
    });
    const loaded = await loadApiopsConfig(join(dir, 'apiops.yaml'));
    expect(at(loaded.findings)).toEqual([
      'schema 3:5 targets[0].subscriptionId must match pattern "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"',
      "schema 6:5 targets[0] has the unknown property 'colour'",
    ]);
    await expect(readApiopsConfig(join(dir, 'apiops.yaml'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports a missing file and YAML syntax errors without throwing', async () => {
    expect(at((await loadApiopsConfig('/nonexistent/apiops.yaml')).findings)).toEqual(['missing-file 1:1 does not exist']);
    const dir = await makeTree({ 'apiops.yaml': 'targets:\n  - name: a\n    name: b\n' });
    expect(at((await loadApiopsConfig(join(dir, 'apiops.yaml'))).findings)[0]).toMatch(/^yaml-syntax 3:5 is not valid YAML: Map keys must be unique/);
  });
});

describe('overrides (configuration.<target>.yaml)', () => {
  const text = [
    'apimServiceName: apim-prod',
    'policies:',
    '  - name: policy',
    '    properties: { format: rawxml }',
    'namedValues:',
    '  - name: env',
    '    properties: { value: prod }',
    'apis:',
    '  - name: orders',
    '    properties:',
    '      serviceUrl: https://orders.prod',
    '      apiRevision: "3"',
    '    diagnostics:',
    '      - name: appinsights',
    '        properties: { verbosity: error }',
    '    operations:',
    '      - name: get-order',
    '        policies:',
    '          - name: policy',
    '            properties: { format: rawxml }',
    'products:',
    '  - name: starter',
    '    policies:',
    '      - name: policy',
    'workspaces:',
    '  - name: ws',
    '',
  ].join('\n');

  it('resolves nested entries to kinds and names, with their lines', () => {
    const loaded = parseOverrides(text, 'configuration.prod.yaml');
    expect(loaded.value?.entries.map((e) => `${e.kind} ${e.names.join('/')} @${e.at.line}`)).toEqual([
      'servicePolicy policy @3',
      'namedValue env @6',
      'api orders @9',
      'apiDiagnostic orders/appinsights @14',
      'apiOperation orders/get-order @17',
      'apiOperationPolicy orders/get-order/policy @19',
      'product starter @22',
      'productPolicy starter/policy @24',
    ]);
    expect(at(loaded.findings)).toEqual([
      'ignored-override 12:7 properties.apiRevision is ignored: the artifacts fix which revision a folder holds',
      'unsupported 25:1 workspace overrides are ignored: apiops does not manage workspaces yet',
    ]);
  });

  it('merges properties deeply: objects member by member, arrays and values replaced', () => {
    expect(mergeProperties({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, d: null });
    const loaded = parseOverrides(text, 'configuration.prod.yaml');
    const state = State.from([
      { kind: 'api', names: ['orders'], properties: { path: 'orders', apiRevision: '1', serviceUrl: 'https://orders.dev' } },
      { kind: 'namedValue', names: ['env'], properties: { displayName: 'env', value: 'dev' } },
    ]);
    const result = applyOverrides(state, loaded.value?.entries ?? []);
    expect(result.get('api', ['orders'])?.properties).toEqual({ path: 'orders', apiRevision: '1', serviceUrl: 'https://orders.prod' });
    expect(result.get('namedValue', ['env'])?.properties.value).toBe('prod');
    expect(state.get('namedValue', ['env'])?.properties.value).toBe('dev');
  });

  it('reports schema problems at the offending key and names that would escape a folder', () => {
    const loaded = parseOverrides('apis:\n  - name: ok\n    propertes: {}\n  - name: ../x\n', 'c.yaml');
    expect(at(loaded.findings)).toEqual(["schema 3:5 apis[0] has the unknown property 'propertes'"]);
    const named = parseOverrides('apis:\n  - name: ../x\n', 'c.yaml');
    expect(at(named.findings)).toEqual(["invalid-name 2:5 the API name '../x' contains a path separator and would escape its folder"]);
  });

  it('warns about a resource overridden twice (names compare case-insensitively, as APIM names do)', () => {
    const loaded = parseOverrides('namedValues:\n  - name: env\n    properties: { value: a }\n  - name: ENV\n    properties: { value: b }\n', 'c.yaml');
    expect(at(loaded.findings)).toEqual(["duplicate-resource 4:5 overrides the named value 'ENV' again (first at line 2); both are merged, the later one last"]);
  });

  it('reports the placeholders of the APIOps v7 sample overrides as schema errors, without throwing', async () => {
    const loaded = await loadOverrides(join(SAMPLES, 'Azure-apiops@v7-main-c248e0b', 'configuration.prod.yaml'));
    expect(at(loaded.findings)).toContain('schema 1:1 apimServiceName must be a string');
  });
});

describe('{#token#} substitution', () => {
  it('substitutes from the environment, reports missing tokens and returns the values to mask', () => {
    const result = substituteTokens({ a: 'x-{#A#}-{#B#}', list: ['{#A#}'], n: 1 }, { A: 's3cret' });
    expect(result.value).toEqual({ a: 'x-s3cret-{#B#}', list: ['s3cret'], n: 1 });
    expect(result.used.sort()).toEqual(['A', 'B']);
    expect(result.missing).toEqual(['B']);
    expect(result.secrets).toEqual(['s3cret']);
    expect(maskSecrets('value s3cret and s3cret', result.secrets)).toBe('value *** and ***');
    expect(tokenNames('{#X#} {#Y_1#} {#X#}')).toEqual(['X', 'Y_1']);
  });
});

describe('the extractor filter (configuration.extractor.yaml)', () => {
  const filter = parseExtractorFilter(
    ['apis:', '  - orders', '  - catalog-*', '  - inventory:', '      operations: [get-stock]', '      diagnostics: []', 'products: []', 'namedValues: [Env]', ''].join('\n'),
    'f.yaml',
  ).value;

  it.each([
    ['api', ['orders'], true],
    ['api', ['orders;rev=2'], true],
    ['api', ['catalog-graphql'], true],
    ['api', ['billing'], false],
    ['apiPolicy', ['orders', 'policy'], true],
    ['apiDiagnostic', ['inventory', 'appinsights'], false],
    ['apiOperationPolicy', ['inventory', 'get-stock', 'policy'], true],
    ['apiOperationPolicy', ['inventory', 'reserve', 'policy'], false],
    ['product', ['starter'], false],
    ['namedValue', ['env'], true],
    ['backend', ['anything'], true],
    ['tagApiLink', ['t', 'orders'], true],
    ['tagApiLink', ['t', 'billing'], false],
  ] as const)('%s %j → %s', (kind, names, expected) => {
    expect(filter?.includes(kind, names)).toBe(expected);
  });

  it('honours the APIOps v6 keys with a warning, and reads the samples of both generations', async () => {
    const v6 = parseExtractorFilter('apiNames:\n  - a\n', 'f.yaml');
    expect(at(v6.findings)).toEqual(["deprecated-key 1:1 'apiNames' is the APIOps v6 spelling; use 'apis'"]);
    expect(v6.value?.includes('api', ['b'])).toBe(false);
    const v7Sample = await loadExtractorFilter(join(SAMPLES, 'Azure-apiops@v7-main-c248e0b', 'configuration.extractor.yaml'));
    expect(at(v7Sample.findings)).toEqual(['unsupported 53:1 workspace filters are ignored: apiops does not manage workspaces yet']);
    expect(v7Sample.value?.includes('api', ['apiName2'])).toBe(true);
    const v6Sample = await loadExtractorFilter(join(SAMPLES, 'Azure-apiops@v6.0.1.10', 'configuration.extractor.yaml'));
    expect(v6Sample.findings.every((f) => f.rule === 'deprecated-key')).toBe(true);
  });
});
