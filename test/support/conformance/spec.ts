// Loads the official APIM 2024-05-01 swagger files at run time (they are read-only and must never be copied
// into the repo), resolves `$ref`s across files and indexes every operation by (method, path template) so a
// concrete ARM request can be mapped back to the operation the contract defines for it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A parsed JSON object; swagger documents are treated as untyped trees and narrowed where read. */
export type JsonObject = { [key: string]: unknown };

/** Repository root: this module lives in `<root>/test/support/conformance/`. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `../shared/apim-rest` relative to the repository root (spec/, common-types/, examples/). */
export const DEFAULT_APIM_REST_ROOT = resolve(REPO_ROOT, '..', 'shared', 'apim-rest');

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A raw swagger schema together with the file its relative `$ref`s are resolved against. */
export interface SchemaHandle {
  readonly file: string;
  readonly schema: unknown;
}

export interface SpecParameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  /** `x-ms-skip-url-encoding`: the value is inserted into the path verbatim. */
  readonly skipUrlEncoding: boolean;
  /** Swagger `enum` of a non-body parameter (e.g. the single constant `export=true`). */
  readonly enum?: readonly unknown[];
  /** Body parameters only. */
  readonly schema?: SchemaHandle;
}

export interface SpecResponse {
  /** A status code such as `"200"`, or `"default"`. */
  readonly status: string;
  readonly schema?: SchemaHandle;
  readonly headers: readonly string[];
}

export type TemplateSegment =
  | { readonly kind: 'literal'; readonly lower: string }
  | { readonly kind: 'param'; readonly name: string };

/** From an `x-ms-paths` key such as `/apis/{apiId}?export=true`; `value` is absent for `name={param}`. */
export interface QueryConstraint {
  readonly name: string;
  readonly value?: string;
}

export interface SpecOperation {
  readonly operationId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The key in `paths` / `x-ms-paths` as written in the spec (may carry a query part). */
  readonly key: string;
  /** The key without its query part. */
  readonly pathTemplate: string;
  readonly segments: readonly TemplateSegment[];
  readonly literalCount: number;
  readonly queryConstraints: readonly QueryConstraint[];
  /** Absolute path of the swagger file that defines the operation. */
  readonly file: string;
  readonly parameters: readonly SpecParameter[];
  /** Keyed by status code string or `default`. */
  readonly responses: ReadonlyMap<string, SpecResponse>;
  /** `x-ms-examples`: example name → example file name (e.g. `ApiManagementGetApiContract.json`). */
  readonly examples: ReadonlyMap<string, string>;
  readonly longRunning: boolean;
}

export interface OperationMatch {
  readonly operation: SpecOperation;
  /** Percent-decoded path parameter values. */
  readonly pathParams: Readonly<Record<string, string>>;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type QueryInput = URLSearchParams | string | Readonly<Record<string, QueryValue>>;

export interface RefTarget {
  readonly file: string;
  /** JSON pointer inside `file`, `''` for the whole document. */
  readonly pointer: string;
  readonly value: unknown;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(file: string): JsonObject {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isObject(parsed)) throw new Error(`${file}: expected a JSON object`);
  return parsed;
}

function listJsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listJsonFiles(full));
    else if (name.endsWith('.json')) out.push(full);
  }
  return out;
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Percent-decodes one path segment; a malformed escape is kept literally rather than failing the match. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Normalises every accepted query form into lower-cased names → values, because ARM treats query parameter
 * names case-insensitively (`api-version`, `$filter`).
 */
export function normalizeQuery(query: QueryInput | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  };
  if (query === undefined) return out;
  if (typeof query === 'string' || query instanceof URLSearchParams) {
    const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
    for (const [name, value] of params) add(name, value);
    return out;
  }
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) add(name, item);
    else add(name, String(value));
  }
  return out;
}

/**
 * Splits a request target into path and query. Accepts a bare ARM path or an absolute URL (a recorded
 * `nextLink` or `Location`), so the caller does not have to strip the emulator's origin first.
 */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q >= 0 ? { path: rest.slice(0, q), query: rest.slice(q + 1) } : { path: rest, query: '' };
}

function parseTemplate(key: string): { pathTemplate: string; segments: TemplateSegment[]; query: QueryConstraint[] } {
  const q = key.indexOf('?');
  const pathTemplate = q >= 0 ? key.slice(0, q) : key;
  const segments: TemplateSegment[] = pathTemplate
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      const param = /^\{([^}]+)\}$/.exec(s);
      if (param?.[1] !== undefined) return { kind: 'param', name: param[1] };
      if (s.includes('{')) throw new Error(`unsupported path template segment '${s}' in ${key}`);
      return { kind: 'literal', lower: s.toLowerCase() };
    });
  const query: QueryConstraint[] = [];
  if (q >= 0) {
    for (const part of key.slice(q + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const name = eq >= 0 ? part.slice(0, eq) : part;
      const value = eq >= 0 ? part.slice(eq + 1) : '';
      query.push(/^\{[^}]+\}$/.test(value) || value === '' ? { name } : { name, value });
    }
  }
  return { pathTemplate, segments, query };
}

export class ApimSpec {
  readonly root: string;
  readonly specDir: string;
  readonly commonTypesDir: string;
  readonly examplesDir: string;
  /** Absolute paths of the swagger files that define operations (spec/*.json). */
  readonly specFiles: readonly string[];
  readonly operations: readonly SpecOperation[];

  private readonly documents = new Map<string, JsonObject>();
  private readonly byOperationId = new Map<string, SpecOperation>();
  /** method → segment count → operations, so matching only scans plausible templates. */
  private readonly index = new Map<string, Map<number, SpecOperation[]>>();

  constructor(root: string = DEFAULT_APIM_REST_ROOT) {
    this.root = resolve(root);
    this.specDir = join(this.root, 'spec');
    this.commonTypesDir = join(this.root, 'common-types');
    this.examplesDir = join(this.root, 'examples');
    if (!existsSync(this.specDir)) {
      throw new Error(`APIM REST spec folder not found at ${this.specDir} (expected ../shared/apim-rest next to the repo)`);
    }
    this.specFiles = listJsonFiles(this.specDir).filter((f) => dirname(f) === this.specDir);
    // common-types are loaded eagerly as well so a discriminator search sees every definition.
    for (const file of [...this.specFiles, ...listJsonFiles(this.commonTypesDir)]) this.documents.set(file, readJson(file));

    const operations: SpecOperation[] = [];
    for (const file of this.specFiles) operations.push(...this.readOperations(file));
    this.operations = operations;
    for (const op of operations) {
      if (this.byOperationId.has(op.operationId)) throw new Error(`duplicate operationId ${op.operationId}`);
      this.byOperationId.set(op.operationId, op);
      let bySize = this.index.get(op.method);
      if (!bySize) this.index.set(op.method, (bySize = new Map()));
      const list = bySize.get(op.segments.length);
      if (list) list.push(op);
      else bySize.set(op.segments.length, [op]);
    }
  }

  /** Root-relative display name of a loaded file, for messages. */
  displayName(file: string): string {
    return relative(this.root, file);
  }

  document(file: string): JsonObject {
    const cached = this.documents.get(file);
    if (cached) return cached;
    if (!existsSync(file)) throw new Error(`$ref target file not found: ${file}`);
    const doc = readJson(file);
    this.documents.set(file, doc);
    return doc;
  }

  loadedDocuments(): ReadonlyMap<string, JsonObject> {
    return this.documents;
  }

  /**
   * Maps a `$ref` file part onto the local layout. The upstream files live in
   * `specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01/` and reach the shared
   * types with `../../../../../common-types/...`; locally `common-types/` is a sibling of `spec/`, so anything
   * after a `common-types/` segment is re-rooted there and every other path stays relative to the referring file.
   */
  resolveRefFile(fromFile: string, refFile: string): string {
    const marker = refFile.lastIndexOf('common-types/');
    if (marker >= 0) return join(this.commonTypesDir, refFile.slice(marker + 'common-types/'.length));
    return resolve(dirname(fromFile), refFile);
  }

  resolveRef(fromFile: string, ref: string): RefTarget {
    const hash = ref.indexOf('#');
    const filePart = hash >= 0 ? ref.slice(0, hash) : ref;
    const pointer = hash >= 0 ? ref.slice(hash + 1) : '';
    const file = filePart ? this.resolveRefFile(fromFile, filePart) : fromFile;
    let value: unknown = this.document(file);
    for (const raw of pointer.split('/').slice(1)) {
      const token = decodePointerToken(raw);
      if (Array.isArray(value)) value = value[Number(token)];
      else if (isObject(value)) value = value[token];
      else value = undefined;
      if (value === undefined) throw new Error(`unresolvable $ref '${ref}' from ${this.displayName(fromFile)}`);
    }
    return { file, pointer, value };
  }

  /** Follows `$ref` chains until a non-reference node. */
  deref(fromFile: string, node: unknown): RefTarget {
    let current: RefTarget = { file: fromFile, pointer: '', value: node };
    for (let hops = 0; isObject(current.value) && typeof current.value.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref cycle starting in ${this.displayName(fromFile)}`);
      current = this.resolveRef(current.file, current.value.$ref);
    }
    return current;
  }

  getOperation(operationId: string): SpecOperation | undefined {
    return this.byOperationId.get(operationId);
  }

  /**
   * Finds the operation serving `method path?query`. Literal segments compare case-insensitively (ARM does),
   * parameter segments are percent-decoded, and when several templates match the one whose `x-ms-paths` query
   * constraints are satisfied wins, then the one with the most literal segments.
   */
  match(method: string, target: string, query?: QueryInput): OperationMatch | undefined {
    const { path, query: inlineQuery } = splitTarget(target);
    const segments = path.split('/').filter((s) => s.length > 0);
    const candidates = this.index.get(method.toUpperCase())?.get(segments.length);
    if (!candidates) return undefined;
    const queryMap = normalizeQuery(inlineQuery);
    for (const [name, values] of normalizeQuery(query)) queryMap.set(name, [...(queryMap.get(name) ?? []), ...values]);

    let best: { match: OperationMatch; score: number } | undefined;
    for (const op of candidates) {
      const pathParams = matchSegments(op.segments, segments);
      if (!pathParams) continue;
      if (!satisfiesQuery(op.queryConstraints, queryMap)) continue;
      // Query constraints dominate: `apis/{apiId}?export=true` must beat the plain `apis/{apiId}` GET.
      const score = op.queryConstraints.length * 1000 + op.literalCount;
      if (!best || score > best.score) best = { match: { operation: op, pathParams }, score };
    }
    return best?.match;
  }

  /** Methods whose templates match the path, to explain a method mismatch in error messages. */
  methodsForPath(target: string): string[] {
    const { path } = splitTarget(target);
    const segments = path.split('/').filter((s) => s.length > 0);
    const methods: string[] = [];
    for (const [method, bySize] of this.index) {
      if ((bySize.get(segments.length) ?? []).some((op) => matchSegments(op.segments, segments))) methods.push(method);
    }
    return methods.sort();
  }

  private readOperations(file: string): SpecOperation[] {
    const doc = this.document(file);
    const out: SpecOperation[] = [];
    for (const section of ['paths', 'x-ms-paths']) {
      const paths = doc[section];
      if (!isObject(paths)) continue;
      for (const [key, rawItem] of Object.entries(paths)) {
        const item = this.deref(file, rawItem);
        if (!isObject(item.value)) continue;
        const shared = Array.isArray(item.value.parameters) ? item.value.parameters : [];
        for (const [verb, rawOp] of Object.entries(item.value)) {
          const method = verb.toUpperCase();
          if (!(HTTP_METHODS as readonly string[]).includes(method) || !isObject(rawOp)) continue;
          out.push(this.readOperation(item.file, key, method, rawOp, shared));
        }
      }
    }
    return out;
  }

  private readOperation(file: string, key: string, method: string, op: JsonObject, shared: unknown[]): SpecOperation {
    const operationId = typeof op.operationId === 'string' ? op.operationId : `${method} ${key}`;
    const { pathTemplate, segments, query } = parseTemplate(key);

    // Operation-level parameters override path-item ones with the same name and location.
    const params = new Map<string, SpecParameter>();
    for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
      const target = this.deref(file, raw);
      const p = target.value;
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') {
        throw new Error(`${operationId}: malformed parameter in ${this.displayName(file)}`);
      }
      params.set(`${p.in}:${p.name}`, {
        name: p.name,
        in: p.in,
        required: p.required === true || p.in === 'path',
        skipUrlEncoding: p['x-ms-skip-url-encoding'] === true,
        ...(Array.isArray(p.enum) ? { enum: p.enum } : {}),
        ...(p.in === 'body' && p.schema !== undefined ? { schema: { file: target.file, schema: p.schema } } : {}),
      });
    }
    for (const seg of segments) {
      if (seg.kind === 'param' && !params.has(`path:${seg.name}`)) {
        throw new Error(`${operationId}: path parameter {${seg.name}} is not declared`);
      }
    }

    const responses = new Map<string, SpecResponse>();
    if (isObject(op.responses)) {
      for (const [status, raw] of Object.entries(op.responses)) {
        const target = this.deref(file, raw);
        const r = target.value;
        if (!isObject(r)) throw new Error(`${operationId}: malformed response ${status}`);
        responses.set(status, {
          status,
          ...(r.schema !== undefined ? { schema: { file: target.file, schema: r.schema } } : {}),
          headers: isObject(r.headers) ? Object.keys(r.headers) : [],
        });
      }
    }

    const examples = new Map<string, string>();
    if (isObject(op['x-ms-examples'])) {
      for (const [name, ref] of Object.entries(op['x-ms-examples'])) {
        if (isObject(ref) && typeof ref.$ref === 'string') examples.set(name, ref.$ref.split('/').pop() ?? ref.$ref);
      }
    }

    return {
      operationId,
      method,
      key,
      pathTemplate,
      segments,
      literalCount: segments.filter((s) => s.kind === 'literal').length,
      queryConstraints: query,
      file,
      parameters: [...params.values()],
      responses,
      examples,
      longRunning: op['x-ms-long-running-operation'] === true,
    };
  }
}

function matchSegments(template: readonly TemplateSegment[], segments: readonly string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    const s = segments[i];
    if (t === undefined || s === undefined) return undefined;
    if (t.kind === 'literal') {
      if (decodeSegment(s).toLowerCase() !== t.lower) return undefined;
    } else {
      const value = decodeSegment(s);
      if (value.length === 0) return undefined;
      params[t.name] = value;
    }
  }
  return params;
}

function satisfiesQuery(constraints: readonly QueryConstraint[], query: ReadonlyMap<string, string[]>): boolean {
  return constraints.every((c) => {
    const values = query.get(c.name.toLowerCase());
    if (!values || values.length === 0) return false;
    return c.value === undefined || values.some((v) => v.toLowerCase() === c.value?.toLowerCase());
  });
}

const specCache = new Map<string, ApimSpec>();

/** Loads (once per root) and returns the spec; the default root is `../shared/apim-rest` next to the repo. */
export function loadSpec(root: string = DEFAULT_APIM_REST_ROOT): ApimSpec {
  const key = resolve(root);
  let spec = specCache.get(key);
  if (!spec) {
    spec = new ApimSpec(key);
    specCache.set(key, spec);
  }
  return spec;
}
