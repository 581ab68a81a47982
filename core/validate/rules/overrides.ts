// Override entries (configuration.<target>.yaml) against the artifacts: every entry must name a resource the
// repository has (a misspelt name is otherwise silently ignored and production runs with the wrong value), its
// properties must fit the kind's schema, and secret values must come from `{#tokens#}`, not literals.
import { KIND_SCHEMAS, type KindSchema } from '../../../schemas/index.ts';
import { type Kind, kindSpec } from '../../kinds.ts';
import { secretLiterals } from '../../files/secrets.ts';
import { type OverrideEntry, type Overrides, mergeProperties } from '../../config/overrides.ts';
import { pointerPath } from '../../config/yaml.ts';
import { type Json, resourceKey } from '../../state.ts';
import { finding } from '../findings.ts';
import { checkSchema } from '../schema-check.ts';
import type { ValidationContext } from '../context.ts';

/** A value that does not commit the secret itself: a `{#token#}` substituted at publish time, or a `{{named value}}`. */
const INDIRECT = /^\s*(\{#[^#]+#\}|\{\{[^{}]+\}\})\s*$/;

function valueAt(value: Json | undefined, path: string): Json | undefined {
  let current = value;
  for (const part of path.split('.')) current = current !== null && typeof current === 'object' && !Array.isArray(current) ? current[part] : undefined;
  return current;
}

function allIndirect(value: Json | undefined): boolean {
  if (typeof value === 'string') return INDIRECT.test(value);
  if (value === null || typeof value !== 'object') return value === undefined || value === null;
  return (Array.isArray(value) ? value : Object.values(value)).every(allIndirect);
}

export function checkOverrides(ctx: ValidationContext, overrides: Overrides): void {
  const missing: string[][] = [];
  for (const entry of overrides.entries) {
    // entries come parent first: under a missing parent, only the parent is reported
    if (missing.some((m) => m.length < entry.names.length && m.every((n, i) => entry.names[i] === n))) continue;
    if (!entryExists(ctx, entry)) {
      missing.push(entry.names);
      ctx.findings.push(
        finding('missing-override-target', entry.at, `overrides ${kindSpec(entry.kind).title} '${entry.names.join('/')}', which is not in the artifacts (names are resource names, not display names)`),
      );
      continue;
    }
    if (!entry.properties) continue;
    const schema: KindSchema = KIND_SCHEMAS[entry.kind];
    if (schema.schema !== null) {
      for (const problem of checkSchema(schema.schema, entry.properties, 'properties')) {
        const at = { file: overrides.file, ...overrides.doc.locate([...entry.path, 'properties', ...pointerPath(problem.pointer)]) };
        ctx.findings.push(finding('schema', at, problem.pointer === '' ? problem.message.replace(/^the document/, 'properties') : `properties.${problem.message}`));
      }
    }
    const resource = ctx.state.get(entry.kind, entry.names);
    const merged = mergeProperties(resource?.properties ?? {}, entry.properties);
    for (const path of secretLiterals(entry.kind, merged)) {
      const given = valueAt(entry.properties, path);
      if (given === undefined || allIndirect(given)) continue;
      const at = { file: overrides.file, ...overrides.doc.locate([...entry.path, 'properties', ...path.split('.')]) };
      ctx.findings.push(finding('secret-literal', at, `properties.${path} is a secret written in clear text; use a {#TOKEN#} placeholder filled from the environment at publish time`));
    }
  }
}

function entryExists(ctx: ValidationContext, entry: OverrideEntry): boolean {
  if (kindSpec(entry.kind).artifact.file !== null) return ctx.exists(entry.kind, entry.names);
  // operations have no file: they exist through the specification, or at least through a policy folder
  const parent = kindSpec(entry.kind).parent as Kind;
  if (!ctx.exists(parent, entry.names.slice(0, -1))) return false;
  const known = ctx.operations.get(resourceKey(parent, entry.names.slice(0, -1)));
  const name = (entry.names[entry.names.length - 1] ?? '').toLowerCase();
  return known?.has(name) === true || ctx.children('apiOperationPolicy', entry.names).length > 0 || known === undefined;
}
