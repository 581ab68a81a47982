import { afterAll, describe, expect, it } from 'vitest';
import { readArtifacts } from '../../core/files/read.ts';
import type { Finding } from '../../core/validate/findings.ts';
import { V6_SAMPLE, V7_SAMPLE, makeTree, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const rules = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.rule} ${f.file}:${f.line}`);

describe('reading the APIOps v7 layout', () => {
  it('reads every resource of the v7 sample with no finding', async () => {
    const read = await readArtifacts(V7_SAMPLE);
    expect(read.findings).toEqual([]);
    const count = (kind: string): number => read.state.list().filter((r) => r.kind === kind).length;
    expect({ api: count('api'), apiPolicy: count('apiPolicy'), apiOperationPolicy: count('apiOperationPolicy'), productApiLink: count('productApiLink'), tagApiLink: count('tagApiLink'), namedValue: count('namedValue') }).toEqual({
      api: 8,
      apiPolicy: 2,
      apiOperationPolicy: 4,
      productApiLink: 7,
      tagApiLink: 5,
      namedValue: 4,
    });
  });

  it('keeps references relative, implies link ids from folders, and carries specifications and policies', async () => {
    const { state } = await readArtifacts(V7_SAMPLE);
    expect(state.get('api', ['versioned-api-v1'])?.properties.apiVersionSetId).toBe('/apiVersionSets/versionSet1');
    expect(state.get('productApiLink', ['product1', 'basic-api'])?.properties).toEqual({ apiId: '/apis/basic-api' });
    expect(state.get('tagProductLink', ['tag1', 'product1'])?.properties).toEqual({ productId: '/products/product1' });
    expect(state.get('api', ['versioned-api-v2'])?.specification?.format).toBe('openapi-json');
    expect(state.get('api', ['graphql-api'])?.specification?.format).toBe('graphql');
    expect(state.get('api', ['wadl-api'])?.specification?.format).toBe('wadl');
    expect(state.get('api', ['soap-api'])?.specification).toBeUndefined();
    expect(state.has('api', ['revisioned-api;rev=2'])).toBe(true);
    expect(state.get('apiOperationPolicy', ['revisioned-api;rev=2', 'get-revision-v2', 'policy'])?.properties.format).toBe('rawxml');
    const fragment = state.get('policyFragment', ['policyFragment1'])?.properties;
    expect(fragment?.description).toBe('Adds a correlation header to inbound requests.');
    expect(String(fragment?.value)).toMatch(/^<fragment>/);
    // operations come from the specification, never from folders
    expect(state.list('apiOperation')).toEqual([]);
  });
});

describe('reading older APIOps generations', () => {
  it('reads the v6 sample: tag links under the API, link arrays, absolute ids made relative', async () => {
    const read = await readArtifacts(V6_SAMPLE);
    const { state } = read;
    expect(state.get('tagApiLink', ['booking', 'demo-conference-api'])?.properties).toEqual({ apiId: '/apis/demo-conference-api' });
    expect(state.get('productGroupLink', ['starter', 'test'])?.properties).toEqual({ groupId: '/groups/test' });
    expect(state.get('productApiLink', ['unlimited', 'testapi'])).toBeDefined();
    expect(state.get('api', ['myversionedapi'])?.properties.apiVersionSetId).toBe('/apiVersionSets/6286439d9a310d01468c083c');
    expect(state.get('serviceDiagnostic', ['applicationinsights'])?.properties.loggerId).toBe('/loggers/apim-lab-insights');
    // the escapes of System.Text.Json are plain JSON
    expect(state.get('api', ['helloworldfromfuncapp'])?.properties.description).toBe('Import from "helloworldfromfuncapp" Function App');
    // the known-broken files are findings, and their resources are marked unreadable rather than missing
    expect(rules(read.findings)).toEqual(['json-syntax apis/helloworldfromlogicapp/apiInformation.json:12', 'json-syntax apis/myversionedapi-v2/apiInformation.json:5']);
    expect([...read.unreadable].sort()).toEqual(['["api","helloworldfromlogicapp"]', '["api","myversionedapi-v2"]']);
  });

  it('reads a repository that mixes v4/v5, v6 and v7 files, the v7 file winning a tie', async () => {
    const root = await makeTree({
      'apis/a/apiInformation.json': '{"properties":{"path":"a","displayName":"A"}}',
      'apis/a/tags.json': '[{"name":"t1"}]',
      'apis/a/tags/t2/apiTagInformation.json': '{}',
      'apis/b/apiInformation.json': '{"properties":{"path":"b","displayName":"B"}}',
      'tags/t1/tagInformation.json': '{"properties":{"displayName":"T1"}}',
      'tags/t2/tagInformation.json': '{"properties":{"displayName":"T2"}}',
      'tags/t3/tagInformation.json': '{"properties":{"displayName":"T3"}}',
      'tags/t3/apis/b/tagApiInformation.json': '{}',
      'products/p/productInformation.json': '{"properties":{"displayName":"P"}}',
      'products/p/apis.json': '[{"name":"a"}]',
      'products/p/apis/b/productApiInformation.json': '{}',
      'products/p/groups.json': '[{"name":"developers"}]',
      'products/p/tags.json': '[{"name":"t1"}]',
      'gateways/g/gatewayInformation.json': '{"properties":{"description":"self-hosted"}}',
      'gateways/g/apis.json': '[{"name":"a"}]',
      'version sets/old/apiVersionSetInformation.json': '{"properties":{"displayName":"Old","versioningScheme":"Header"}}',
      'version sets/both/apiVersionSetInformation.json': '{"properties":{"displayName":"Legacy","versioningScheme":"Header"}}',
      'version sets/both/versionSetInformation.json': '{"properties":{"displayName":"Current","versioningScheme":"Header"}}',
      'apis/a/releases/r1/releaseInformation.json': '{"properties":{"apiId":"/apis/a","notes":"first"}}',
    });
    const read = await readArtifacts(root);
    const keys = read.state.list().map((r) => `${r.kind}:${r.names.join('/')}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'tagApiLink:t1/a',
        'tagApiLink:t2/a',
        'tagApiLink:t3/b',
        'productApiLink:p/a',
        'productApiLink:p/b',
        'productGroupLink:p/developers',
        'tagProductLink:t1/p',
        'gatewayApi:g/a',
        'versionSet:old',
        'apiRelease:a/r1',
      ]),
    );
    expect(read.state.get('versionSet', ['both'])?.properties.displayName).toBe('Current');
    expect(rules(read.findings)).toEqual(['duplicate-resource version sets/both/apiVersionSetInformation.json:1']);
  });
});

describe('reading garbage never throws: every problem is a finding', () => {
  const api = '{"properties":{"path":"a","displayName":"A"}}';
  it.each<[string, Record<string, string | Uint8Array>, string]>([
    ['an empty file', { 'apis/a/apiInformation.json': '' }, 'json-syntax apis/a/apiInformation.json:1'],
    ['a binary file', { 'apis/a/apiInformation.json': new Uint8Array([0x7b, 0, 1, 2, 0x7d]) }, 'encoding apis/a/apiInformation.json:1'],
    ['a UTF-16 file', { 'apis/a/apiInformation.json': Buffer.from(`\uFEFF${api}`, 'utf16le') }, 'encoding apis/a/apiInformation.json:1'],
    ['a byte order mark', { 'apis/a/apiInformation.json': `\uFEFF${api}` }, 'bom apis/a/apiInformation.json:1'],
    ['CRLF line endings', { 'apis/a/apiInformation.json': api.replace(/,/g, ',\r\n') }, 'line-endings apis/a/apiInformation.json:1'],
    ['deeply nested JSON', { 'apis/a/apiInformation.json': `{"properties":${'['.repeat(10_000)}` }, 'json-syntax apis/a/apiInformation.json:1'],
    ['duplicate keys', { 'apis/a/apiInformation.json': '{"properties":{"path":"a",\n"path":"b"}}' }, 'json-duplicate-key apis/a/apiInformation.json:2'],
    ['a link array that is not an array', { 'products/p/productInformation.json': '{"properties":{"displayName":"P"}}', 'products/p/apis.json': '{"name":"a"}' }, 'schema products/p/apis.json:1'],
    ['a link name that escapes the folder', { 'products/p/productInformation.json': '{"properties":{"displayName":"P"}}', 'products/p/apis.json': '[\n{"name":".."}]' }, 'invalid-name products/p/apis.json:2'],
    ['a file where a folder belongs', { 'apis/readme.md': '# APIs' }, 'unknown-file apis/readme.md:1'],
    ['a second specification', { 'apis/a/apiInformation.json': api, 'apis/a/specification.yaml': 'openapi: 3.0.1', 'apis/a/specification.json': '{}' }, 'ignored-file apis/a/specification.yaml:1'],
    ['a .yml specification APIOps never finds', { 'apis/a/apiInformation.json': api, 'apis/a/specification.yml': 'openapi: 3.0.1' }, 'unknown-file apis/a/specification.yml:1'],
  ])('%s', async (_name, files, expected) => {
    const read = await readArtifacts(await makeTree(files));
    expect(rules(read.findings)).toContain(expected);
  });

  it('refuses files larger than the limit without parsing them', async () => {
    const root = await makeTree({ 'apis/a/apiInformation.json': `{"properties":{"description":"${'x'.repeat(5000)}"}}` });
    const read = await readArtifacts(root, { maxFileBytes: 1000 });
    expect(rules(read.findings)).toEqual(['file-too-large apis/a/apiInformation.json:1']);
  });

  it('reports a missing folder instead of throwing', async () => {
    const read = await readArtifacts('/nonexistent/apiops/artifacts');
    expect(read.state.size).toBe(0);
    expect(read.findings.map((f) => f.rule)).toEqual(['unknown-folder']);
  });

  it('keeps unknown properties and top-level members of information files', async () => {
    const root = await makeTree({ 'apis/a/apiInformation.json': '{"properties":{"path":"a","futureProperty":{"x":1}},"futureMember":true}' });
    const { state } = await readArtifacts(root);
    expect(state.get('api', ['a'])).toMatchObject({ properties: { futureProperty: { x: 1 } }, extra: { futureMember: true } });
  });
});
