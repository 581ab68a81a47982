// Values APIM keeps unique among a service's resources, checked in Git before anything is published: APIM refuses
// the second holder ("Cannot create API … with the same Path …"; "Property with the same name already exist.",
// apiops #837; "Product with the same name already exists", apiops #606; "Tag with the same name already exists.",
// apiops #855), after the first one was written.
import { KIND_NAMES, kindSpec } from '../../kinds.ts';
import { relativizeId } from '../../files/ids.ts';
import type { Resource } from '../../state.ts';
import { uniqueClaims } from '../../unique.ts';
import { finding } from '../findings.ts';
import type { ValidationContext } from '../context.ts';

/** Two APIs may share a path only as different versions of one version set (revisions share their API's). */
function mayShare(a: Resource, b: Resource): boolean {
  const set = (r: Resource) => (typeof r.properties.apiVersionSetId === 'string' ? relativizeId(r.properties.apiVersionSetId).toLowerCase() : null);
  return set(a) !== null && set(a) === set(b) && (a.properties.apiVersion ?? '') !== (b.properties.apiVersion ?? '');
}

export function checkUniqueValues(ctx: ValidationContext): void {
  const byPath = new Map<string, Resource[]>();
  for (const api of ctx.list('api')) {
    if (api.names[0]!.includes(';rev=') || typeof api.properties.path !== 'string') continue;
    const key = api.properties.path.toLowerCase();
    const earlier = byPath.get(key) ?? [];
    const clash = earlier.find((other) => !mayShare(api, other));
    if (clash) {
      const at = ctx.atPointer(ctx.fileOf(api, 'information'), '/properties/path', ctx.where(api));
      ctx.findings.push(finding('duplicate-unique-value', at, `path '${api.properties.path}' is also the path of API '${clash.names[0]}': APIM lets two APIs share a path only as versions of one version set`));
    }
    byPath.set(key, [...earlier, api]);
  }
  // the display names of kinds that keep them unique, by the key the publisher orders its writes by
  const byName = new Map<string, Resource>();
  for (const kind of KIND_NAMES) {
    if (!kindSpec(kind).props.uniqueDisplayName) continue;
    for (const resource of ctx.list(kind)) {
      const displayName = resource.properties.displayName;
      for (const claim of uniqueClaims(kind, resource.names, { displayName })) {
        const clash = byName.get(claim);
        if (!clash) {
          byName.set(claim, resource);
          continue;
        }
        const at = ctx.atPointer(ctx.fileOf(resource, 'information'), '/properties/displayName', ctx.where(resource));
        ctx.findings.push(finding('duplicate-unique-value', at, `display name '${String(displayName)}' is also the display name of ${kindSpec(kind).title} '${clash.names.join('/')}': APIM keeps them unique`));
      }
    }
  }
}
