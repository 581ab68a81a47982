// API specifications compared by what APIM makes of them: the operations. APIM rewrites an imported document
// (re-serialises it, adds its own servers, renames inline schemas), so comparing text would always differ.
import type { ApiSpecification, Resource } from '../state.ts';
import { IMPORT_FORMATS, type ImportFormat, type OperationContract, importSpec } from '../specs/index.ts';
import type { SpecChange } from '../plan/types.ts';
import { parse, print } from 'graphql';
import { rememberedPerText } from '../memo.ts';

function imported(spec: ApiSpecification): ReturnType<typeof importSpec> | null {
  try {
    // importSpec keeps what it made of each document: targets and the validation share one parse
    return importSpec(importFormatOf(spec), spec.content);
  } catch {
    return null;
  }
}

/** The import format APIM is sent for a specification kept in Git. */
export function importFormatOf(spec: ApiSpecification): ImportFormat {
  return IMPORT_FORMATS[spec.format];
}

export interface OperationView {
  name: string;
  method: string;
  urlTemplate: string;
  displayName: string;
  description: string;
}

function view(op: OperationContract): OperationView {
  return {
    name: op.name.toLowerCase(),
    method: op.properties.method.toUpperCase(),
    urlTemplate: op.properties.urlTemplate,
    displayName: op.properties.displayName,
    description: op.properties.description ?? '',
  };
}

/**
 * What an API's import makes of properties the information file leaves out: APIM takes the display name,
 * description and service URL from the specification (info.title, info.description, servers[0]).
 */
export function impliedBySpec(spec: ApiSpecification): Record<string, string> {
  const result = imported(spec);
  const out: Record<string, string> = {};
  if (result?.displayName) out.displayName = result.displayName;
  if (result?.description) out.description = result.description;
  if (result?.serviceUrl) out.serviceUrl = result.serviceUrl;
  return out;
}

/** Operations of a specification, or null when it does not parse (validation reports that, not the diff). */
export function specOperations(spec: ApiSpecification): OperationView[] | null {
  return imported(spec)?.operations.map(view) ?? null;
}

/** Operations as the live State holds them (apiOperation resources of one API). */
export function liveOperations(operations: readonly Resource[]): OperationView[] {
  return operations.map((r) => ({
    name: r.names[r.names.length - 1]!.toLowerCase(),
    method: String(r.properties.method ?? '').toUpperCase(),
    urlTemplate: String(r.properties.urlTemplate ?? ''),
    displayName: String(r.properties.displayName ?? ''),
    description: String(r.properties.description ?? ''),
  }));
}

const label = (o: OperationView) => `${o.name} (${o.method} ${o.urlTemplate})`;

/** A GraphQL schema in one form — what the SDL means, its whitespace and comments aside — remembered per text. */
const canonicalSdl = rememberedPerText((sdl: string): string => {
  try {
    return print(parse(sdl));
  } catch {
    // (a document graphql-js refuses is compared as text; validation reports it)
    return sdl.replace(/\r\n?/g, '\n').trim();
  }
});

/** Whether a GraphQL API's schema differs: its types can change without any operation (query field) changing. */
export function graphQlSchemaChanged(desired: string, live: string): boolean {
  return canonicalSdl(desired) !== canonicalSdl(live);
}

/** How a plan names a change of a GraphQL API's schema that its operations do not show. */
export const GRAPHQL_SCHEMA_CHANGE = 'the GraphQL schema (types)';

/** Operations added, removed and changed; null when nothing differs. */
export function compareOperations(desired: OperationView[], live: OperationView[]): SpecChange | null {
  const liveByName = new Map(live.map((o) => [o.name, o]));
  const desiredNames = new Set(desired.map((o) => o.name));
  const change: SpecChange = { added: [], removed: [], changed: [] };
  for (const d of desired) {
    const l = liveByName.get(d.name);
    if (!l) change.added.push(label(d));
    else if (l.method !== d.method || l.urlTemplate !== d.urlTemplate || l.displayName !== d.displayName || l.description !== d.description) {
      change.changed.push(label(d));
    }
  }
  for (const l of live) if (!desiredNames.has(l.name)) change.removed.push(label(l));
  return change.added.length + change.removed.length + change.changed.length === 0 ? null : change;
}
