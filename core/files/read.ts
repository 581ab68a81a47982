// Reads an artifacts folder into a State: the APIOps v7 layout, the v6 layout (tag links under the tagged API or
// product, absolute ids), the v4/v5 layout (`apis.json`/`groups.json`/`tags.json` arrays,
// `apiVersionSetInformation.json`), and any mix of them. Nothing here throws on bad content: every problem becomes
// a finding and the rest of the folder is still read, so one broken file never hides the others.
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Kind, kindSpec } from '../kinds.ts';
import { type Json, type JsonObject, type Resource, type ResourceKey, State, resourceKey } from '../state.ts';
import { type Finding, finding } from '../validate/findings.ts';
import { isJsonObject, parseJson } from './json.ts';
import { relativeId, relativizeId } from './ids.ts';
import {
  COMPANIONS,
  FRAGMENT_POLICY_FILE,
  type FileRole,
  SPECIFICATION_FILES,
  UNSUPPORTED_ROOT_FOLDERS,
  folderPlan,
  joinPath,
  linkTargetNames,
  sniffSpecificationFormat,
} from './layout.ts';
import { namesProblem } from './names.ts';
import { decodeText, lineColumn, normalizeDocument } from './text.ts';

/** Larger files are refused: APIM caps policies at 256 KiB and spec imports at a few MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type FileShape = FileRole | 'linkArray';

/** A recognised file of the artifacts folder and what it contributed. */
export interface ArtifactFile {
  /** POSIX path relative to the artifacts root */
  path: string;
  shape: FileShape;
  kind: Kind;
  /** the resources the file describes (several for a v4/v5 link array) */
  keys: ResourceKey[];
  /** the decoded text ('' when the file is not text) */
  text: string;
  /** the parsed document of a JSON file */
  json?: Json;
  /** written by an older APIOps generation (legacy file name or location) */
  legacy: boolean;
  /** the file could not be used (not text, not parseable, wrong shape) */
  broken: boolean;
}

export interface ReadResult {
  root: string;
  state: State;
  /** every recognised file, by path */
  files: Map<string, ArtifactFile>;
  /** for each resource of the State, the file that holds each of its parts */
  origins: Map<ResourceKey, Partial<Record<FileRole, string>>>;
  /** resources whose file exists but could not be read: references to them are not reported again */
  unreadable: Set<ResourceKey>;
  findings: Finding[];
}

export interface ReadOptions {
  /** how many files are read between two yields to the event loop */
  batch?: number;
  /** files larger than this are reported, not parsed (default MAX_FILE_BYTES) */
  maxFileBytes?: number;
}

interface Job {
  path: string;
  shape: FileShape;
  kind: Kind;
  names: string[];
  legacy: boolean;
  /** the link kind's array is addressed from its target (v4/v5 `apis/<a>/tags.json`) */
  reverse?: boolean;
  bytes?: Uint8Array;
}

/** A resource being assembled from its files. */
interface Pending {
  kind: Kind;
  names: string[];
  properties?: JsonObject;
  extra?: JsonObject;
  companion?: { role: FileRole; path: string; value: string };
  specification?: Resource['specification'];
  own?: { path: string; shape: FileShape; legacy: boolean };
}

export async function readArtifacts(root: string, options: ReadOptions = {}): Promise<ReadResult> {
  const findings: Finding[] = [];
  const jobs: Job[] = [];
  walk({ root, findings, jobs }, null, [], '');
  await readAll(root, jobs, options.batch ?? 100, findings);
  return assemble(root, jobs, findings, options.maxFileBytes ?? MAX_FILE_BYTES);
}

interface WalkContext {
  root: string;
  findings: Finding[];
  jobs: Job[];
}

// The folder is walked and read with synchronous calls: tens of thousands of small files read several times
// faster that way than through fs/promises (open, fstat, read and close each a round trip through the
// thread pool); readAll yields to the event loop between batches so that a caller's other work keeps going.
function list(ctx: WalkContext, rel: string): Dirent[] {
  try {
    const entries = readdirSync(join(ctx.root, rel), { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    ctx.findings.push(finding('unknown-folder', { file: rel || '.' }, `the folder cannot be read (${errorCode(error)})`, 'error'));
    return [];
  }
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'error';
}

/** Walks the folder of a resource of `kind` (the root when null), classifying every entry by the folder plan. */
function walk(ctx: WalkContext, kind: Kind | null, names: string[], rel: string): void {
  const plan = folderPlan(kind);
  const companion = kind ? COMPANIONS[kind] : undefined;
  for (const entry of list(ctx, rel)) {
    const path = joinPath(rel, entry.name);
    if (entry.name.startsWith('.')) continue; // .git, .gitkeep, editor files
    if (entry.isSymbolicLink()) {
      ctx.findings.push(finding('unknown-file', { file: path }, 'is a symbolic link; links are not followed, a link could point outside the artifacts folder'));
      continue;
    }
    if (entry.isFile()) {
      const own = plan.ownFiles.get(entry.name);
      if (kind && own) {
        ctx.jobs.push({ path, shape: 'information', kind, names, legacy: own.legacy });
        continue;
      }
      const singleton = plan.singletons.get(entry.name);
      if (singleton) {
        ctx.jobs.push({ path, shape: 'policy', kind: singleton, names: [...names, kindSpec(singleton).arm.fixedName ?? entry.name], legacy: false });
        continue;
      }
      if (kind && companion?.role === 'fragmentPolicy' && entry.name === FRAGMENT_POLICY_FILE) {
        ctx.jobs.push({ path, shape: 'fragmentPolicy', kind, names, legacy: false });
        continue;
      }
      if (kind && companion?.role === 'specification' && SPECIFICATION_FILES.some((s) => s.file === entry.name)) {
        ctx.jobs.push({ path, shape: 'specification', kind, names, legacy: false });
        continue;
      }
      const array = plan.linkArrays.get(entry.name);
      if (array) {
        ctx.jobs.push({ path, shape: 'linkArray', kind: array.kind, names, legacy: true, reverse: array.reverse });
        continue;
      }
      const hint = companion?.role === 'specification' && /^specification\.yml$/i.test(entry.name) ? ' (APIOps reads only specification.yaml)' : '';
      ctx.findings.push(finding('unknown-file', { file: path }, `is not an APIOps artifact file and is ignored${hint}`));
      continue;
    }
    if (!entry.isDirectory()) continue;
    const collection = plan.collections.get(entry.name);
    if (collection) {
      walkCollection(ctx, collection, names, path);
      continue;
    }
    const reverse = plan.reverseLinkFolders.get(entry.name);
    if (reverse) {
      walkReverseLinks(ctx, reverse, names, path);
      continue;
    }
    const unsupported = kind === null ? UNSUPPORTED_ROOT_FOLDERS.get(entry.name) : undefined;
    if (unsupported) {
      ctx.findings.push(finding('unsupported', { file: path }, unsupported));
      continue;
    }
    ctx.findings.push(finding('unknown-folder', { file: path }, 'is not an APIOps artifact folder and is not read'));
  }
}

/** A collection folder (`apis/`, `named values/`): every sub-folder is one resource named after the folder. */
function walkCollection(ctx: WalkContext, kind: Kind, parentNames: string[], rel: string): void {
  for (const entry of list(ctx, rel)) {
    const path = joinPath(rel, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (!entry.isDirectory() || entry.isSymbolicLink()) {
      ctx.findings.push(finding('unknown-file', { file: path }, `is not an APIOps artifact file: a ${kindSpec(kind).title} is a folder holding its files`));
      continue;
    }
    const names = [...parentNames, entry.name];
    const bad = namesProblem(kind, names);
    if (bad && bad.index === names.length - 1) {
      ctx.findings.push(finding('invalid-name', { file: path }, `the ${kindSpec(kind).title} name '${entry.name}' ${bad.problem}; the folder is not read`));
      continue;
    }
    walk(ctx, kind, names, path);
  }
}

/** v6: `apis/<a>/tags/<t>/apiTagInformation.json` is the tag↔API link [t, a]. */
function walkReverseLinks(ctx: WalkContext, spec: { kind: Kind; files: readonly string[] }, targetNames: string[], rel: string): void {
  const parentKind = kindSpec(spec.kind).parent as Kind;
  for (const entry of list(ctx, rel)) {
    const path = joinPath(rel, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (!entry.isDirectory() || entry.isSymbolicLink()) {
      ctx.findings.push(finding('unknown-file', { file: path }, 'is not an APIOps artifact file'));
      continue;
    }
    const names = [entry.name, ...targetNames];
    const bad = namesProblem(parentKind, [entry.name]);
    if (bad) {
      ctx.findings.push(finding('invalid-name', { file: path }, `the ${kindSpec(parentKind).title} name '${entry.name}' ${bad.problem}; the folder is not read`));
      continue;
    }
    for (const file of list(ctx, path)) {
      const filePath = joinPath(path, file.name);
      if (file.name.startsWith('.')) continue;
      if (file.isFile() && spec.files.includes(file.name)) ctx.jobs.push({ path: filePath, shape: 'information', kind: spec.kind, names, legacy: true });
      else ctx.findings.push(finding(file.isDirectory() ? 'unknown-folder' : 'unknown-file', { file: filePath }, 'is not an APIOps artifact and is ignored'));
    }
  }
}

async function readAll(root: string, jobs: Job[], batch: number, findings: Finding[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1) {
    if (i > 0 && i % batch === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const job = jobs[i] as Job;
    try {
      job.bytes = readFileSync(join(root, job.path));
    } catch (error) {
      const code = errorCode(error);
      findings.push(
        code === 'ERR_FS_FILE_TOO_LARGE'
          ? finding('file-too-large', { file: job.path }, 'is too large to read')
          : finding('encoding', { file: job.path }, `cannot be read (${code})`),
      );
    }
  }
}

function assemble(root: string, jobs: Job[], findings: Finding[], maxFileBytes: number): ReadResult {
  const files = new Map<string, ArtifactFile>();
  const partials = new Map<ResourceKey, Pending>();
  const unreadable = new Set<ResourceKey>();
  const crlf: string[] = [];

  const partialFor = (kind: Kind, names: string[]): Pending => {
    const key = resourceKey(kind, names);
    let p = partials.get(key);
    if (!p) {
      p = { kind, names };
      partials.set(key, p);
    }
    return p;
  };

  // own files first, so that a duplicate (v7 and legacy file of one resource) is decided before companions attach
  const ranked = jobs.map((job) => ({ job, rank: shapeRank(job) }));
  ranked.sort((a, b) => a.rank - b.rank || (a.job.path < b.job.path ? -1 : a.job.path > b.job.path ? 1 : 0));
  const ordered = ranked.map((r) => r.job);
  for (const job of ordered) {
    if (!job.bytes) continue;
    const file: ArtifactFile = { path: job.path, shape: job.shape, kind: job.kind, keys: [], text: '', legacy: job.legacy, broken: false };
    files.set(job.path, file);
    if (job.bytes.length > maxFileBytes) {
      findings.push(finding('file-too-large', { file: job.path }, `is larger than the ${maxFileBytes} bytes an artifact may have`));
      file.broken = true;
      markUnreadable(job, unreadable);
      continue;
    }
    const decoded = decodeText(job.bytes);
    if (decoded.notText !== undefined) {
      findings.push(finding('encoding', { file: job.path }, decoded.notText));
      file.broken = true;
      markUnreadable(job, unreadable);
      continue;
    }
    file.text = decoded.text;
    if (decoded.bom) findings.push(finding('bom', { file: job.path }, 'starts with a UTF-8 byte order mark; it is accepted, but JSON forbids one and apiops writes files without'));
    if (decoded.crlf) crlf.push(job.path);

    if (job.shape === 'policy') {
      file.keys.push(resourceKey(job.kind, job.names));
      const p = partialFor(job.kind, job.names);
      if (claim(p, job, findings)) p.properties = { format: 'rawxml', value: normalizeDocument(decoded.text) };
      continue;
    }
    if (job.shape === 'fragmentPolicy' || job.shape === 'specification') {
      file.keys.push(resourceKey(job.kind, job.names));
      const p = partialFor(job.kind, job.names);
      if (job.shape === 'specification') {
        const name = job.path.slice(job.path.lastIndexOf('/') + 1);
        if (p.specification) {
          findings.push(finding('ignored-file', { file: job.path }, `is ignored: APIOps reads the first of ${SPECIFICATION_FILES.map((s) => s.file).join(', ')} that exists`));
          continue;
        }
        p.specification = { format: sniffSpecificationFormat(name, decoded.text), content: normalizeDocument(decoded.text) };
      }
      p.companion = { role: job.shape, path: job.path, value: normalizeDocument(decoded.text) };
      continue;
    }

    // JSON: information, link and link-array files
    const parsed = parseJson(decoded.text);
    if (!parsed.ok) {
      const at = lineColumn(decoded.text, parsed.error.offset);
      findings.push(finding('json-syntax', { file: job.path, ...at }, `is not valid JSON: ${parsed.error.message}`));
      file.broken = true;
      markUnreadable(job, unreadable);
      continue;
    }
    file.json = parsed.value;
    for (const dup of parsed.duplicates) {
      const at = lineColumn(decoded.text, dup.offset);
      findings.push(finding('json-duplicate-key', { file: job.path, ...at }, `property '${dup.key}' appears twice in the same object; tools disagree on which one wins`));
    }
    if (job.shape === 'linkArray') {
      readLinkArray(job, file, findings, (names, extra) => {
        const p = partialFor(job.kind, names);
        if (!claim(p, job, findings)) return;
        p.properties = impliedLinkProperties(job.kind, names, {});
        if (extra) p.extra = extra;
      });
      continue;
    }
    file.keys.push(resourceKey(job.kind, job.names));
    const info = splitInformation(parsed.value);
    if (!info) {
      // the schema rule explains what is wrong with the shape
      file.broken = true;
      markUnreadable(job, unreadable);
      continue;
    }
    const p = partialFor(job.kind, job.names);
    if (!claim(p, job, findings)) continue;
    p.properties = relativizeReferences(job.kind, kindSpec(job.kind).link ? impliedLinkProperties(job.kind, job.names, info.properties) : info.properties);
    if (info.extra) p.extra = info.extra;
  }

  if (crlf.length > 0) {
    const others = crlf.length - 1;
    findings.push(
      finding(
        'line-endings',
        { file: crlf.sort()[0] as string },
        `uses CRLF line endings${others > 0 ? ` (and ${others} other file${others > 1 ? 's' : ''})` : ''}; they are read fine, apiops writes LF (a .gitattributes line '* text=auto eol=lf' keeps checkouts stable)`,
      ),
    );
  }

  const state = new State();
  const origins = new Map<ResourceKey, Partial<Record<FileRole, string>>>();
  for (const [key, p] of partials) {
    if (!p.own || !p.properties) {
      if (p.companion && !unreadable.has(key)) {
        const own = kindSpec(p.kind).artifact.file;
        findings.push(finding('missing-information-file', { file: p.companion.path }, `has no ${own} next to it, so the ${kindSpec(p.kind).title} is not read`));
      }
      continue;
    }
    const properties = { ...p.properties };
    const companion = COMPANIONS[p.kind];
    if (companion?.role === 'fragmentPolicy') {
      for (const held of companion.heldProperties) delete properties[held];
      if (p.companion) Object.assign(properties, { format: 'rawxml', value: p.companion.value });
    }
    const resource: Resource = { kind: p.kind, names: p.names, properties };
    if (p.extra) resource.extra = p.extra;
    if (p.specification) resource.specification = p.specification;
    state.put(resource);
    const roles: Partial<Record<FileRole, string>> = { [p.own.shape === 'policy' ? 'policy' : 'information']: p.own.path };
    if (p.companion) roles[p.companion.role] = p.companion.path;
    origins.set(key, roles);
  }
  return { root, state, files, origins, unreadable, findings };
}

/** Own files first, then link arrays, then companions; specifications in the order APIOps probes them. */
function shapeRank(job: Job): number {
  if (job.shape === 'information' || job.shape === 'policy') return 0;
  if (job.shape === 'linkArray') return 1;
  if (job.shape !== 'specification') return 2;
  const name = job.path.slice(job.path.lastIndexOf('/') + 1);
  return 3 + SPECIFICATION_FILES.findIndex((s) => s.file === name);
}

function markUnreadable(job: Job, unreadable: Set<ResourceKey>): void {
  if (job.shape === 'information' || job.shape === 'policy') unreadable.add(resourceKey(job.kind, job.names));
}

/**
 * Records the file as the resource's own file. A second file for the same resource is reported and skipped —
 * unless the first was a legacy file and this one is the v7 file, which then wins (mixed-generation repositories).
 */
function claim(p: Pending, job: Job, findings: Finding[]): boolean {
  const first = p.own;
  if (!first) {
    p.own = { path: job.path, shape: job.shape, legacy: job.legacy };
    return true;
  }
  const title = `${kindSpec(job.kind).title} ${p.names.join('/')}`;
  if (first.legacy && !job.legacy) {
    findings.push(finding('duplicate-resource', { file: first.path }, `defines the ${title} again (the APIOps v7 file ${job.path} takes precedence); this file is ignored`));
    p.own = { path: job.path, shape: job.shape, legacy: job.legacy };
    delete p.extra;
    return true;
  }
  findings.push(finding('duplicate-resource', { file: job.path }, `defines the ${title} again (first defined by ${first.path}); this file is ignored`));
  return false;
}

/** `{"properties": {…}, …}` → properties and the other top-level members; null when the shape is wrong. */
export function splitInformation(value: Json): { properties: JsonObject; extra?: JsonObject } | null {
  if (!isJsonObject(value)) return null;
  const { properties, ...rest } = value;
  if (properties !== undefined && !isJsonObject(properties)) return null;
  const result: { properties: JsonObject; extra?: JsonObject } = { properties: properties ?? {} };
  if (Object.keys(rest).length > 0) result.extra = rest;
  return result;
}

/** A v7 link file is `{}`: the linked resource's id is implied by the folder it sits in. */
export function impliedLinkProperties(kind: Kind, names: readonly string[], properties: JsonObject): JsonObject {
  const link = kindSpec(kind).link;
  const target = linkTargetNames(kind, names);
  if (!link || link.property === null || target === null || properties[link.property] !== undefined) return properties;
  return { ...properties, [link.property]: relativeId(link.target, target) };
}

/** v6 files hold absolute ids; the State keeps them relative like v7 does. */
export function relativizeReferences(kind: Kind, properties: JsonObject): JsonObject {
  const spec = kindSpec(kind);
  const props = [...spec.props.references.map((r) => r.property), ...(spec.link?.property ? [spec.link.property] : [])];
  let result = properties;
  for (const prop of props) {
    const value = result[prop];
    if (typeof value !== 'string') continue;
    const relative = relativizeId(value);
    if (relative !== value) result = { ...result, [prop]: relative };
  }
  return result;
}

function readLinkArray(job: Job, file: ArtifactFile, findings: Finding[], add: (names: string[], extra?: JsonObject) => void): void {
  const value = file.json;
  const spec = kindSpec(job.kind);
  const parentKind = spec.parent as Kind;
  if (!Array.isArray(value)) {
    findings.push(finding('schema', { file: job.path }, 'must be an array of {"name": …} entries (the APIOps v4/v5 link list)'));
    file.broken = true;
    return;
  }
  value.forEach((item, index) => {
    const at = { file: job.path, ...lineColumn(file.text, itemOffset(file.text, index)) };
    if (!isJsonObject(item) || typeof item.name !== 'string') {
      findings.push(finding('schema', at, `entry ${index} must be an object with a string "name"`));
      return;
    }
    const { name, ...rest } = item;
    const names = job.reverse ? [name, ...job.names] : [...job.names, name];
    const bad = namesProblem(job.kind, names);
    if (bad) {
      const what = job.reverse ? kindSpec(parentKind).title : kindSpec(spec.link?.target ?? job.kind).title;
      findings.push(finding('invalid-name', at, `the ${what} name '${name}' ${bad.problem}`));
      return;
    }
    file.keys.push(resourceKey(job.kind, names));
    add(names, Object.keys(rest).length > 0 ? rest : undefined);
  });
}

function itemOffset(text: string, index: number): number {
  let offset = 0;
  parseJson(text, { onLocation: (pointer, keyOffset) => (pointer === `/${index}` ? (offset = keyOffset) : undefined) });
  return offset;
}
