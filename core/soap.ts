// The operations of a SOAP API (imported from WSDL) across instances. APIM names them with ids it generates at
// import — 24 hex digits such as 57d2ef278aa04f0ad01d6cdc — different in every instance (azure-docs #119237), so
// an operation policy kept under one instance's id names no operation in another ("Entity with specified
// identifier not found": apiops #399, #474, #538). Git names a SOAP API's operations as the WSDL does (the name
// this toolkit's import of the document gives each, as for any other format); an operation is found in an
// instance by what the WSDL fixes and APIM keeps: its method and URL template (`POST /?soapAction=…`).
import { type Kind, ancestry, armRelativePath, kindSpec } from './kinds.ts';
import { parseResourceId } from './files/ids.ts';
import { type Resource, State } from './state.ts';
import { specOperations } from './diff/spec.ts';

/** A kind that lives below an API's operation (its policy): named, in a target, after the operation's id there. */
export function isBelowOperation(kind: Kind): boolean {
  const chain = ancestry(kind);
  return chain.length > 2 && chain[1] === 'apiOperation';
}

/** An API whose operations come from a WSDL document. */
export function isSoapApi(api: Resource | undefined): boolean {
  return api?.kind === 'api' && api.specification?.format === 'wsdl';
}

/** What identifies an operation of a SOAP API in every instance. */
export function routeOf(method: unknown, urlTemplate: unknown): string {
  return `${String(method ?? '').toUpperCase()} ${String(urlTemplate ?? '')}`;
}

/** Git's name of each operation of a SOAP API, by route (null: not a SOAP API, or its document does not import). */
export function soapNamesByRoute(api: Resource | undefined): Map<string, string> | null {
  if (!isSoapApi(api)) return null;
  const operations = specOperations(api!.specification!);
  if (!operations) return null;
  return new Map(operations.map((o) => [routeOf(o.method, o.urlTemplate), o.name]));
}

/** The route of the operation Git names `name` in a SOAP API, or undefined. */
export function soapRouteOf(api: Resource | undefined, name: string): string | undefined {
  const names = soapNamesByRoute(api);
  if (!names) return undefined;
  const wanted = name.toLowerCase();
  for (const [route, n] of names) if (n.toLowerCase() === wanted) return route;
  return undefined;
}

/**
 * The live State with the operations of SOAP APIs, and what is below them (their policies), under the names
 * `named` gives them — Git's State for a plan, or the instance's own exported WSDL for an extraction. An
 * operation whose route the document does not have keeps APIM's id. Returns `live` itself when nothing moves.
 */
export function withSoapOperationNames(live: State, named: State): State {
  const moves = new Map<string, string>(); // `${api}\u0000${id}` (folded) → Git's name
  for (const api of live.list('api')) {
    const names = soapNamesByRoute(named.get('api', api.names));
    if (!names) continue;
    for (const op of live.children('apiOperation', api.names)) {
      const gitName = names.get(routeOf(op.properties.method, op.properties.urlTemplate));
      if (gitName !== undefined && gitName !== op.names[1]) moves.set(`${api.names[0]}\u0000${op.names[1]}`.toLowerCase(), gitName);
    }
  }
  if (moves.size === 0) return live;
  const moved = (r: Resource): Resource => {
    const link = kindSpec(r.kind).link;
    if (link?.target === 'apiOperation' && link.property) {
      // a link to an operation (a tag's) names it in a property: `/apis/<api>/operations/<id>`
      const target = parseResourceId(String(r.properties[link.property] ?? ''), ['apiOperation']);
      const gitName = target && moves.get(`${target.names[0]}\u0000${target.names[1]}`.toLowerCase());
      return gitName ? { ...r, properties: { ...r.properties, [link.property]: `/${armRelativePath('apiOperation', [target.names[0]!, gitName])}` } } : r;
    }
    if (r.kind !== 'apiOperation' && !isBelowOperation(r.kind)) return r;
    const gitName = moves.get(`${r.names[0]}\u0000${r.names[1]}`.toLowerCase());
    return gitName === undefined ? r : { ...r, names: [r.names[0]!, gitName, ...r.names.slice(2)] };
  };
  return State.from(live.list().map(moved));
}
