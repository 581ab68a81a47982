// Where every resource lives in an artifacts folder, derived from the kinds table: a kind's collection folder
// under its parent's folder, then the resource's name, then its file (APIOps `GetCollectionDirectoryInfo`,
// `GetInformationFile`, src/common/Resource.FileSystem.cs). Older generations are described here too, also derived
// from the table: v6 kept tag links under the tagged API or product (`apis/<a>/tags/<t>/apiTagInformation.json`,
// the link kinds' `legacyRoute` + `legacyFiles`), and v4/v5 kept links as `<folder>.json` arrays of `{"name": …}`.
import { type Kind, KIND_NAMES, ancestry, artifactFolder, childKinds, kindSpec } from '../kinds.ts';
import type { ApiSpecification } from '../state.ts';

/** The parts of a resource that live in a file of their own. */
export type FileRole = 'information' | 'policy' | 'specification' | 'fragmentPolicy';

/** A document kept next to a resource's information file (APIOps Api.cs / ApiSpecification.cs, PolicyFragment.cs). */
export interface Companion {
  role: 'specification' | 'fragmentPolicy';
  /** properties the companion file holds, so the information file does not (FormatInformationFileDto strips them) */
  heldProperties: readonly string[];
}

/** Kinds whose resources carry a second file; keyed by Kind so no code asks `kind === 'api'`. */
export const COMPANIONS: Partial<Record<Kind, Companion>> = {
  api: { role: 'specification', heldProperties: [] },
  policyFragment: { role: 'fragmentPolicy', heldProperties: ['value', 'format'] },
};

export const FRAGMENT_POLICY_FILE = 'policy.xml';

export type SpecFormat = ApiSpecification['format'];

/**
 * Specification files in the order the APIOps publisher probes them (graphql, wsdl, wadl, json, yaml — only these
 * exact names; `.yml` is never found, ApiSpecification.cs).
 */
export const SPECIFICATION_FILES: readonly { file: string; formats: readonly SpecFormat[] }[] = [
  { file: 'specification.graphql', formats: ['graphql'] },
  { file: 'specification.wsdl', formats: ['wsdl'] },
  { file: 'specification.wadl', formats: ['wadl'] },
  { file: 'specification.json', formats: ['openapi-json', 'swagger-json'] },
  { file: 'specification.yaml', formats: ['openapi-yaml', 'swagger-yaml'] },
];

export function specificationFile(format: SpecFormat): string {
  const entry = SPECIFICATION_FILES.find((s) => s.formats.includes(format));
  if (!entry) throw new Error(`no specification file for format ${format}`);
  return entry.file;
}

/** Tells OpenAPI 3 from Swagger 2 by the document's version member; the file name says only JSON or YAML. */
export function sniffSpecificationFormat(file: string, text: string): SpecFormat {
  const head = text.slice(0, 4096);
  if (file.endsWith('.json')) return /"swagger"\s*:/.test(head) ? 'swagger-json' : 'openapi-json';
  if (file.endsWith('.yaml')) return /^\s*["']?swagger["']?\s*:/m.test(head) ? 'swagger-yaml' : 'openapi-yaml';
  const entry = SPECIFICATION_FILES.find((s) => s.file === file);
  return entry?.formats[0] ?? 'openapi-yaml';
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** The folder of a resource (singletons such as policies: their parent's folder). */
export function resourceFolder(kind: Kind, names: readonly string[]): string {
  return artifactFolder(kind, names);
}

/** The v7 path of the file that carries a resource itself (information, link or policy file), or null. */
export function primaryPath(kind: Kind, names: readonly string[]): string | null {
  const file = kindSpec(kind).artifact.file;
  return file === null ? null : joinPath(resourceFolder(kind, names), file);
}

export function primaryRole(kind: Kind): FileRole | null {
  const content = kindSpec(kind).artifact.content;
  if (content === 'xml') return 'policy';
  if (content === 'json' || content === 'link') return 'information';
  return null;
}

/** The v7 path of a companion document. */
export function companionPath(kind: Kind, names: readonly string[], role: Companion['role'], format?: SpecFormat): string {
  const folder = resourceFolder(kind, names);
  if (role === 'fragmentPolicy') return joinPath(folder, FRAGMENT_POLICY_FILE);
  return joinPath(folder, specificationFile(format ?? 'openapi-yaml'));
}

/** How the reader treats an entry of a resource's folder. */
export interface FolderPlan {
  /** the resource's own file names (v7 first, then legacy names) */
  ownFiles: ReadonlyMap<string, { legacy: boolean }>;
  /** child kinds kept as a single file in this folder (policies) */
  singletons: ReadonlyMap<string, Kind>;
  /** child kinds' collection folders */
  collections: ReadonlyMap<string, Kind>;
  /** v6: links of another parent kept under this (target) resource, `tags/<t>/apiTagInformation.json` */
  reverseLinkFolders: ReadonlyMap<string, { kind: Kind; files: readonly string[] }>;
  /** v4/v5: `<folder>.json` arrays of `{"name": …}` links; `reverse` when this resource is the link's target */
  linkArrays: ReadonlyMap<string, { kind: Kind; reverse: boolean }>;
}

function buildPlan(kind: Kind | null): FolderPlan {
  const ownFiles = new Map<string, { legacy: boolean }>();
  if (kind !== null) {
    const art = kindSpec(kind).artifact;
    if (art.file !== null && art.folder !== null) ownFiles.set(art.file, { legacy: false });
    for (const legacy of art.legacyFiles ?? []) ownFiles.set(legacy, { legacy: true });
  }
  const singletons = new Map<string, Kind>();
  const collections = new Map<string, Kind>();
  const linkArrays = new Map<string, { kind: Kind; reverse: boolean }>();
  for (const child of childKinds(kind)) {
    const art = kindSpec(child).artifact;
    if (art.folder === null) {
      if (art.file !== null) singletons.set(art.file, child);
      continue;
    }
    collections.set(art.folder, child);
    if (art.content === 'link') linkArrays.set(`${art.folder}.json`, { kind: child, reverse: false });
  }
  const reverseLinkFolders = new Map<string, { kind: Kind; files: readonly string[] }>();
  if (kind !== null) {
    for (const linkKind of KIND_NAMES) {
      const spec = kindSpec(linkKind);
      const route = spec.link?.legacyRoute;
      if (!spec.link || !route || route.parent !== kind || route.parent === spec.parent || spec.link.target !== kind) continue;
      const files = spec.artifact.legacyFiles ?? [];
      if (files.length === 0) continue;
      reverseLinkFolders.set(route.segment, { kind: linkKind, files });
      linkArrays.set(`${route.segment}.json`, { kind: linkKind, reverse: true });
    }
  }
  return { ownFiles, singletons, collections, reverseLinkFolders, linkArrays };
}

const PLANS = new Map<Kind | null, FolderPlan>();

export function folderPlan(kind: Kind | null): FolderPlan {
  let plan = PLANS.get(kind);
  if (!plan) {
    plan = buildPlan(kind);
    PLANS.set(kind, plan);
  }
  return plan;
}

/** Names of a link's target, taken from the link's own names (the part after the link's parent). */
export function linkTargetNames(kind: Kind, names: readonly string[]): string[] | null {
  const spec = kindSpec(kind);
  if (!spec.link || spec.parent === null) return null;
  const target = names.slice(ancestry(spec.parent).length);
  return target.length === ancestry(spec.link.target).length ? target : null;
}

/** Folders at the root that belong to resource types apiops does not manage (APIOps v7 workspaces). */
export const UNSUPPORTED_ROOT_FOLDERS: ReadonlyMap<string, string> = new Map([
  ['workspaces', 'workspaces are not managed by apiops yet; the folder is not read'],
]);
