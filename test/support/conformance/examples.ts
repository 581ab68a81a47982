// Turns the official x-ms-examples files into replayable requests: each example is tied to the spec operation
// whose `x-ms-examples` references it, and its parameters are substituted into that operation's path template.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ApimSpec, SpecOperation } from './spec.ts';
import { isObject, loadSpec } from './spec.ts';

export interface ExampleResponse {
  readonly status: number;
  /** The example body; `undefined` when the example declares none (HEAD, 204, DELETE 200). */
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ExampleRequest {
  /** Example file name without `.json`, e.g. `ApiManagementGetApiContract`. */
  readonly name: string;
  /** Absolute path of the example file. */
  readonly file: string;
  /** Spec operationId, e.g. `Api_Get`. */
  readonly operationId: string;
  /** The `x-ms-examples` key(s) under which the spec lists this file. */
  readonly exampleNames: readonly string[];
  readonly method: string;
  /** ARM path with path parameters substituted and percent-encoded (no query). */
  readonly path: string;
  /** api-version and every other query parameter of the operation present in the example. */
  readonly query: Readonly<Record<string, string>>;
  /** `path?query`, ready to append to the emulator origin. */
  readonly url: string;
  /** Header parameters of the operation present in the example (e.g. `If-Match`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parameter's value (its name comes from the operation, usually `parameters`). */
  readonly body?: unknown;
  /** Raw (unencoded) path parameter values. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** Expected responses by status code. */
  readonly responses: Readonly<Record<number, ExampleResponse>>;
}

export interface SkippedExample {
  readonly file: string;
  readonly reason: string;
}

export interface ExampleCorpus {
  readonly examples: readonly ExampleRequest[];
  readonly skipped: readonly SkippedExample[];
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function exampleOwners(spec: ApimSpec): Map<string, { op: SpecOperation; names: string[] }[]> {
  const owners = new Map<string, { op: SpecOperation; names: string[] }[]>();
  for (const op of spec.operations) {
    for (const [name, file] of op.examples) {
      const list = owners.get(file) ?? [];
      const entry = list.find((e) => e.op === op);
      if (entry) entry.names.push(name);
      else list.push({ op, names: [name] });
      owners.set(file, list);
    }
  }
  return owners;
}

/** Builds the request an example describes, or explains why it cannot. */
export function buildExampleRequest(
  op: SpecOperation,
  file: string,
  example: unknown,
  exampleNames: readonly string[] = [],
): ExampleRequest | string {
  if (!isObject(example) || !isObject(example.parameters) || !isObject(example.responses)) {
    return 'not an x-ms-example (needs `parameters` and `responses` objects)';
  }
  const params = example.parameters;
  const pathParams: Record<string, string> = {};
  const segments: string[] = [];
  // Walk the template as written so literal segments keep the spec's casing.
  for (const raw of op.pathTemplate.split('/').filter((s) => s.length > 0)) {
    const name = /^\{([^}]+)\}$/.exec(raw)?.[1];
    if (name === undefined) {
      segments.push(raw);
      continue;
    }
    const value = params[name];
    if (value === undefined) return `path parameter '${name}' missing from the example`;
    const text = scalar(value);
    pathParams[name] = text;
    const def = op.parameters.find((p) => p.in === 'path' && p.name === name);
    segments.push(def?.skipUrlEncoding ? text : encodeURIComponent(text));
  }
  const path = `/${segments.join('/')}`;

  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let body: unknown;
  for (const p of op.parameters) {
    const value = params[p.name];
    if (p.in === 'query') {
      if (value !== undefined) query[p.name] = scalar(value);
      else if (p.required && p.enum?.length === 1) query[p.name] = scalar(p.enum[0]);
      else if (p.required) return `required query parameter '${p.name}' missing from the example`;
    } else if (p.in === 'header') {
      if (value !== undefined) headers[p.name] = scalar(value);
    } else if (p.in === 'body') {
      if (value !== undefined) body = value;
      else if (p.required) return `required body parameter '${p.name}' missing from the example`;
    }
  }
  // `x-ms-paths` query literals (e.g. `export=true`) are part of the operation's identity.
  for (const c of op.queryConstraints) {
    if (c.value !== undefined && query[c.name] === undefined) query[c.name] = c.value;
  }

  const responses: Record<number, ExampleResponse> = {};
  for (const [status, raw] of Object.entries(example.responses)) {
    const code = Number(status);
    if (!Number.isInteger(code)) return `response key '${status}' is not a status code`;
    const r = isObject(raw) ? raw : {};
    const responseHeaders: Record<string, string> = {};
    if (isObject(r.headers)) for (const [k, v] of Object.entries(r.headers)) responseHeaders[k] = scalar(v);
    responses[code] = { status: code, ...(r.body !== undefined ? { body: r.body } : {}), headers: responseHeaders };
  }

  const qs = new URLSearchParams(query).toString();
  return {
    name: basename(file, '.json'),
    file,
    operationId: op.operationId,
    exampleNames,
    method: op.method,
    path,
    query,
    url: qs ? `${path}?${qs}` : path,
    headers,
    ...(body !== undefined ? { body } : {}),
    pathParams,
    responses,
  };
}

/**
 * Loads every example in `<root>/examples/*.json` and ties it to the operation that references it from
 * `x-ms-examples` (by file name). Examples no operation references, or that cannot be turned into a request,
 * are returned in `skipped` with the reason.
 */
export function loadExampleCorpus(spec: ApimSpec = loadSpec()): ExampleCorpus {
  const dir = spec.examplesDir;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  const owners = exampleOwners(spec);
  const examples: ExampleRequest[] = [];
  const skipped: SkippedExample[] = [];
  for (const name of files) {
    const file = join(dir, name);
    const found = owners.get(name);
    if (!found || found.length === 0) {
      skipped.push({ file, reason: 'no spec operation references it in x-ms-examples' });
      continue;
    }
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    // Normally one owner; if several operations share an example, each gets its own request.
    for (const { op, names } of found) {
      const built = buildExampleRequest(op, file, parsed, names);
      if (typeof built === 'string') skipped.push({ file, reason: `${op.operationId}: ${built}` });
      else examples.push(built);
    }
  }
  return { examples, skipped };
}

/** The replayable examples (see `loadExampleCorpus` for the ones that were skipped and why). */
export function loadExamples(spec: ApimSpec = loadSpec()): ExampleRequest[] {
  return [...loadExampleCorpus(spec).examples];
}
