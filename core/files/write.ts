// Writes a State as an APIOps v7 folder, byte-stably. A file whose meaning did not change is never rewritten, so a
// repository written by another tool (APIOps' `\u0022` escapes, v6 absolute ids, CRLF, no final newline) keeps
// its bytes and a re-extract produces no diff noise. New files are canonical: sorted keys, 2-space JSON, LF, one
// final newline. Files of resources that are gone are removed, and the folders they leave empty. Unreadable and
// unknown files are never touched unless a resource's file belongs exactly there.
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalPolicy } from '../policy.ts';
import { UserError } from '../errors.ts';
import { kindSpec } from '../kinds.ts';
import { type Json, type JsonObject, type Resource, type ResourceKey, State, describe, resourceKey } from '../state.ts';
import { type Finding, finding } from '../validate/findings.ts';
import { canonicalJson, isJsonObject, jsonEqual, parseJson } from './json.ts';
import { COMPANIONS, type FileRole, companionPath, primaryPath, primaryRole } from './layout.ts';
import { namesProblem } from './names.ts';
import { type ReadResult, impliedLinkProperties, readArtifacts } from './read.ts';
import { withoutSecrets } from './secrets.ts';
import { normalizeDocument } from './text.ts';
import { parse as parseYaml } from 'yaml';

/** The State cannot be written as it is; nothing was written. */
export class ArtifactWriteError extends UserError {
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    super(`refusing to write artifacts: ${findings.map((f) => `${f.file}: ${f.message}`).join('; ')}`);
    this.name = 'ArtifactWriteError';
    this.findings = findings;
  }
}

export interface WritePlan {
  /** path → new content */
  writes: Map<string, string>;
  deletes: Set<string>;
  /** existing files kept as they are because their meaning is unchanged */
  unchanged: Set<string>;
}

export interface WriteResult {
  written: string[];
  deleted: string[];
  unchanged: string[];
}

export interface WriteOptions {
  /** the folder as read before, saving a second read (ignored when its State is the one being written: edited in place, it no longer describes the folder) */
  previous?: ReadResult;
}

interface Part {
  role: FileRole;
  /** v7 path */
  path: string;
  /** content to write; undefined: the State says nothing about this part, so an existing file stays as it is */
  content: string | undefined;
}

/** Refuses States that cannot be written safely: names that escape the folder or that APIM rejects, missing documents. */
export function checkWritable(state: State): Finding[] {
  const problems: Finding[] = [];
  const seen = new Map<string, string>();
  for (const r of state.list()) {
    const label = describe(r.kind, r.names);
    const bad = namesProblem(r.kind, r.names);
    if (bad) {
      problems.push(finding('invalid-name', { file: label }, `name '${r.names[bad.index]}' ${bad.problem}`));
      continue;
    }
    if (primaryRole(r.kind) === 'policy' && typeof r.properties.value !== 'string') {
      problems.push(finding('schema', { file: label }, 'a policy needs its document as a string in properties.value'));
    }
    const path = primaryPath(r.kind, r.names);
    if (path !== null) {
      // APIM names are case-insensitive, and so are the file systems of most developers' machines
      const folded = path.toLowerCase();
      const other = seen.get(folded);
      if (other !== undefined && other !== path) problems.push(finding('invalid-name', { file: label }, `differs only in case from ${other}`));
      seen.set(folded, path);
    }
  }
  return problems;
}

/** What writing `state` over the folder read as `previous` would do (pure). */
export function planWrite(state: State, previous: ReadResult | null): WritePlan {
  const writes = new Map<string, string>();
  const deletes = new Set<string>();
  const unchanged = new Set<string>();
  const arrayKeeps = new Map<string, Part[]>();
  const brokenArrays = new Set<string>();
  const isArray = (path: string): boolean => previous?.files.get(path)?.shape === 'linkArray';

  const keepFile = (path: string, part: Part): void => {
    if (isArray(path)) {
      const parts = arrayKeeps.get(path) ?? [];
      parts.push(part);
      arrayKeeps.set(path, parts);
    } else unchanged.add(path);
  };
  const dropFile = (path: string): void => {
    if (isArray(path)) brokenArrays.add(path);
    else deletes.add(path);
  };

  for (const resource of state.list()) {
    const key = resourceKey(resource.kind, resource.names);
    const old = previous?.state.get(resource.kind, resource.names);
    const origin = previous?.origins.get(key) ?? {};
    for (const part of partsOf(resource)) {
      const oldPath = origin[part.role];
      if (oldPath !== undefined && old && sameMeaning(part.role, old, resource)) {
        keepFile(oldPath, part);
        continue;
      }
      if (part.content === undefined) continue;
      writes.set(part.path, part.content);
      if (oldPath !== undefined && oldPath !== part.path) dropFile(oldPath);
    }
  }
  if (previous) {
    for (const [key, roles] of previous.origins) {
      if (stateHasKey(state, key)) continue;
      for (const path of Object.values(roles)) if (path !== undefined) dropFile(path);
    }
  }
  // a v4/v5 link array stays only while every link in it stays unchanged; otherwise its links move to v7 files
  for (const [path, parts] of arrayKeeps) {
    if (!brokenArrays.has(path)) {
      unchanged.add(path);
      continue;
    }
    for (const part of parts) if (part.content !== undefined) writes.set(part.path, part.content);
  }
  for (const path of brokenArrays) deletes.add(path);
  for (const path of writes.keys()) {
    deletes.delete(path);
    unchanged.delete(path);
  }
  return { writes, deletes, unchanged };
}

function stateHasKey(state: State, key: ResourceKey): boolean {
  const [kind, ...names] = JSON.parse(key) as [Resource['kind'], ...string[]];
  return state.has(kind, names);
}

/** The files of one resource with their v7 paths and canonical contents. */
function partsOf(r: Resource): Part[] {
  const parts: Part[] = [];
  const role = primaryRole(r.kind);
  const path = primaryPath(r.kind, r.names);
  if (role && path !== null) {
    if (role === 'policy') {
      const value = r.properties.value;
      parts.push({ role, path, content: typeof value === 'string' ? normalizeDocument(value) : undefined });
    } else parts.push({ role, path, content: renderInformation(r) });
  }
  const companion = COMPANIONS[r.kind];
  if (companion?.role === 'fragmentPolicy') {
    const value = r.properties.value;
    parts.push({ role: 'fragmentPolicy', path: companionPath(r.kind, r.names, 'fragmentPolicy'), content: typeof value === 'string' ? normalizeDocument(value) : undefined });
  }
  if (companion?.role === 'specification') {
    const spec = r.specification;
    parts.push({
      role: 'specification',
      path: companionPath(r.kind, r.names, 'specification', spec?.format),
      content: spec ? normalizeDocument(spec.content) : undefined,
    });
  }
  return parts;
}

/** What an information or link file says, as the writer would put it (secrets removed, companion parts moved out). */
function informationView(r: Resource, options: { stripSecrets: boolean }): JsonObject {
  let properties = options.stripSecrets ? withoutSecrets(r.kind, r.properties) : r.properties;
  const held = COMPANIONS[r.kind]?.heldProperties ?? [];
  if (held.length > 0) {
    properties = { ...properties };
    for (const p of held) delete properties[p];
  }
  return { ...(r.extra ?? {}), properties };
}

function renderInformation(r: Resource): string {
  const view = informationView(r, { stripSecrets: true });
  if (kindSpec(r.kind).artifact.content === 'link' && Object.keys(view).length === 1) {
    // a v7 link file is `{}` when it holds nothing but the id its folder already implies
    const implied = impliedLinkProperties(r.kind, r.names, {});
    if (jsonEqual(view.properties, implied)) return '{}\n';
  }
  return canonicalJson(view);
}

function sameMeaning(role: FileRole, old: Resource, next: Resource): boolean {
  switch (role) {
    case 'information':
      return jsonEqual(informationView(old, { stripSecrets: false }), informationView(next, { stripSecrets: true }));
    case 'policy':
    case 'fragmentPolicy':
      return sameDocument(old.properties.value, next.properties.value, { policy: true });
    case 'specification':
      if (!next.specification) return true;
      if (!old.specification || old.specification.format !== next.specification.format) return false;
      return sameDocument(old.specification.content, next.specification.content, { policy: false });
  }
}

/**
 * Documents are equal when their normalized text is, or — policies — their canonical forms are (APIM re-indents
 * and re-escapes policies), or — JSON/YAML specifications — their parsed values are (APIM re-serializes exports).
 */
function sameDocument(a: Json | undefined, b: Json | undefined, options: { policy: boolean }): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b;
  if (normalizeDocument(a) === normalizeDocument(b)) return true;
  if (options.policy) return canonicalPolicy(a) === canonicalPolicy(b);
  const pa = parseStructured(a);
  const pb = parseStructured(b);
  return pa !== undefined && pb !== undefined && jsonEqual(pa, pb);
}

function parseStructured(text: string): Json | undefined {
  const json = parseJson(text);
  if (json.ok) return json.value;
  try {
    const value = parseYaml(text, { schema: 'core' }) as Json;
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `state` into `root` as APIOps v7 (see the module comment); throws ArtifactWriteError before writing anything if the State is unsafe. */
export async function writeArtifacts(root: string, state: State, options: WriteOptions = {}): Promise<WriteResult> {
  const problems = checkWritable(state);
  if (problems.length > 0) throw new ArtifactWriteError(problems);
  // the previous read only describes the folder if its State was not edited in place to become the new one
  const previous = options.previous && options.previous.state !== state ? options.previous : await readArtifacts(root);
  const plan = planWrite(state, previous);
  // files are independent and each is written atomically: a few at a time hide the file system's latency
  const writes = [...plan.writes].sort();
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < writes.length) {
      const [path, content] = writes[next++] as [string, string];
      await writeAtomically(join(root, path), content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, writes.length) }, writer));
  for (const path of [...plan.deletes].sort()) await rm(join(root, path), { force: true });
  await removeEmptyFolders(root, plan.deletes);
  return { written: [...plan.writes.keys()].sort(), deleted: [...plan.deletes].sort(), unchanged: [...plan.unchanged].sort() };
}

const WRITE_CONCURRENCY = 16;

let tempCounter = 0;

/** temp file + rename in the same folder: a crash never leaves a half-written artifact behind */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  tempCounter += 1;
  const temp = `${file}.${process.pid}.${tempCounter}.apiops-tmp`;
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function removeEmptyFolders(root: string, deleted: Iterable<string>): Promise<void> {
  const folders = new Set<string>();
  for (const path of deleted) for (let d = dirname(path); d !== '.' && d !== ''; d = dirname(d)) folders.add(d);
  // deepest first, so a parent is looked at after its children are gone
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    const abs = join(root, folder);
    try {
      if ((await readdir(abs)).length === 0) await rmdir(abs);
    } catch {
      // gone already or not empty: nothing to do
    }
  }
}
