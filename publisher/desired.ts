// The desired State of one target: the files at the commit, the target's overrides merged in, `{#TOKEN#}`
// values from the environment substituted. The substituted values are secrets: every output masks them.
import { applyOverrides, readOverrides } from '../core/config/overrides.ts';
import { substituteTokens } from '../core/config/tokens.ts';
import { UserError } from '../core/errors.ts';
import { type Json, type Resource, type ResourceKey, State, resourceKey } from '../core/state.ts';

export interface Desired {
  state: State;
  /** values substituted for tokens: masked in every output */
  secrets: string[];
  /** tokens with no value in the environment */
  missingTokens: string[];
  /** the resources that take a token's value (compared on every publish: a rotated secret changes no file) */
  tokenized: Set<ResourceKey>;
}

export async function desiredFor(base: State, input: { overridesFile?: string; env: Readonly<Record<string, string | undefined>> }): Promise<Desired> {
  let state = base;
  if (input.overridesFile) {
    const overrides = await readOverrides(input.overridesFile).catch((error: unknown) => {
      throw new UserError(`overrides ${input.overridesFile}: ${error instanceof Error ? error.message : String(error)}`);
    });
    state = applyOverrides(base, overrides.entries);
  }
  const secrets = new Set<string>();
  const missing = new Set<string>();
  const tokenized = new Set<ResourceKey>();
  const resources: Resource[] = [];
  for (const r of state.list()) {
    const sub = substituteTokens(r.properties as Json, input.env);
    sub.secrets.forEach((s) => secrets.add(s));
    sub.missing.forEach((m) => missing.add(m));
    if (sub.used.length > 0) tokenized.add(resourceKey(r.kind, r.names));
    resources.push(sub.used.length > 0 ? { ...r, properties: sub.value as Resource['properties'] } : r);
  }
  return { state: State.from(resources), secrets: [...secrets], missingTokens: [...missing], tokenized };
}
