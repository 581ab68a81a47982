// Semantic equality of resources, shared by the artifact writer ("meaning unchanged: keep the file's bytes"), the
// extractor's round trip and the diff. Two resources mean the same when they differ only in what APIM itself
// decides: read-only and write-only properties, server-filled defaults, absolute versus relative ids, nulls,
// policy formatting and entity escaping.
import { type Kind, kindSpec } from './kinds.ts';
import { canonicalPolicy } from './policy.ts';
import { rememberedPerText } from './memo.ts';
import type { Json, JsonObject, Resource } from './state.ts';
import { relativizeId } from './files/ids.ts';
import { deletePath, getPath, setPath } from './json-path.ts';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops nulls (APIM answers absent optional properties as null) and sorts keys, recursively. */
function clean(value: Json): Json | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => clean(v) ?? null);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const v = clean(value[key]!);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

// Every policy is canonicalised for each comparison, on both sides, for every target: once per distinct text.
const canonical = rememberedPerText(canonicalPolicy);

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The properties of this resource that are secrets (a named value's value only when it is marked secret). */
export function secretProperties(kind: Kind, properties: JsonObject): readonly string[] {
  const spec = kindSpec(kind).props;
  if (spec.secretFlag === undefined) return spec.secret;
  const flagged = properties[spec.secretFlag] === true || isObject(properties.keyVault);
  return flagged ? spec.secret : [];
}

export interface ComparableOptions {
  /** leave secret properties out (one side cannot see them: APIM never returns a secret named value) */
  withoutSecrets?: boolean;
}

/**
 * The properties that carry meaning, in one canonical form: no read-only or write-only properties, no nulls,
 * no property equal to APIM's default for it, references relative, keys sorted, policy documents canonical.
 */
export function comparableProperties(kind: Kind, properties: JsonObject, options: ComparableOptions = {}): JsonObject {
  const spec = kindSpec(kind);
  const out = structuredClone(properties);
  for (const key of [...spec.props.readOnly, ...spec.props.writeOnly]) deletePath(out, key);
  if (options.withoutSecrets) for (const key of secretProperties(kind, properties)) deletePath(out, key);
  for (const ref of spec.props.references) {
    const value = getPath(out, ref.property);
    if (typeof value === 'string') setPath(out, ref.property, relativizeId(value));
  }
  if (spec.policy && typeof out.value === 'string') {
    out.value = canonical(out.value);
    // the format says how the value was sent; the canonical document is what APIM keeps
    delete out.format;
  }
  const cleaned = (clean(out) ?? {}) as JsonObject;
  for (const [key, def] of Object.entries(spec.props.serverDefaults)) {
    const value = getPath(cleaned, key);
    if (value !== undefined && jsonEqual(clean(value as Json), clean(def as Json))) deletePath(cleaned, key);
  }
  return cleaned;
}

/** Same meaning: equal comparable properties (and equal specifications, when both sides carry one). */
export function sameResource(a: Resource, b: Resource, options: ComparableOptions = {}): boolean {
  if (a.kind !== b.kind) return false;
  return jsonEqual(comparableProperties(a.kind, a.properties, options), comparableProperties(b.kind, b.properties, options));
}
