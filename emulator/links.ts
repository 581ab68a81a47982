// Links (product↔API, tag↔API, gateway↔API …) point at their target by id, or by name for gateway↔API.
import { type Kind, KINDS, kindSpec } from '../core/kinds.ts';
import type { Instance } from './context.ts';
import { parseReference } from './references.ts';
import type { StoredResource } from './store.ts';

/** The link's target, found through its id property (or its name, for gateway↔API). */
export function linkTarget(instance: Instance, kind: Kind, link: StoredResource): StoredResource | undefined {
  const spec = KINDS[kind] as { link?: { target: Kind; property: string | null } };
  if (!spec.link) return undefined;
  if (spec.link.property === null) return instance.store.get(spec.link.target, [link.names[link.names.length - 1]!]);
  const id = link.properties[spec.link.property];
  if (typeof id !== 'string') return undefined;
  const parsed = parseReference(instance.ids, id);
  if (!parsed || parsed === 'service' || parsed === 'allApis') return undefined;
  return instance.store.get(parsed.kind, parsed.names);
}

/** Links whose target went away go with it (APIM removes an API's product and tag associations with the API). */
export function removeDanglingLinks(instance: Instance, removed: StoredResource[]): void {
  if (removed.length === 0) return;
  const gone = new Set(removed);
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const spec = kindSpec(kind);
    if (!spec.link) continue;
    if (!removed.some((r) => r.kind === spec.link!.target)) continue;
    for (const link of instance.store.all(kind)) {
      if (gone.has(link)) continue;
      const target = linkTarget(instance, kind, link);
      if (target === undefined) instance.store.remove(kind, link.names);
    }
  }
}
