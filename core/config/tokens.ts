// `{#NAME#}` placeholders in overrides. APIOps leaves them to a pipeline task (cschleiden/replace-tokens,
// qetza.replacetokens); apiops substitutes them itself from the environment, and hands back every substituted
// value so that outputs can mask it.
import type { Json } from '../state.ts';

const TOKEN = /\{#([A-Za-z_][A-Za-z0-9_.-]*)#\}/g;

export interface Substitution<T extends Json = Json> {
  value: T;
  /** token names found */
  used: string[];
  /** token names with no value in the environment (left in place) */
  missing: string[];
  /** the substituted values, to be masked in every output */
  secrets: string[];
}

/** Whether any string in the value holds `{#` (most resources have no token: they are handed back as they are). */
function mayHoldToken(v: Json): boolean {
  if (typeof v === 'string') return v.includes('{#');
  if (Array.isArray(v)) return v.some(mayHoldToken);
  if (v !== null && typeof v === 'object') {
    for (const key in v) if (mayHoldToken(v[key]!)) return true;
  }
  return false;
}

export function substituteTokens<T extends Json>(value: T, env: Readonly<Record<string, string | undefined>>): Substitution<T> {
  if (!mayHoldToken(value)) return { value, used: [], missing: [], secrets: [] };
  const used = new Set<string>();
  const missing = new Set<string>();
  const secrets = new Set<string>();
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      return v.replace(TOKEN, (whole, name: string) => {
        used.add(name);
        const replacement = env[name];
        if (replacement === undefined) {
          missing.add(name);
          return whole;
        }
        if (replacement !== '') secrets.add(replacement);
        return replacement;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  const result = walk(value) as T;
  return { value: result, used: [...used], missing: [...missing], secrets: [...secrets] };
}

/** `{#NAME#}` token names in a text. */
export function tokenNames(text: string): string[] {
  return [...new Set([...text.matchAll(TOKEN)].map((m) => m[1] as string))];
}

/** Replaces every occurrence of the given secrets with `***` (longest first, so overlapping secrets mask fully). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret !== '') out = out.split(secret).join('***');
  return out;
}
