// What every validation rule works from: the artifacts as read, and helpers that turn "this property of this
// resource" or "this text in this file" into a file, line and column.
import type { Kind } from '../kinds.ts';
import { kindSpec } from '../kinds.ts';
import type { ArtifactFile, ReadResult } from '../files/read.ts';
import type { FileRole } from '../files/layout.ts';
import { locatePointer } from '../files/json.ts';
import { lineColumn } from '../files/text.ts';
import { type Resource, resourceKey } from '../state.ts';
import type { Finding } from './findings.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export class ValidationContext {
  readonly findings: Finding[] = [];
  readonly read: ReadResult;
  /** named values by lower-cased display name and by lower-cased name: `{{x}}` resolves by display name */
  readonly namedValues: Set<string>;
  /** operation names each API's specification defines (filled by the specification rule), by the API's resource key */
  readonly operations = new Map<string, Set<string>>();

  /** every resource, in State order (State.list sorts on each call, so rules share one list) */
  readonly resources: readonly Resource[];
  readonly #byKind = new Map<Kind, Resource[]>();
  readonly #children = new Map<string, Resource[]>();

  constructor(read: ReadResult) {
    this.read = read;
    this.resources = read.state.list();
    for (const r of this.resources) {
      const list = this.#byKind.get(r.kind) ?? [];
      list.push(r);
      this.#byKind.set(r.kind, list);
      if (r.names.length > 1) {
        const key = resourceKey(r.kind, r.names.slice(0, 1));
        const siblings = this.#children.get(key) ?? [];
        siblings.push(r);
        this.#children.set(key, siblings);
      }
    }
    this.namedValues = new Set<string>();
    for (const nv of this.list('namedValue')) {
      this.namedValues.add((nv.names[0] ?? '').toLowerCase());
      if (typeof nv.properties.displayName === 'string') this.namedValues.add(nv.properties.displayName.toLowerCase());
    }
  }

  get state(): ReadResult['state'] {
    return this.read.state;
  }

  list(kind: Kind): readonly Resource[] {
    return this.#byKind.get(kind) ?? [];
  }

  /** Resources of `kind` whose names start with `prefix` (as State.children, without sorting the State again). */
  children(kind: Kind, prefix: readonly string[]): readonly Resource[] {
    if (prefix.length === 0) return this.list(kind);
    const candidates = this.#children.get(resourceKey(kind, prefix.slice(0, 1))) ?? [];
    return prefix.length === 1 ? candidates : candidates.filter((r) => prefix.every((n, i) => r.names[i] === n));
  }

  /** The file holding a part of a resource. */
  fileOf(resource: Pick<Resource, 'kind' | 'names'>, role: FileRole): ArtifactFile | undefined {
    const path = this.read.origins.get(resourceKey(resource.kind, resource.names))?.[role];
    return path === undefined ? undefined : this.read.files.get(path);
  }

  /** Does the resource exist, or exist as a file too broken to read (already reported once)? */
  exists(kind: Kind, names: readonly string[]): boolean {
    return this.state.has(kind, names) || this.read.unreadable.has(resourceKey(kind, names)) || isBuiltIn(kind, names);
  }

  /** Position of a JSON pointer in a JSON file (line 1 for anything else). */
  atPointer(file: ArtifactFile | undefined, pointer: string, fallback: string): Location {
    if (!file) return { file: fallback, line: 1, column: 1 };
    if (file.json === undefined) return { file: file.path, line: 1, column: 1 };
    return { file: file.path, ...lineColumn(file.text, locatePointer(file.text, pointer)) };
  }

  /** Position of the first match of `pattern` in a file's text (line 1 when absent). */
  atText(file: ArtifactFile, pattern: RegExp | string): Location {
    const index = typeof pattern === 'string' ? file.text.indexOf(pattern) : file.text.search(pattern);
    return { file: file.path, ...lineColumn(file.text, Math.max(index, 0)) };
  }

  /** Where a resource is defined: its own file, or its description when it has none. */
  where(resource: Pick<Resource, 'kind' | 'names'>): string {
    const origin = this.read.origins.get(resourceKey(resource.kind, resource.names));
    return origin?.information ?? origin?.policy ?? `${kindSpec(resource.kind).title} ${resource.names.join('/')}`;
  }
}

/**
 * Resources every APIM instance has without being told: the system groups are never extracted (APIOps
 * Extractor.cs skips administrators, developers and guests) yet products link to them.
 */
const BUILT_IN: Partial<Record<Kind, readonly string[]>> = {
  group: ['administrators', 'developers', 'guests'],
};

export function isBuiltIn(kind: Kind, names: readonly string[]): boolean {
  const list = BUILT_IN[kind];
  return list !== undefined && names.length === 1 && list.includes((names[0] ?? '').toLowerCase());
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
