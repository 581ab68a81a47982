// Per-target overrides in the APIOps v7 `configuration.<env>.yaml` format: entries matched by resource name under
// the kind's configuration key, children nested under their parent's entry (`apis → <name> → diagnostics → …`,
// new in v7), `properties` deep-merged into the resource just before it is written (`ResolveGetDto` →
// `dto.MergeWith(override)`, src/publisher/Resource.cs).
import { type Kind, childKinds, kindSpec } from '../kinds.ts';
import { type Json, type JsonObject, type Resource, State } from '../state.ts';
import { CONFIG_SCHEMAS } from '../../schemas/index.ts';
import { namesProblem } from '../files/names.ts';
import { isJsonObject } from '../files/json.ts';
import { type Finding, finding, sortFindings } from '../validate/findings.ts';
import { type Loaded, orThrow, parseYamlText, readYamlFile, schemaFindings } from './load.ts';
import type { YamlDocument } from './yaml.ts';

export interface OverrideEntry {
  kind: Kind;
  names: string[];
  properties?: JsonObject;
  /** where the entry is (its `name`), for findings */
  at: { file: string; line: number; column: number };
  /** YAML path of the entry, for locating its members */
  path: (string | number)[];
}

export interface Overrides {
  file: string;
  entries: OverrideEntry[];
  /** the parsed document, to locate members of entries */
  doc: YamlDocument;
}

/** Keys of the format that are not resource collections. */
const NON_RESOURCE_KEYS = new Set(['$schema', 'apimServiceName', 'workspaces']);

/** Properties APIOps strips from overrides before merging (the revision a root folder holds is fixed by the files). */
export const IGNORED_OVERRIDE_PROPERTIES: Partial<Record<Kind, readonly string[]>> = {
  api: ['apiRevision', 'isCurrent'],
};

export function parseOverrides(text: string, file: string): Loaded<Overrides> {
  const findings: Finding[] = [];
  const parsed = parseYamlText(text, file, findings);
  if (!parsed) return { findings };
  return fromDocument(parsed.doc, file, findings);
}

export async function loadOverrides(file: string): Promise<Loaded<Overrides>> {
  const findings: Finding[] = [];
  const parsed = await readYamlFile(file, findings);
  if (!parsed) return { findings };
  return fromDocument(parsed.doc, file, findings);
}

export async function readOverrides(file: string): Promise<Overrides> {
  return orThrow(await loadOverrides(file));
}

function fromDocument(doc: YamlDocument, file: string, findings: Finding[]): Loaded<Overrides> {
  const schemaProblems = schemaFindings(CONFIG_SCHEMAS.overrides, doc, file);
  findings.push(...schemaProblems);
  if (schemaProblems.length > 0 || (doc.value !== null && doc.value !== undefined && !isJsonObject(doc.value as Json))) return { findings };
  const root = (doc.value ?? {}) as JsonObject;
  const entries: OverrideEntry[] = [];
  const seen = new Map<string, number>();
  if (root.workspaces !== undefined) {
    findings.push(finding('unsupported', { file, ...doc.locate(['workspaces']) }, 'workspace overrides are ignored: apiops does not manage workspaces yet'));
  }
  const visit = (parent: Kind | null, parentNames: string[], holder: JsonObject, path: (string | number)[]): void => {
    for (const [key, list] of Object.entries(holder)) {
      if (key === 'name' || key === 'properties' || (parent === null && NON_RESOURCE_KEYS.has(key))) continue;
      const kind = childKinds(parent).find((k) => kindSpec(k).configKey === key);
      if (!kind || !Array.isArray(list)) continue; // the schema already reported it
      list.forEach((item, index) => {
        if (!isJsonObject(item) || typeof item.name !== 'string') return;
        const itemPath = [...path, key, index];
        const names = [...parentNames, item.name];
        const at = { file, ...doc.locate([...itemPath, 'name']) };
        const bad = namesProblem(kind, names);
        if (bad && bad.index === names.length - 1) {
          findings.push(finding('invalid-name', at, `the ${kindSpec(kind).title} name '${item.name}' ${bad.problem}`));
          return;
        }
        const identity = JSON.stringify([kind, ...names.map((n) => n.toLowerCase())]);
        const first = seen.get(identity);
        if (first !== undefined) {
          findings.push(finding('duplicate-resource', at, `overrides the ${kindSpec(kind).title} '${names.join('/')}' again (first at line ${first}); both are merged, the later one last`));
        } else seen.set(identity, at.line);
        const entry: OverrideEntry = { kind, names, at, path: itemPath };
        if (isJsonObject(item.properties)) {
          entry.properties = item.properties;
          for (const ignored of IGNORED_OVERRIDE_PROPERTIES[kind] ?? []) {
            if (item.properties[ignored] !== undefined) {
              findings.push(
                finding('ignored-override', { file, ...doc.locate([...itemPath, 'properties', ignored]) }, `properties.${ignored} is ignored: the artifacts fix which revision a folder holds`),
              );
            }
          }
        }
        entries.push(entry);
        visit(kind, names, item, itemPath);
      });
    }
  };
  visit(null, [], root, []);
  return { value: { file, entries, doc }, findings: sortFindings(findings) };
}

/**
 * Deep merge as APIOps does it: objects merge member by member, anything else (arrays, strings, null) replaces.
 */
export function mergeProperties(base: JsonObject, override: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isJsonObject(value) && isJsonObject(current) ? mergeProperties(current, value) : value;
  }
  return result;
}

/** A new State with the entries' properties merged into the resources they name; entries naming nothing are skipped. */
export function applyOverrides(state: State, entries: readonly OverrideEntry[]): State {
  const result = State.from(state.list());
  for (const entry of entries) {
    if (!entry.properties) continue;
    const resource = result.get(entry.kind, entry.names);
    if (!resource) continue;
    const override = { ...entry.properties };
    for (const ignored of IGNORED_OVERRIDE_PROPERTIES[entry.kind] ?? []) delete override[ignored];
    const merged: Resource = { ...resource, properties: mergeProperties(resource.properties, override) };
    result.put(merged);
  }
  return result;
}
