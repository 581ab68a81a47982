// Values APIM keeps unique among a service's resources, from the kinds table (`uniqueDisplayName`, links) and
// APIM's path rule: validation finds two holders in Git, the publisher orders and refuses writes by them.
import { type Kind, kindSpec } from './kinds.ts';
import { parseResourceId } from './files/ids.ts';
import { linkTargetNames } from './files/layout.ts';
import type { PlanItem } from './plan/types.ts';
import { type Json, foldedKey } from './state.ts';

/**
 * Values APIM keeps unique among a service's resources, as keys: an API's path (its revisions share it: "Cannot
 * create API … with the same Path …"), the display name of kinds that must have unique ones (named values:
 * "Property with the same name already exist.", apiops #837; products: apiops #606; tags: apiops #855), and a
 * link's target ("Link already exists between specified …"). A write takes the values of its properties; a delete
 * gives up those the live resource held, an update those it changes.
 */
export function uniqueClaims(kind: Kind, names: readonly string[], properties: Readonly<Record<string, Json | undefined>>, options: { targetFromName?: boolean } = {}): string[] {
  const spec = kindSpec(kind);
  const parent = () => foldedKey(kind, names.slice(0, -1));
  const claims: string[] = [];
  if (kind === 'api' && !names[0]!.includes(';rev=') && typeof properties.path === 'string') claims.push(`api path\u0000${properties.path.toLowerCase()}`);
  if (spec.props.uniqueDisplayName && typeof properties.displayName === 'string') claims.push(`${parent()} displayName\u0000${properties.displayName.toLowerCase()}`);
  if (spec.link?.property) {
    const value = properties[spec.link.property];
    const target = typeof value === 'string' ? parseResourceId(value, [spec.link.target]) : null;
    // Git's links hold no properties: their name says their target
    const targetNames = target?.names ?? (options.targetFromName === false ? null : linkTargetNames(kind, names));
    if (targetNames) claims.push(`${parent()} link\u0000${foldedKey(spec.link.target, targetNames)}`);
  }
  return claims;
}

/** What an item gives up of uniqueClaims: a delete all the live resource held, an update the values it changes. */
export function releasedClaims(item: PlanItem): string[] {
  const before: Record<string, Json | undefined> = {};
  for (const change of item.changes) if (!change.path.includes('.') && change.before !== undefined) before[change.path] = change.before;
  // a live link's name may be anything: its target is the one its property held
  return uniqueClaims(item.kind, item.names, before, { targetFromName: false });
}
