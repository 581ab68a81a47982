// Resource ids inside information files. APIOps v7 writes ids relative to the service (`/apiVersionSets/x`,
// `/loggers/x`); v6 wrote absolute ARM ids that carry one environment's subscription, resource group and service
// name (`SetAbsoluteToRelativeId`, src/common/Resource.cs). The State keeps them relative.
import { type Kind, KIND_NAMES, ancestry, armRelativePath, kindSpec } from '../kinds.ts';

const ABSOLUTE_PREFIX = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+(?=\/|$)/i;

/** `/subscriptions/…/service/s/apis/a` → `/apis/a`; other strings are returned unchanged. */
export function relativizeId(id: string): string {
  const m = ABSOLUTE_PREFIX.exec(id);
  if (!m) return id;
  const rest = id.slice(m[0].length);
  return rest === '' ? '/' : rest;
}

export function isAbsoluteId(id: string): boolean {
  return ABSOLUTE_PREFIX.test(id);
}

/** The relative id of a resource: `/apis/a/operations/o`. */
export function relativeId(kind: Kind, names: readonly string[]): string {
  return `/${armRelativePath(kind, names)}`;
}

/**
 * The kind and names a (relative or absolute) id points at, among `kinds` (every kind when omitted).
 * Segment names compare case-insensitively, as ARM does.
 */
export function parseResourceId(id: string, kinds: readonly Kind[] = KIND_NAMES): { kind: Kind; names: string[] } | null {
  const relative = relativizeId(id);
  if (!relative.startsWith('/')) return null;
  const parts = relative.slice(1).split('/');
  if (parts.length % 2 !== 0 || parts.some((p) => p === '')) return null;
  const segments: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    segments.push((parts[i] ?? '').toLowerCase());
    names.push(parts[i + 1] ?? '');
  }
  for (const kind of kinds) {
    const chain = ancestry(kind);
    if (chain.length !== segments.length) continue;
    if (chain.every((k, i) => kindSpec(k).arm.segment.toLowerCase() === segments[i])) return { kind, names };
  }
  return null;
}
