// The extractor filter, `configuration.extractor.yaml` (APIOps src/extractor/Configuration.cs): a key that is
// absent extracts everything of that type, a list only the named resources, `[]` nothing. An entry is a name or a
// single-key map from a name to filters of its children. API names match every revision (`api;rev=N`), and a link
// is extracted only when the resource it links to is too (APIOps v7.0.3, #858).
import { type Kind, ancestry, kindSpec } from '../kinds.ts';
import { CONFIG_SCHEMAS } from '../../schemas/index.ts';
import { linkTargetNames } from '../files/layout.ts';
import { type Finding, finding, sortFindings } from '../validate/findings.ts';
import { type Loaded, orThrow, parseYamlText, readYamlFile, schemaFindings } from './load.ts';
import type { YamlDocument } from './yaml.ts';

interface FilterItem {
  pattern: RegExp;
  children?: FilterNode;
}
type FilterNode = Map<string, FilterItem[]>;

export interface ExtractorFilter {
  /** does the filter let this resource through? */
  includes(kind: Kind, names: readonly string[]): boolean;
}

/** Extracts everything. */
export const NO_FILTER: ExtractorFilter = { includes: () => true };

/** APIOps v6 used `apiNames`, `backendNames`, …; v7 renamed them to the collection keys (PR #844). */
function v7Key(key: string): string | undefined {
  const m = /^(.+)Names$/.exec(key);
  return m ? `${m[1]}s` : undefined;
}

/** A name or a `*` / `?` wildcard pattern, matched case-insensitively as APIM names compare. */
function namePattern(name: string): RegExp {
  const escaped = name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

export function parseExtractorFilter(text: string, file: string): Loaded<ExtractorFilter> {
  const findings: Finding[] = [];
  const parsed = parseYamlText(text, file, findings);
  return parsed ? fromDocument(parsed.doc, file, findings) : { findings };
}

export async function loadExtractorFilter(file: string): Promise<Loaded<ExtractorFilter>> {
  const findings: Finding[] = [];
  const parsed = await readYamlFile(file, findings);
  return parsed ? fromDocument(parsed.doc, file, findings) : { findings };
}

export async function readExtractorFilter(file: string): Promise<ExtractorFilter> {
  return orThrow(await loadExtractorFilter(file));
}

function fromDocument(doc: YamlDocument, file: string, findings: Finding[]): Loaded<ExtractorFilter> {
  const problems = schemaFindings(CONFIG_SCHEMAS.extractorFilter, doc, file);
  findings.push(...problems);
  if (problems.length > 0) return { findings };
  const root = (doc.value ?? {}) as Record<string, unknown>;
  const node: FilterNode = new Map();
  for (const [key, list] of Object.entries(root)) {
    if (key === '$schema') continue;
    if (key === 'workspaces') {
      findings.push(finding('unsupported', { file, ...doc.locate([key]) }, 'workspace filters are ignored: apiops does not manage workspaces yet'));
      continue;
    }
    const renamed = v7Key(key);
    if (renamed !== undefined) findings.push(finding('deprecated-key', { file, ...doc.locate([key]) }, `'${key}' is the APIOps v6 spelling; use '${renamed}'`));
    node.set(renamed ?? key, items(list as unknown[]));
  }
  return { value: filterOf(node), findings: sortFindings(findings) };
}

function items(list: readonly unknown[]): FilterItem[] {
  return list.map((item) => {
    if (typeof item === 'string') return { pattern: namePattern(item) };
    const [name, nested] = Object.entries(item as Record<string, Record<string, unknown[]>>)[0] as [string, Record<string, unknown[]>];
    const children: FilterNode = new Map();
    for (const [key, childList] of Object.entries(nested ?? {})) children.set(key, items(childList));
    return { pattern: namePattern(name), children };
  });
}

function filterOf(root: FilterNode): ExtractorFilter {
  const chainIncludes = (kind: Kind, names: readonly string[]): boolean => {
    let node: FilterNode | undefined = root;
    const chain = ancestry(kind);
    for (let i = 0; i < chain.length && node; i += 1) {
      const key = kindSpec(chain[i] as Kind).configKey;
      const list: FilterItem[] | undefined = key === null ? undefined : node.get(key);
      if (list === undefined) {
        node = undefined;
        break;
      }
      const name = (names[i] ?? '').replace(/;rev=\d+$/, '');
      const match: FilterItem | undefined = list.find((item) => item.pattern.test(name));
      if (!match) return false;
      node = match.children;
    }
    return true;
  };
  return {
    includes(kind, names) {
      if (!chainIncludes(kind, names)) return false;
      const link = kindSpec(kind).link;
      const target = linkTargetNames(kind, names);
      return !link || target === null || chainIncludes(link.target, target);
    },
  };
}

