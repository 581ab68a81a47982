import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KIND_NAMES, childKinds, kindSpec } from '../../core/kinds.ts';
import { COMPANIONS } from '../../core/files/layout.ts';
import { checkSchema } from '../../core/validate/schema-check.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CONFIG_SCHEMAS, KIND_SCHEMAS, OUTPUT_SCHEMAS, type KindSchema, allSchemaFiles, editorJsonSchemas, loadSchema } from '../../schemas/index.ts';

const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

interface FileSchema {
  $schema: string;
  $id: string;
  properties?: { properties?: { required?: string[] } };
  $defs?: { properties?: { properties?: Record<string, unknown> } };
}

describe('the schema registry', () => {
  it.each(KIND_NAMES)('%s has a schema, or says why it has no file', (kind) => {
    const entry: KindSchema = KIND_SCHEMAS[kind];
    if (entry.schema === null) {
      expect(entry.why.length).toBeGreaterThan(10);
      expect(kindSpec(kind).artifact.content).toBe('none');
    } else {
      expect(readdirSync(SCHEMAS_DIR)).toContain(entry.schema);
    }
  });

  it('has a file in schemas/ for every schema it names, and no schema file it does not name', () => {
    const onDisk = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).sort();
    expect(onDisk).toEqual([...allSchemaFiles(), ...Object.values(OUTPUT_SCHEMAS)].sort());
  });

  it.each(allSchemaFiles())('%s is draft 2020-12 with a unique $id and compiles', (file) => {
    const schema = JSON.parse(readFileSync(`${SCHEMAS_DIR}${file}`, 'utf8')) as FileSchema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://apiops.dev/schemas/${file}`);
    const ids = allSchemaFiles().map((f) => loadSchema(f).$id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => checkSchema(file, {})).not.toThrow();
    // (runs skip this check to start faster: schema-check.ts)
    const meta = new Ajv2020({ strict: false });
    expect(meta.validateSchema(schema), JSON.stringify(meta.errors)).toBe(true);
  });

  it.each(KIND_NAMES.filter((k) => KIND_SCHEMAS[k].schema !== null && kindSpec(k).artifact.content === 'json'))(
    'the %s schema requires what the kinds table requires of its information file',
    (kind) => {
      const schema = loadSchema(KIND_SCHEMAS[kind].schema as string) as unknown as FileSchema;
      const held = COMPANIONS[kind]?.heldProperties ?? [];
      const expected = kindSpec(kind).props.required.filter((p) => !held.includes(p));
      expect([...(schema.properties?.properties?.required ?? [])].sort()).toEqual([...expected].sort());
      for (const property of [...kindSpec(kind).props.required, ...kindSpec(kind).props.secret]) {
        expect(Object.keys(schema.$defs?.properties?.properties ?? {})).toContain(property.split('.')[0]);
      }
    },
  );

  it('the override schema has a section for every configuration key, nested as the kinds table nests them', () => {
    const schema = loadSchema(CONFIG_SCHEMAS.overrides) as unknown as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
    for (const kind of childKinds(null)) {
      const key = kindSpec(kind).configKey as string;
      expect(schema.properties[key], key).toBeDefined();
      const nested = Object.keys(schema.properties[key]?.items?.properties ?? {}).filter((k) => k !== 'name' && k !== 'properties');
      expect(nested.sort(), key).toEqual(childKinds(kind).map((c) => kindSpec(c).configKey as string).sort());
    }
  });

  it('the extractor filter schema has a list for every top-level configuration key but the service policy', () => {
    const schema = loadSchema(CONFIG_SCHEMAS.extractorFilter) as unknown as { properties: Record<string, unknown> };
    for (const kind of childKinds(null)) {
      if (kindSpec(kind).arm.fixedName) continue;
      expect(schema.properties[kindSpec(kind).configKey as string]).toBeDefined();
    }
  });

  it('maps every information file name (v7 and legacy) to its schema for editors', () => {
    const entries = editorJsonSchemas({ schemasFolder: './schemas', artifactsFolder: 'artifacts' });
    const patterns = entries.flatMap((e) => e.fileMatch);
    expect(patterns).toContain('artifacts/**/apiInformation.json');
    expect(patterns).toContain('artifacts/**/apiVersionSetInformation.json');
    expect(entries.find((e) => e.fileMatch.includes('artifacts/**/apiTagInformation.json'))?.url).toBe('./schemas/tagApiLink.schema.json');
  });

  it('the README shows exactly the editor mapping the registry produces', () => {
    const readme = readFileSync(`${SCHEMAS_DIR}README.md`, 'utf8');
    const block = readme.split('```json')[1]?.split('```')[0] ?? '{}';
    const shown = (JSON.parse(block) as { 'json.schemas': { fileMatch: string[]; url: string }[] })['json.schemas'];
    const normalize = (list: { fileMatch: string[]; url: string }[]): string[] => list.map((e) => `${e.url} ${[...e.fileMatch].sort().join(',')}`).sort();
    expect(normalize(shown)).toEqual(normalize(editorJsonSchemas({ schemasFolder: './schemas', artifactsFolder: 'artifacts' })));
  });
});

describe('the schemas accept what APIOps writes and reject what APIM rejects', () => {
  it.each([
    ['api.schema.json', { properties: { path: 'a', protocols: ['https'], apiVersionSetId: '/apiVersionSets/v' } }],
    ['diagnostic.schema.json', { properties: { loggerId: '/loggers/l', verbosity: 'Error', sampling: { samplingType: 'Fixed', percentage: 100 } } }],
    ['productApiLink.schema.json', {}],
    ['productGroupLink.schema.json', { name: 'abc', properties: { groupId: '/groups/g' } }],
    ['namedValue.schema.json', { properties: { displayName: 'x', secret: true, keyVault: { secretIdentifier: 'https://v/secrets/x' } } }],
  ])('%s accepts %j', (file, value) => {
    expect(checkSchema(file, value)).toEqual([]);
  });

  it.each([
    ['api.schema.json', { properties: { protocols: ['ftp'] } }, ["properties is missing the required property 'path'", 'properties.protocols[0] must be one of: http, https, ws, wss']],
    ['namedValue.schema.json', { properties: { displayName: 'has space' } }, ['properties.displayName must match pattern "^[A-Za-z0-9-._]+$"']],
    ['backend.schema.json', { properties: { url: 'https://x', protocol: 'ftp' } }, ['properties.protocol must be one of: http, soap']],
    ['apiops.schema.json', { targets: [] }, ['targets must NOT have fewer than 1 items']],
  ])('%s rejects %j', (file, value, messages) => {
    expect(checkSchema(file, value).map((p) => p.message).sort()).toEqual([...messages].sort());
  });
});
