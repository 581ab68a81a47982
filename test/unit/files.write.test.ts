import { readdir } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readArtifacts } from '../../core/files/read.ts';
import { ArtifactWriteError, writeArtifacts } from '../../core/files/write.ts';
import { type Resource, State } from '../../core/state.ts';
import { listFolders, makeTree, readTree, tempDir, removeTempDirs } from '../fixtures/files/tree.ts';

afterAll(removeTempDirs);

const POLICY = '<policies>\n\t<inbound>\n\t\t<base />\n\t</inbound>\n</policies>\n';

/** Reads `files`, lets `change` edit the State, writes it back; returns what happened and the folder's files. */
async function rewrite(files: Record<string, string>, change: (state: State) => void = () => {}) {
  const root = await makeTree(files);
  const read = await readArtifacts(root);
  const state = State.from(read.state.list());
  change(state);
  const result = await writeArtifacts(root, state, { previous: read });
  return { result, tree: await readTree(root), folders: await listFolders(root), root };
}

function edit(state: State, kind: Resource['kind'], names: string[], patch: (r: Resource) => Resource): void {
  const r = state.get(kind, names);
  if (!r) throw new Error(`no ${kind} ${names.join('/')}`);
  state.put(patch(r));
}

describe('writing new files', () => {
  it('writes canonical v7 files: sorted keys, two spaces, LF, a final newline; `{}` links; documents as they are', async () => {
    const root = await tempDir();
    const state = State.from([
      { kind: 'api', names: ['a'], properties: { path: 'a', displayName: 'A', protocols: ['https'] }, specification: { format: 'openapi-json', content: '{"openapi":"3.0.1"}' } },
      { kind: 'apiPolicy', names: ['a', 'policy'], properties: { format: 'rawxml', value: POLICY.replace(/\n/g, '\r\n').trimEnd() } },
      { kind: 'product', names: ['p'], properties: { displayName: 'P' } },
      { kind: 'productApiLink', names: ['p', 'a'], properties: { apiId: '/apis/a' } },
      { kind: 'productGroupLink', names: ['p', 'g'], properties: { groupId: '/groups/g' }, extra: { name: 'link-1' } },
      { kind: 'policyFragment', names: ['f'], properties: { description: 'd', format: 'rawxml', value: '<fragment />' } },
      { kind: 'namedValue', names: ['nv'], properties: { displayName: 'nv', value: 'x' } },
    ]);
    await writeArtifacts(root, state);
    expect(await readTree(root)).toEqual({
      'apis/a/apiInformation.json': '{\n  "properties": {\n    "displayName": "A",\n    "path": "a",\n    "protocols": [\n      "https"\n    ]\n  }\n}\n',
      'apis/a/specification.json': '{"openapi":"3.0.1"}\n',
      'apis/a/policy.xml': POLICY,
      'products/p/productInformation.json': '{\n  "properties": {\n    "displayName": "P"\n  }\n}\n',
      'products/p/apis/a/productApiInformation.json': '{}\n',
      'products/p/groups/g/productGroupInformation.json': '{\n  "name": "link-1",\n  "properties": {\n    "groupId": "/groups/g"\n  }\n}\n',
      'policy fragments/f/policyFragmentInformation.json': '{\n  "properties": {\n    "description": "d"\n  }\n}\n',
      'policy fragments/f/policy.xml': '<fragment />\n',
      'named values/nv/namedValueInformation.json': '{\n  "properties": {\n    "displayName": "nv",\n    "value": "x"\n  }\n}\n',
    });
  });

  it('never writes a secret: a secret named value loses its value, a Key Vault reference stays', async () => {
    const root = await tempDir();
    await writeArtifacts(
      root,
      State.from([
        { kind: 'namedValue', names: ['s'], properties: { displayName: 's', secret: true, value: 'p@ss' } },
        { kind: 'namedValue', names: ['kv'], properties: { displayName: 'kv', secret: true, keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/kv' } } },
        { kind: 'subscription', names: ['sub'], properties: { displayName: 'sub', scope: '/apis', primaryKey: 'k1' } },
        { kind: 'logger', names: ['l'], properties: { loggerType: 'applicationInsights', credentials: { instrumentationKey: '{{l-key}}' } } },
      ]),
    );
    const tree = await readTree(root);
    expect(Object.values(tree).join('')).not.toMatch(/p@ss|"k1"/);
    expect(tree['named values/kv/namedValueInformation.json']).toContain('secretIdentifier');
    expect(tree['loggers/l/loggerInformation.json']).toContain('{{l-key}}');
  });
});

describe('byte stability: a file whose meaning did not change is never rewritten', () => {
  it.each([
    ['another tool’s escapes, key order and missing final newline', 'apis/a/apiInformation.json', '{\r\n    "properties": {"path": "a", "displayName": "say \\u0022hi\\u0022"}}'],
    ['v6 absolute ids', 'diagnostics/d/diagnosticInformation.json', '{"properties":{"loggerId":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/loggers/l"}}'],
    ['a v7 link file with the implied id written out', 'products/p/apis/a/productApiInformation.json', '{ "properties": { "apiId": "/apis/a" } }'],
    ['a policy with CRLF and no final newline', 'apis/a/policy.xml', POLICY.replace(/\n/g, '\r\n').trimEnd()],
  ])('%s', async (_name, path, content) => {
    const files: Record<string, string> = { 'apis/a/apiInformation.json': '{"properties":{"path":"a"}}', 'products/p/productInformation.json': '{"properties":{"displayName":"P"}}', 'loggers/l/loggerInformation.json': '{"properties":{"loggerType":"azureMonitor"}}' };
    files[path] = content;
    const { result, tree } = await rewrite(files);
    expect(result.written).toEqual([]);
    expect(tree[path]).toBe(content);
  });

  it('keeps a policy that only differs in layout, attribute order or escaping from what the State holds', async () => {
    const { result, tree } = await rewrite({ 'policy.xml': '<policies>\n  <inbound>\n    <set-header exists-action="override" name="x"><value>1</value></set-header>\n  </inbound>\n</policies>' }, (state) =>
      edit(state, 'servicePolicy', ['policy'], (r) => ({ ...r, properties: { format: 'rawxml', value: '<policies>\n\t<inbound>\n\t\t<set-header name="x" exists-action="override">\n\t\t\t<value>1</value>\n\t\t</set-header>\n\t</inbound>\n</policies>' } })),
    );
    expect(result.written).toEqual([]);
    expect(tree['policy.xml']).toContain('exists-action="override" name="x"');
  });

  it('keeps a specification that APIM re-serialized with the same content', async () => {
    const { result } = await rewrite({ 'apis/a/apiInformation.json': '{"properties":{"path":"a"}}', 'apis/a/specification.yaml': "openapi: 3.0.1\ninfo: { title: A, version: '1' }\npaths: {}\n" }, (state) =>
      edit(state, 'api', ['a'], (r) => ({ ...r, specification: { format: 'openapi-yaml', content: 'openapi: 3.0.1\ninfo:\n  title: A\n  version: "1"\npaths: {}\n' } })),
    );
    expect(result.written).toEqual([]);
  });

  it('rewrites only the file whose meaning changed, canonically', async () => {
    const { result, tree } = await rewrite(
      { 'apis/a/apiInformation.json': '{"properties":{"path":"a","displayName":"A"}}', 'apis/b/apiInformation.json': '{"properties":{"path":"b"}}' },
      (state) => edit(state, 'api', ['a'], (r) => ({ ...r, properties: { ...r.properties, displayName: 'A2' } })),
    );
    expect(result.written).toEqual(['apis/a/apiInformation.json']);
    expect(tree['apis/a/apiInformation.json']).toBe('{\n  "properties": {\n    "displayName": "A2",\n    "path": "a"\n  }\n}\n');
    expect(tree['apis/b/apiInformation.json']).toBe('{"properties":{"path":"b"}}');
  });

  it('rewrites a changed v6 file with relative ids', async () => {
    const { tree } = await rewrite(
      { 'apis/a/apiInformation.json': '{"properties":{"path":"a","apiVersionSetId":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/apiVersionSets/v"}}' },
      (state) => edit(state, 'api', ['a'], (r) => ({ ...r, properties: { ...r.properties, path: 'a2' } })),
    );
    expect(tree['apis/a/apiInformation.json']).toContain('"apiVersionSetId": "/apiVersionSets/v"');
  });

  it('keeps unknown properties and members through read → change → write', async () => {
    const { tree } = await rewrite({ 'apis/a/apiInformation.json': '{"properties":{"path":"a","futureProperty":[1]},"futureMember":"x"}' }, (state) =>
      edit(state, 'api', ['a'], (r) => ({ ...r, properties: { ...r.properties, path: 'b' } })),
    );
    expect(JSON.parse(tree['apis/a/apiInformation.json'] ?? '')).toEqual({ futureMember: 'x', properties: { path: 'b', futureProperty: [1] } });
  });
});

describe('resources that are gone', () => {
  it('removes their files and the folders they leave empty, and leaves unknown files alone', async () => {
    const { result, tree, folders } = await rewrite(
      {
        'apis/a/apiInformation.json': '{"properties":{"path":"a"}}',
        'apis/a/specification.yaml': 'openapi: 3.0.1\n',
        'apis/a/policy.xml': POLICY,
        'apis/a/operations/op/policy.xml': POLICY,
        'apis/b/apiInformation.json': '{"properties":{"path":"b"}}',
        'apis/b/policy.xml': POLICY,
        'apis/b/NOTES.md': 'kept',
      },
      (state) => {
        for (const r of state.list()) state.delete(r.kind, r.names);
      },
    );
    expect(result.deleted).toEqual(['apis/a/apiInformation.json', 'apis/a/operations/op/policy.xml', 'apis/a/policy.xml', 'apis/a/specification.yaml', 'apis/b/apiInformation.json', 'apis/b/policy.xml']);
    expect(tree).toEqual({ 'apis/b/NOTES.md': 'kept' });
    expect(folders).toEqual(['apis', 'apis/b']);
  });

  it('moves what changes in a legacy location to the v7 location, and keeps what does not', async () => {
    const { result, tree } = await rewrite(
      {
        'apis/a/apiInformation.json': '{"properties":{"path":"a"}}',
        'apis/a/tags/t1/apiTagInformation.json': '{}',
        'apis/a/tags/t2/apiTagInformation.json': '{}',
        'tags/t1/tagInformation.json': '{"properties":{"displayName":"T1"}}',
        'tags/t2/tagInformation.json': '{"properties":{"displayName":"T2"}}',
      },
      (state) => {
        state.delete('tagApiLink', ['t2', 'a']);
        edit(state, 'tagApiLink', ['t1', 'a'], (r) => ({ ...r, extra: { name: 'renamed-link' } }));
      },
    );
    expect(result.deleted).toEqual(['apis/a/tags/t1/apiTagInformation.json', 'apis/a/tags/t2/apiTagInformation.json']);
    expect(tree['tags/t1/apis/a/tagApiInformation.json']).toContain('renamed-link');
    expect(Object.keys(tree).some((p) => p.startsWith('apis/a/tags'))).toBe(false);
  });

  it('keeps a v4/v5 link array while its links are unchanged, and turns it into v7 files when one goes', async () => {
    const files = {
      'apis/a/apiInformation.json': '{"properties":{"path":"a"}}',
      'apis/b/apiInformation.json': '{"properties":{"path":"b"}}',
      'products/p/productInformation.json': '{"properties":{"displayName":"P"}}',
      'products/p/apis.json': '[\n  {\n    "name": "a"\n  },\n  {\n    "name": "b"\n  }\n]',
    };
    const unchanged = await rewrite(files);
    expect(unchanged.result.written).toEqual([]);
    const changed = await rewrite(files, (state) => state.delete('productApiLink', ['p', 'b']));
    expect(changed.result.deleted).toEqual(['products/p/apis.json']);
    expect(changed.result.written).toEqual(['products/p/apis/a/productApiInformation.json']);
  });

  it('replaces a specification whose format changed and keeps one the State says nothing about', async () => {
    const files = {
      'apis/a/apiInformation.json': '{"properties":{"path":"a"}}',
      'apis/a/specification.yaml': 'openapi: 3.0.1\n',
      'apis/s/apiInformation.json': '{"properties":{"path":"s","type":"soap"}}',
      'apis/s/specification.wsdl': '<definitions/>\n',
    };
    const { result, tree } = await rewrite(files, (state) => {
      edit(state, 'api', ['a'], (r) => ({ ...r, specification: { format: 'openapi-json', content: '{"openapi":"3.0.1"}' } }));
      // v7 extractors no longer export WSDL: a hand-committed one survives an extract
      edit(state, 'api', ['s'], ({ specification: _dropped, ...r }) => r);
    });
    expect(result.deleted).toEqual(['apis/a/specification.yaml']);
    expect(tree['apis/a/specification.json']).toBe('{"openapi":"3.0.1"}\n');
    expect(tree['apis/s/specification.wsdl']).toBe('<definitions/>\n');
  });
});

describe('safety', () => {
  it.each([
    ['a name that escapes the folder', { kind: 'api', names: ['..'], properties: { path: 'x' } }],
    ['a name with a path separator', { kind: 'namedValue', names: ['a/b'], properties: { displayName: 'x' } }],
    ['a name APIM rejects', { kind: 'policyFragment', names: ['bad.name'], properties: { value: '<fragment/>' } }],
    ['a policy without a document', { kind: 'servicePolicy', names: ['policy'], properties: { format: 'rawxml' } }],
  ] as [string, Resource][])('refuses %s and writes nothing at all', async (_name, bad) => {
    const root = await makeTree({ 'apis/keep/apiInformation.json': '{"properties":{"path":"keep"}}' });
    const state = State.from([{ kind: 'api', names: ['new'], properties: { path: 'new' } }, bad]);
    await expect(writeArtifacts(root, state)).rejects.toBeInstanceOf(ArtifactWriteError);
    expect(await readTree(root)).toEqual({ 'apis/keep/apiInformation.json': '{"properties":{"path":"keep"}}' });
  });

  it('leaves files it cannot read alone and leaves no temporary files behind', async () => {
    const { tree } = await rewrite({ 'apis/broken/apiInformation.json': '{"properties": [oops', 'apis/ok/apiInformation.json': '{"properties":{"path":"ok"}}' }, (state) =>
      state.put({ kind: 'api', names: ['new'], properties: { path: 'new' } }),
    );
    expect(tree['apis/broken/apiInformation.json']).toBe('{"properties": [oops');
    expect(Object.keys(tree).sort()).toEqual(['apis/broken/apiInformation.json', 'apis/new/apiInformation.json', 'apis/ok/apiInformation.json']);
  });

  it('notices a State edited in place after reading and still writes the change', async () => {
    const root = await makeTree({ 'apis/a/apiInformation.json': '{"properties":{"path":"a"}}' });
    const read = await readArtifacts(root);
    edit(read.state, 'api', ['a'], (r) => ({ ...r, properties: { path: 'changed' } }));
    const result = await writeArtifacts(root, read.state, { previous: read });
    expect(result.written).toEqual(['apis/a/apiInformation.json']);
  });

  it('overwrites a broken file when the State has the resource it belongs to', async () => {
    const root = await makeTree({ 'apis/a/apiInformation.json': '' });
    await writeArtifacts(root, State.from([{ kind: 'api', names: ['a'], properties: { path: 'a' } }]));
    expect((await readdir(`${root}/apis/a`)).sort()).toEqual(['apiInformation.json']);
    expect((await readTree(root))['apis/a/apiInformation.json']).toContain('"path": "a"');
  });
});
