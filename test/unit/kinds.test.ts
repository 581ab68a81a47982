// The kinds table is complete: every kind has its ARM path, artifact description, dependency level and an
// emulator route that resolves back to it, and the levels put every prerequisite first.
import { describe, expect, it } from 'vitest';
import { KIND_NAMES, KINDS, LEVELS, ancestry, armRelativePath, artifactFolder, kindSpec, prerequisites } from '../../core/kinds.ts';
import { parsePath } from '../../emulator/router.ts';
import { KIND_FIXTURES } from '../support/kind-fixtures.ts';

const SERVICE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc';

describe('the kinds table', () => {
  it.each(KIND_NAMES.map((k) => [k]))('%s is described completely', (kind) => {
    const spec = kindSpec(kind);
    expect(spec.title.length).toBeGreaterThan(0);
    expect(spec.arm.segment).toMatch(/^[a-zA-Z]+$/);
    expect(spec.arm.type).toMatch(/^Microsoft\.ApiManagement\/service\//);
    expect(Number.isInteger(LEVELS[kind])).toBe(true);
    // an artifact file, or an explicit "no file of its own" (operations live in the spec, schemas in specification.graphql)
    expect(spec.artifact.file !== null || spec.artifact.content === 'none').toBe(true);
    if (spec.artifact.content === 'link') expect(spec.link).toBeDefined();
  });

  it.each(KIND_NAMES.map((k) => [k]))('%s has an emulator route that resolves back to it', (kind) => {
    const names = KIND_FIXTURES[kind].names;
    const path = `${SERVICE}/${armRelativePath(kind, names)}`;
    expect(parsePath(path)?.route).toEqual({ type: 'item', kind, names });
    const collection = path.slice(0, path.lastIndexOf('/'));
    expect(parsePath(collection)?.route).toEqual({ type: 'collection', kind, parentNames: names.slice(0, -1) });
  });

  it.each(KIND_NAMES.map((k) => [k]))('%s comes after everything it needs', (kind) => {
    for (const p of prerequisites(kind)) expect(LEVELS[p]).toBeLessThan(LEVELS[kind]);
  });

  it('routes legacy association paths to their link kinds', () => {
    expect(parsePath(`${SERVICE}/products/p1/apis/a1`)?.route).toEqual({ type: 'legacyItem', kind: 'productApiLink', parentNames: ['p1'], targetNames: ['a1'] });
    expect(parsePath(`${SERVICE}/apis/a1/tags/t1`)?.route).toEqual({ type: 'legacyItem', kind: 'tagApiLink', parentNames: ['a1'], targetNames: ['t1'] });
    expect(parsePath(`${SERVICE}/apis/a%3Brev%3D2/operations/o1/tags/t1`)?.route).toEqual({ type: 'legacyItem', kind: 'tagOperationLink', parentNames: ['a;rev=2', 'o1'], targetNames: ['t1'] });
  });

  it('places artifacts in the APIOps v7 folders', () => {
    expect(artifactFolder('apiOperationPolicy', ['petstore', 'getPets', 'policy'])).toBe('apis/petstore/operations/getPets');
    expect(artifactFolder('namedValue', ['env'])).toBe('named values/env');
    expect(artifactFolder('servicePolicy', ['policy'])).toBe('');
    expect(artifactFolder('tagProductLink', ['t1', 'p1'])).toBe('tags/t1/products/p1');
    expect(ancestry('apiOperationPolicy')).toEqual(['api', 'apiOperation', 'apiOperationPolicy']);
  });

  it('has no kind outside KIND_NAMES', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...KIND_NAMES].sort());
  });
});
