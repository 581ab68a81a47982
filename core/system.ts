// Resources APIM (or apiops itself) creates and owns: never extracted into Git, never pruned, never diffed.
import type { Kind } from './kinds.ts';
import type { JsonObject } from './state.ts';

/** The named value in which each target records the commit it fully holds (publisher/record.ts). */
export const RECORD_NAMED_VALUE = 'apiops-state';

type SystemTest = (names: readonly string[], properties: JsonObject) => boolean;

const SYSTEM: Partial<Record<Kind, SystemTest>> = {
  // Administrators, Developers, Guests: built in, their membership managed by APIM
  group: (_n, p) => p.builtIn === true || p.type === 'system',
  // the built-in all-access subscription
  subscription: (n) => n[0]?.toLowerCase() === 'master',
  // APIM moves logger credentials into `Logger-Credentials-<id>` named values it creates itself
  namedValue: (n) => /^Logger-Credentials-/i.test(n[0] ?? '') || n[0]?.toLowerCase() === RECORD_NAMED_VALUE,
};

export function isSystemResource(kind: Kind, names: readonly string[], properties: JsonObject): boolean {
  return SYSTEM[kind]?.(names, properties) ?? false;
}
