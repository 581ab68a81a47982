// The extract command's engine, `run(settings)`: the emulator over real HTTPS into a real folder. What was put comes
// back out of the files; a second extract writes nothing; files of resources that are gone are removed; what the
// filter leaves out is kept; a file whose meaning did not change keeps its bytes.
import { cp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindSpec } from '../../core/kinds.ts';
import { readArtifacts } from '../../core/files/read.ts';
import { sameResource } from '../../core/normalize.ts';
import type { State } from '../../core/state.ts';
import { run } from '../../extractor/run.ts';
import { type ExtractSummary, renderJson, renderMarkdown, renderText } from '../../extractor/summary.ts';
import { seedState } from '../support/seed.ts';
import { type EmulatedInstance, V7_SAMPLE, collectLog, emulatedInstance, snapshot, tempFolder, v7SampleState } from './helpers.ts';

describe('extract: the v7 samples, from an instance into an empty folder', () => {
  let inst: EmulatedInstance;
  let put: State;
  let out: string;
  let first: ExtractSummary;
  let files: Record<string, string>;

  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true });
    put = await v7SampleState();
    await seedState(inst.arm, put);
    out = await tempFolder();
    first = await run(inst.settings(out), collectLog());
    files = await snapshot(out);
  });
  afterAll(async () => {
    await inst?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes files that read back as the State that was put', async () => {
    const read = await readArtifacts(out);
    expect(read.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const problems: string[] = [];
    for (const r of put.list()) {
      const got = read.state.get(r.kind, r.names);
      if (!got) problems.push(`missing ${r.kind} ${r.names.join('/')}`);
      else if (!sameResource(r, got)) problems.push(`different ${r.kind} ${r.names.join('/')}`);
    }
    for (const r of read.state.list()) if (!put.has(r.kind, r.names) && kindSpec(r.kind).artifact.content !== 'none') problems.push(`extra ${r.kind} ${r.names.join('/')}`);
    expect(problems).toEqual([]);
  });

  it('writes the APIOps v7 layout', () => {
    expect(files['named values/environment-name/namedValueInformation.json']).toContain('"value": "scenario"');
    expect(files['products/product1/apis/basic-api/productApiInformation.json']).toBe('{}\n');
    expect(files['tags/tag1/products/product1/tagProductInformation.json']).toBe('{}\n');
    expect(files['apis/revisioned-api;rev=2/apiInformation.json']).toContain('"apiRevision": "2"');
    expect(files['apis/basic-api/operations/create-item/policy.xml']).toContain('{{rewrite-search-term}}');
    expect(files['policy fragments/policyFragment1/policy.xml']).toMatch(/^<fragment>/);
    expect(files['policy fragments/policyFragment1/policyFragmentInformation.json']).not.toContain('"value"');
    expect(files['apis/graphql-api/specification.graphql']).toContain('sampleMessage');
    expect(files['apis/basic-api/specification.yaml']).toMatch(/^openapi: 3/);
    expect(files['diagnostics/azuremonitor/diagnosticInformation.json']).toContain('"loggerId": "/loggers/azuremonitor"');
  });

  it('summarizes the files per kind', () => {
    expect(first.changed).toBe(true);
    expect(first.files.removed).toBe(0);
    expect(first.files.added).toBe(Object.keys(files).length);
    expect(first.kinds.productApiLink).toEqual({ added: 7, changed: 0, removed: 0 });
    expect(first.kinds.namedValue).toEqual({ added: 4, changed: 0, removed: 0 });
    expect(first.resources.api).toBe(8);
    expect(renderText(first)).toMatch(/product↔API link\s+\+7 ~0 -0/);
    expect(JSON.parse(renderJson(first))).toMatchObject({ service: inst.serviceName, changed: true, branch: null });
    expect(renderMarkdown(first)).toContain('| product↔API link | 7 | 0 | 0 |');
  });

  it('writes identical bytes when extracting again, into the same folder or a new one', async () => {
    const again = await run(inst.settings(out), collectLog());
    expect(again.changed).toBe(false);
    expect(again.files).toMatchObject({ added: 0, changed: 0, removed: 0 });
    expect(await snapshot(out)).toEqual(files);
    const other = await tempFolder();
    try {
      await run(inst.settings(other), collectLog());
      expect(await snapshot(other)).toEqual(files);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('prints progress per kind on its log', async () => {
    const log = collectLog();
    await run(inst.settings(out), log);
    const table = log.lines.join('\n');
    expect(table).toMatch(/kind\s+listed\s+read\s+written/);
    expect(table).toMatch(/API\s+8\s+8\s+0/);
  });
});

describe('extract: over a folder that already holds artifacts', () => {
  let inst: EmulatedInstance;
  let out: string;

  beforeAll(async () => {
    inst = await emulatedInstance({ bare: true });
    await seedState(inst.arm, await v7SampleState());
    out = await tempFolder();
    // a temporary copy of the samples: the repository never holds them
    await cp(V7_SAMPLE, out, { recursive: true });
  });
  afterAll(async () => {
    await inst?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('keeps the bytes of every file whose meaning is unchanged, and each specification in its format', async () => {
    const before = await snapshot(out);
    const summary = await run(inst.settings(out), collectLog());
    const after = await snapshot(out);
    const changed = Object.keys(after).filter((p) => before[p] !== after[p]);
    // APIM re-serializes imported specifications (servers, security schemes, named schemas): only those differ
    expect(changed.filter((p) => !/\/specification\.\w+$/.test(p))).toEqual([]);
    expect(Object.keys(before).filter((p) => !(p in after))).toEqual([]);
    expect(after['apis/versioned-api-v2/specification.json']).toMatch(/^\{/);
    expect(after['apis/wadl-api/specification.wadl']).toContain('<application');
    // the SOAP API's WSDL, which the samples do not hold, is exported
    expect(after['apis/soap-api/specification.wsdl']).toContain('definitions');
    expect(summary.kinds.api?.removed).toBe(0);
  });

  it('removes the files of resources that are gone, and says so per kind', async () => {
    await inst.arm.delete('backend', ['backend2']);
    await inst.arm.delete('productApiLink', ['product2', 'wadl-api']);
    await inst.arm.delete('api', ['wadl-api']);
    const summary = await run(inst.settings(out), collectLog());
    const after = await snapshot(out);
    expect(Object.keys(after).filter((p) => p.includes('backend2') || p.includes('wadl-api'))).toEqual([]);
    expect(summary.kinds.backend).toEqual({ added: 0, changed: 0, removed: 1 });
    expect(summary.kinds.api).toEqual({ added: 0, changed: 0, removed: 2 });
    expect(summary.kinds.productApiLink).toEqual({ added: 0, changed: 0, removed: 1 });
    expect(summary.kinds.tagApiLink).toBeUndefined();
  });

  it('writes a property the toolkit does not model', async () => {
    const backend = await inst.arm.get('backend', ['backend1']);
    await inst.arm.put('backend', ['backend1'], { properties: { ...backend!.properties, circuitBreaker: { rules: [{ name: 'r1', tripDuration: 'PT1M' }] } } });
    await run(inst.settings(out), collectLog());
    const file = JSON.parse(await readFile(join(out, 'backends/backend1/backendInformation.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(file.properties.circuitBreaker).toEqual({ rules: [{ name: 'r1', tripDuration: 'PT1M' }] });
  });

  it('keeps what the filter leaves out, and writes only what it names', async () => {
    const filterFile = join(out, '..', `${out.split('/').pop()}-filter.yaml`);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(filterFile, 'apis:\n  - basic-api\nbackends: []\n');
    try {
      await inst.arm.delete('api', ['graphql-api']);
      await inst.arm.put('namedValue', ['environment-name'], { properties: { displayName: 'environment-name', value: 'changed', tags: ['environment'] } });
      const summary = await run(inst.settings(out, { filter: filterFile }), collectLog());
      const after = await snapshot(out);
      // graphql-api is gone from the instance, but the filter does not name it: its files stay
      expect(after['apis/graphql-api/apiInformation.json']).toBeDefined();
      expect(after['backends/backend1/backendInformation.json']).toBeDefined();
      // named values are not filtered: the change arrives
      expect(after['named values/environment-name/namedValueInformation.json']).toContain('"changed"');
      expect(summary.kinds.namedValue).toEqual({ added: 0, changed: 1, removed: 0 });
      expect(summary.kinds.api).toBeUndefined();
    } finally {
      await rm(filterFile, { force: true });
    }
  });

  it('keeps the specification in Git, and warns, when APIM cannot give one', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await inst.arm.put('api', ['gql-passthrough'], { properties: { displayName: 'gql-passthrough', path: 'gql', type: 'graphql', serviceUrl: 'https://gql.example.com' } });
    await mkdir(join(out, 'apis', 'gql-passthrough'), { recursive: true });
    await writeFile(join(out, 'apis', 'gql-passthrough', 'specification.graphql'), 'type Query {\n  hello: String\n}\n');
    await writeFile(join(out, 'apis', 'gql-passthrough', 'apiInformation.json'), '{ "properties": { "displayName": "gql-passthrough", "path": "gql", "type": "graphql" } }\n');
    const log = collectLog();
    const summary = await run(inst.settings(out), log);
    expect(await readFile(join(out, 'apis', 'gql-passthrough', 'specification.graphql'), 'utf8')).toBe('type Query {\n  hello: String\n}\n');
    expect(summary.warnings).toEqual([expect.stringMatching(/^API gql-passthrough: .*no GraphQL schema.*the specification file in Git is kept/)]);
    expect(log.lines).toContain(`warning: ${summary.warnings[0]}`);
  });

  it('writes the format asked for, replacing the file of another format', async () => {
    const summary = await run(inst.settings(out, { specFormat: 'openapi-json' }), collectLog());
    const after = await snapshot(out);
    expect(after['apis/basic-api/specification.json']).toMatch(/"openapi": "3/);
    expect(after['apis/basic-api/specification.yaml']).toBeUndefined();
    // a GraphQL SDL or a WSDL stays what it is
    expect(after['apis/soap-api/specification.wsdl']).toBeDefined();
    expect(summary.kinds.api?.added).toBeGreaterThan(0);
  });
});

describe('extract: a failed read writes nothing', () => {
  it('leaves the folder untouched when the instance cannot be read', async () => {
    const inst = await emulatedInstance({ bare: true });
    const out = await tempFolder();
    try {
      await run(inst.settings(out), collectLog());
      const before = await snapshot(out);
      const settings = inst.settings(out);
      settings.instance.serviceName = 'apim-elsewhere';
      await expect(run(settings, collectLog())).rejects.toThrow(/reading apim-elsewhere failed: 404/);
      expect(await snapshot(out)).toEqual(before);
    } finally {
      await inst.close();
      await rm(out, { recursive: true, force: true });
    }
  });
});
