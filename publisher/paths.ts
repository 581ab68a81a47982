// Which resource an artifact file belongs to, from its path alone (for the files a commit range changed):
// the same folder plans the reader walks, driven by the kinds table.
import { type Kind, ancestry, kindSpec } from '../core/kinds.ts';
import { FRAGMENT_POLICY_FILE, SPECIFICATION_FILES, folderPlan } from '../core/files/layout.ts';
import { type ResourceKey, resourceKey } from '../core/state.ts';

const SPEC_FILES = new Set(SPECIFICATION_FILES.map((s) => s.file));

/** The resource a file (POSIX path relative to the artifacts root) describes, or null for other files. */
export function resourceOfPath(path: string): ResourceKey | null {
  const parts = path.split('/').filter((p) => p !== '');
  let kind: Kind | null = null;
  const names: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const part = parts[i]!;
    const plan = folderPlan(kind);
    const last = i === parts.length - 1;
    if (last) {
      if (kind !== null && plan.ownFiles.has(part)) return resourceKey(kind, names);
      const singleton = plan.singletons.get(part);
      if (singleton) return resourceKey(singleton, [...names, kindSpec(singleton).arm.fixedName ?? part]);
      if (kind !== null && (SPEC_FILES.has(part) || part === FRAGMENT_POLICY_FILE)) return resourceKey(kind, names);
      return null;
    }
    const child = plan.collections.get(part);
    if (!child) return null;
    kind = child;
    names.push(parts[i + 1]!);
    i += 2;
    if (names.length !== ancestry(child).length) return null;
  }
  // a bare folder of a kind with no file of its own (an operation's folder): nothing to publish by itself
  return null;
}
