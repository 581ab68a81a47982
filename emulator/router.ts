// ARM URL → what is addressed. Every route comes from the kinds table (segments, singletons, legacy link routes);
// segments are matched case-insensitively and percent-decoded, as APIM does (the SDK encodes `;rev=` as `%3Brev%3D`
// while nextLink and Location URLs are requested verbatim).
import { KIND_NAMES, type Kind, armSegments, kindSpec } from '../core/kinds.ts';
import { badRequest } from './errors.ts';

export type Route =
  | { type: 'service' }
  | { type: 'item'; kind: Kind; names: string[] }
  | { type: 'collection'; kind: Kind; parentNames: string[] }
  /** `/products/{p}/apis/{a}` and friends: the link addressed by its target's name */
  | { type: 'legacyItem'; kind: Kind; parentNames: string[]; targetNames: string[] }
  | { type: 'legacyCollection'; kind: Kind; parentNames: string[] }
  | { type: 'action'; kind: Kind; names: string[]; action: string }
  | { type: 'revisions'; apiName: string }
  | { type: 'operationResult'; id: string };

export interface ParsedPath {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  route: Route | null;
}

const SERVICE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ApiManagement\/service\/([^/]+)(\/.*)?$/i;

/** POST actions per kind (`namedValues/{id}/listValue`, `subscriptions/{id}/listSecrets`). */
export const ACTIONS: Partial<Record<Kind, readonly string[]>> = {
  namedValue: ['listValue', 'refreshSecret'],
  subscription: ['listSecrets', 'regeneratePrimaryKey', 'regenerateSecondaryKey'],
};

interface Pattern {
  kind: Kind;
  segments: string[];
  legacy: boolean;
}

const PATTERNS: Pattern[] = KIND_NAMES.flatMap((kind) => {
  const own: Pattern = { kind, segments: armSegments(kind).map((s) => s.toLowerCase()), legacy: false };
  const legacy = kindSpec(kind).link?.legacyRoute;
  if (!legacy) return [own];
  return [own, { kind, segments: [...armSegments(legacy.parent), legacy.segment].map((s) => s.toLowerCase()), legacy: true }];
});

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`The path segment '${segment}' is not validly percent-encoded.`, 'InvalidRequestUri');
  }
}

export function parsePath(pathname: string): ParsedPath | null {
  const m = SERVICE.exec(pathname);
  if (!m) return null;
  const rest = (m[4] ?? '').split('/').filter((s) => s.length > 0);
  const parsed: ParsedPath = { subscriptionId: decode(m[1]!), resourceGroup: decode(m[2]!), serviceName: decode(m[3]!), route: null };
  const segs = rest.map(decode);
  parsed.route = matchRoute(segs);
  return parsed;
}

// (a plain loop, not a closure per pattern: this runs for every request the emulator serves)
function startsWithCollections(segments: readonly string[], collections: readonly string[], count: number): boolean {
  for (let i = 0; i < count; i++) if (segments[i] !== collections[i]) return false;
  return true;
}

export function matchRoute(segs: string[]): Route | null {
  if (segs.length === 0) return { type: 'service' };
  const lower = segs.map((s) => s.toLowerCase());
  if (lower.length === 3 && lower[0] === 'tenant' && lower[1] === 'operationresults') return { type: 'operationResult', id: segs[2]! };
  if (lower.length === 3 && lower[0] === 'apis' && lower[2] === 'revisions') return { type: 'revisions', apiName: segs[1]! };
  const collections = segs.filter((_, i) => i % 2 === 0).map((s) => s.toLowerCase());
  const names = segs.filter((_, i) => i % 2 === 1);
  for (const p of PATTERNS) {
    const n = p.segments.length;
    if (segs.length === 2 * n && collections.length === n && startsWithCollections(p.segments, collections, n)) {
      if (p.legacy) {
        const parentDepth = n - 1;
        return { type: 'legacyItem', kind: p.kind, parentNames: names.slice(0, parentDepth), targetNames: names.slice(parentDepth) };
      }
      return { type: 'item', kind: p.kind, names };
    }
    if (segs.length === 2 * n - 1 && startsWithCollections(p.segments, collections, n)) {
      return p.legacy ? { type: 'legacyCollection', kind: p.kind, parentNames: names } : { type: 'collection', kind: p.kind, parentNames: names };
    }
    // an action: `<item path>/<action>`
    const actions = ACTIONS[p.kind];
    if (!p.legacy && actions && segs.length === 2 * n + 1 && startsWithCollections(p.segments, collections, n)) {
      const action = actions.find((a) => a.toLowerCase() === lower[2 * n]);
      if (action) return { type: 'action', kind: p.kind, names: names.slice(0, n), action };
    }
  }
  return null;
}
