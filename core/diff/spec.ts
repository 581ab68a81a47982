// API specifications compared by what APIM makes of them: the operations. APIM rewrites an imported document
// (re-serialises it, adds its own servers, renames inline schemas), so comparing text would always differ.
import type { ApiSpecification, Resource } from '../state.ts';
import { IMPORT_FORMATS, type ImportFormat, type OperationContract, importSpec } from '../specs/index.ts';
import type { SpecChange } from '../plan/types.ts';

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
