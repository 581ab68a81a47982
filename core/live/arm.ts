// Generic ARM access to one APIM instance, driven by the kinds table: every kind is read, listed, written and
// deleted the same way through the SDK client's pipeline. (Going through the pipeline rather than the typed
// operation groups keeps one code path for every kind, and avoids SDK 10's ApiPolicy_Get, which is marked
// isXML and so reads no `properties.value` out of APIM's JSON answer.)
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { type Kind, armRelativePath, kindSpec } from '../kinds.ts';
import type { JsonObject } from '../state.ts';
import type { Connection } from './connect.ts';
import { LiveError, liveErrorFrom } from './errors.ts';

export interface ArmContract {
  id: string;
  name: string;
  type?: string;
  properties: JsonObject;
}

export interface ArmResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function encodePath(relative: string): string {
  return relative
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export class Arm {
  readonly conn: Connection;
  /** how long to wait between LRO polls when APIM gives no Retry-After */
  readonly pollIntervalMs: number;

  constructor(conn: Connection, options: { pollIntervalMs?: number } = {}) {
    this.conn = conn;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  /** URL of a path below the service (`apis/a`), or an absolute URL as APIM handed it out. */
  url(pathOrUrl: string, query: Record<string, string> = {}): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    const params = new URLSearchParams({ 'api-version': this.conn.apiVersion, ...query });
    const rel = pathOrUrl ? `/${encodePath(pathOrUrl)}` : '';
    return `${this.conn.endpoint}${this.conn.servicePath}${rel}?${params.toString()}`;
  }

  async send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ArmResponse> {
    const request = createPipelineRequest({
      url,
      method: method as 'GET',
      headers: createHttpHeaders({ accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }),
      body: body === undefined ? undefined : JSON.stringify(body),
      timeout: this.conn.requestTimeoutMs,
    });
    const response = await this.conn.client.sendRequest(request);
    let parsed: unknown;
    const text = response.bodyAsText ?? '';
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // APIM sometimes answers a policy PUT with the raw XML (apiops-cli); keep the text
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers.toJSON(), body: parsed };
  }

  async #check(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ArmResponse> {
    const res = await this.send(method, url, body, headers);
    if (res.status >= 400) throw liveErrorFrom({ status: res.status, body: res.body, method, path: new URL(url).pathname });
    return res;
  }

  /** One resource, or undefined when APIM answers 404. */
  async get(kind: Kind, names: readonly string[], query: Record<string, string> = {}): Promise<ArmContract | undefined> {
    const url = this.url(armRelativePath(kind, names), query);
    const res = await this.send('GET', url);
    if (res.status === 404) return undefined;
    if (res.status >= 400) throw liveErrorFrom({ status: res.status, body: res.body, method: 'GET', path: new URL(url).pathname });
    return res.body as ArmContract;
  }

  /** One resource with its ETag (for compare-and-swap writes), or undefined when APIM answers 404. */
  async getWithEtag(kind: Kind, names: readonly string[]): Promise<{ contract: ArmContract; etag: string } | undefined> {
    const url = this.url(armRelativePath(kind, names));
    const res = await this.send('GET', url);
    if (res.status === 404) return undefined;
    if (res.status >= 400) throw liveErrorFrom({ status: res.status, body: res.body, method: 'GET', path: new URL(url).pathname });
    return { contract: res.body as ArmContract, etag: res.headers.etag ?? '' };
  }

  /** A request to any path below the service (legacy association routes, actions). */
  async request(method: string, path: string, options: { body?: unknown; query?: Record<string, string> } = {}): Promise<ArmResponse> {
    const url = this.url(path, options.query);
    const res = await this.#check(method, url, options.body);
    await this.#awaitOperation(res, method, url);
    return res;
  }

  /** Every item of a collection, following nextLink page by page. */
  async *list(kind: Kind, parentNames: readonly string[], query: Record<string, string> = {}): AsyncGenerator<ArmContract> {
    const parent = kindSpec(kind).parent;
    const prefix = parent ? `${armRelativePath(parent, parentNames)}/` : '';
    let url: string | undefined = this.url(`${prefix}${kindSpec(kind).arm.segment}`, query);
    while (url) {
      const res = await this.#check('GET', url);
      const page = res.body as { value?: ArmContract[]; nextLink?: string | null };
      for (const item of page.value ?? []) yield item;
      url = page.nextLink ? page.nextLink : undefined;
    }
  }

  async listAll(kind: Kind, parentNames: readonly string[], query: Record<string, string> = {}): Promise<ArmContract[]> {
    const out: ArmContract[] = [];
    for await (const item of this.list(kind, parentNames, query)) out.push(item);
    return out;
  }

  /**
   * PUT a resource and wait for it, long-running or not; returns what APIM holds afterwards. `read: false` skips
   * the GET after a long-running write (the publisher does not need the answer: one request less per API).
   */
  async put(kind: Kind, names: readonly string[], body: JsonObject, options: { query?: Record<string, string>; ifMatch?: string; read?: boolean } = {}): Promise<ArmContract | undefined> {
    const url = this.url(armRelativePath(kind, names), options.query);
    const res = await this.#check('PUT', url, body, options.ifMatch ? { 'if-match': options.ifMatch } : {});
    if (await this.#awaitOperation(res, 'PUT', url)) {
      return options.read === false ? undefined : this.get(kind, names);
    }
    return typeof res.body === 'object' ? (res.body as ArmContract) : undefined;
  }

  async delete(kind: Kind, names: readonly string[], options: { query?: Record<string, string> } = {}): Promise<void> {
    const url = this.url(armRelativePath(kind, names), options.query);
    const res = await this.send('DELETE', url, undefined, { 'if-match': '*' });
    if (res.status === 404) return;
    if (res.status >= 400) throw liveErrorFrom({ status: res.status, body: res.body, method: 'DELETE', path: new URL(url).pathname });
    await this.#awaitOperation(res, 'DELETE', url);
  }

  /** POST an action (`namedValues/x/listValue`). */
  async action(kind: Kind, names: readonly string[], action: string): Promise<unknown> {
    const url = this.url(`${armRelativePath(kind, names)}/${action}`);
    return (await this.#check('POST', url)).body;
  }

  /** Polls APIM's Azure-AsyncOperation until the operation ends; true when there was one. */
  async #awaitOperation(res: ArmResponse, method: string, url: string): Promise<boolean> {
    const asyncUrl = res.headers['azure-asyncoperation'];
    const location = res.headers.location;
    if (!asyncUrl && !(location && res.status === 202)) return false;
    for (;;) {
      const poll = await this.#check('GET', asyncUrl ?? location!);
      const body = poll.body as { status?: string; error?: unknown } | undefined;
      const status = (body?.status ?? (poll.status === 202 ? 'InProgress' : 'Succeeded')).toLowerCase();
      if (status === 'succeeded') return true;
      if (status === 'failed' || status === 'canceled' || status === 'cancelled') {
        throw liveErrorFrom({ status: 400, body: { error: body?.error ?? { code: 'OperationFailed', message: 'The long-running operation failed.' } }, method, path: new URL(url).pathname });
      }
      const after = Number(poll.headers['retry-after']);
      await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? Math.min(after * 1000, this.pollIntervalMs) : this.pollIntervalMs));
    }
  }

  /** Downloads an export link: APIM's SAS blob URLs take no bearer token, so this goes around the pipeline. */
  async download(link: string): Promise<string> {
    const { request } = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = request(link, { method: 'GET', ca: this.conn.target.caCert }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(new LiveError({ status: res.statusCode ?? 0, code: 'DownloadFailed', message: `downloading the export failed: ${res.statusCode}`, method: 'GET', path: new URL(link).pathname }));
          else resolve(text);
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
}
