// Resource ids inside properties: APIM accepts them relative (`/apiVersionSets/x`, what APIOps v7 writes) or
// absolute (`/subscriptions/…/service/s/apiVersionSets/x`, what it answers with and what v6 files hold).
import type { Kind } from '../core/kinds.ts';
import { type ServiceIds, serviceArmId } from './context.ts';
import { matchRoute } from './router.ts';

export type ParsedReference = { kind: Kind; names: string[] } | 'service' | 'allApis' | null;

export function parseReference(ids: ServiceIds, value: string): ParsedReference {
  let rest = value.trim();
  const service = serviceArmId(ids);
  if (/^\/subscriptions\//i.test(rest)) {
    // an id of another service (another region's absolute id) does not point here
    if (!rest.toLowerCase().startsWith(service.toLowerCase())) return null;
    rest = rest.slice(service.length);
  }
  const segs = rest.split('/').filter((s) => s.length > 0);
  let decoded: string[];
  try {
    decoded = segs.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (decoded.length === 0) return 'service';
  if (decoded.length === 1 && decoded[0]!.toLowerCase() === 'apis') return 'allApis';
  const route = matchRoute(decoded);
  if (!route || route.type !== 'item') return null;
  return { kind: route.kind, names: route.names };
}
