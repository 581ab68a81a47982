// The emulator's HTTPS front: ARM's checks (bearer token, api-version, subscription and resource group),
// the test knobs (latency, throttling, faults, request counts), then the engine. Answers are ARM-shaped
// always: no stack trace, no bare 500 for bad input, no hang unless a knob asks for one.
import { randomUUID } from 'node:crypto';
import { randomHex } from './random.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { type Instance, type InstanceKnobs, DEFAULT_KNOBS, serviceArmId } from './context.ts';
import { Engine, type EngineResponse } from './engine.ts';
import { ArmError } from './errors.ts';
import { Operations } from './lro.ts';
import { parsePath } from './router.ts';
import { seedInstance } from './seed.ts';
import { ServiceStore } from './store.ts';
import { DEFAULT_THROTTLING, SubscriptionThrottle, type ThrottlingSettings } from './throttling.ts';
import { budgetTypeOf } from '../core/live/limiter.ts';
import { handleAdmin } from './admin.ts';

export const SUPPORTED_API_VERSIONS = ['2024-05-01', '2022-08-01'];

export interface StartEmulatorOptions {
  /** 0 (default): any free port */
  port?: number;
  /** region labels, one APIM service each (default: ['eastus']) */
  instances?: string[];
  /** no built-in groups, products, subscriptions or Echo API */
  bare?: boolean;
  subscriptionId?: string;
  resourceGroup?: string;
  /** knobs every instance starts with */
  knobs?: Partial<InstanceKnobs>;
  throttling?: Partial<ThrottlingSettings>;
  /** default page size of list answers */
  pageSize?: number;
  /** called for every exchange (the conformance tests validate each one against the official spec) */
  onExchange?: (exchange: Exchange) => void;
}

export interface Exchange {
  method: string;
  /** path below the host, percent-encoded as requested */
  path: string;
  query: string;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
  responseHeaders: Record<string, string>;
}

export interface EmulatorInfo {
  endpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  instances: Record<string, string>;
  caCertPath: string;
}

export interface RunningEmulator extends EmulatorInfo {
  /** the CA certificate (PEM) to trust, e.g. `tlsOptions: { ca }` for the SDK */
  caCert: string;
  /** the running instances by label, for tests that look inside */
  instance(label: string): Instance;
  setKnobs(label: string, knobs: Partial<InstanceKnobs>): void;
  setThrottling(settings: Partial<ThrottlingSettings>): void;
  /** empties an instance and gives it a new instance's contents again (none with `bare`) */
  reset(label: string): void;
  /** request counts by instance label → `METHOD kind` → n */
  counts(): Record<string, Record<string, number>>;
  resetCounts(): void;
  close(): Promise<void>;
}

export function serviceNameFor(label: string): string {
  // APIM service names: ^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$, 1–50
  const clean = label.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'region';
  return `apim-${clean}`.slice(0, 50).replace(/-+$/, '');
}

interface Blob {
  contentType: string;
  body: string;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const labels = options.instances && options.instances.length > 0 ? options.instances : ['eastus'];
  const subscriptionId = options.subscriptionId ?? randomUUID();
  const resourceGroup = options.resourceGroup ?? 'rg-apiops-emulator';
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'apiops-emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const certDir = mkdtempSync(join(tmpdir(), 'apiops-emulator-'));
  const caCertPath = join(certDir, 'ca.pem');
  writeFileSync(caCertPath, pems.cert);

  const blobs = new Map<string, Blob>();
  const operations = new Operations();
  const throttle = new SubscriptionThrottle({ ...DEFAULT_THROTTLING, ...options.throttling });
  const hung = new Set<ServerResponse>();
  let endpoint = '';
  const engine = new Engine({
    get endpoint() {
      return endpoint;
    },
    operations,
    pageSize: options.pageSize ?? 100,
    blobs: {
      put(content) {
        const id = randomHex(16);
        blobs.set(id, content);
        return id;
      },
    },
  });

  const instances = new Map<string, Instance>();
  const byService = new Map<string, Instance>();
  for (const label of labels) {
    const serviceName = serviceNameFor(label);
    if (byService.has(serviceName.toLowerCase())) throw new Error(`instance labels ${label} and another give the same service name ${serviceName}`);
    const instance: Instance = {
      label,
      ids: {
        subscriptionId,
        resourceGroup,
        serviceName,
        get endpoint() {
          return endpoint;
        },
      },
      store: new ServiceStore(serviceName),
      busyApis: new Map(),
      knobs: { ...DEFAULT_KNOBS, ...options.knobs },
      counts: new Map(),
    };
    if (!options.bare) seedInstance(instance);
    instances.set(label, instance);
    byService.set(serviceName.toLowerCase(), instance);
  }

  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    void serve(req, res);
  });

  const instanceByLabel = (label: string): Instance => {
    const inst = instances.get(label);
    if (!inst) throw new Error(`no emulator instance '${label}'`);
    return inst;
  };

  const api = {
    setKnobs(label: string, knobs: Partial<InstanceKnobs>) {
      Object.assign(instanceByLabel(label).knobs, knobs);
    },
    setThrottling(settings: Partial<ThrottlingSettings>) {
      throttle.configure({ ...throttle.settings, ...settings });
    },
    counts() {
      const out: Record<string, Record<string, number>> = {};
      for (const [label, inst] of instances) out[label] = Object.fromEntries(inst.counts);
      return out;
    },
    resetCounts() {
      for (const inst of instances.values()) inst.counts.clear();
    },
    reset(label: string) {
      const inst = instanceByLabel(label);
      inst.store.clear();
      inst.busyApis.clear();
      if (!options.bare) seedInstance(inst);
    },
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // the latency knob is how long the instance takes to answer, counted from the request's arrival: reading the
    // body, routing and handling it are part of it, not added to it
    const arrived = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', endpoint);
    let rawBody = '';
    try {
      rawBody = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    let parsedBody: unknown = undefined;
    const respond = (response: EngineResponse) => {
      const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...response.headers };
      const clientRequestId = req.headers['x-ms-client-request-id'];
      if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
      let payload = '';
      if (response.body !== undefined && method !== 'HEAD') {
        payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
      headers['content-length'] = String(Buffer.byteLength(payload));
      res.writeHead(response.status, headers);
      res.end(payload);
      options.onExchange?.({
        method,
        path: url.pathname,
        query: url.search,
        status: response.status,
        requestBody: parsedBody,
        responseBody: method === 'HEAD' ? undefined : response.body,
        responseHeaders: headers,
      });
    };
    const fail = (error: ArmError) => respond({ status: error.status, headers: error.headers, body: error.body() });

    try {
      if (url.pathname.startsWith('/_emulator/')) {
        respond(handleAdmin({ method, path: url.pathname, body: rawBody, blobs, instances, throttle, api }));
        return;
      }
      const auth = req.headers.authorization;
      if (!auth) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      if (!/^Bearer\s+\S+/i.test(auth)) throw new ArmError(401, 'InvalidAuthenticationToken', "The access token is invalid. The 'Authorization' header must be 'Bearer <token>'.");
      const parsed = parsePath(url.pathname);
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion === null) throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      if (!SUPPORTED_API_VERSIONS.includes(apiVersion)) {
        throw new ArmError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${apiVersion}' is invalid. The supported versions are '${SUPPORTED_API_VERSIONS.join(',')}'. The supported api-versions are '${SUPPORTED_API_VERSIONS.join(', ')}'.`,
        );
      }
      if (throttle.settings.enabled) {
        const op = budgetTypeOf(method);
        const result = throttle.take(op);
        const remainingHeader = `x-ms-ratelimit-remaining-subscription-${op}`;
        if (!result.allowed) {
          const headers: Record<string, string> = { [remainingHeader]: '0' };
          if (!throttle.settings.omitRetryAfter) headers['retry-after'] = String(result.retryAfterSeconds);
          const kind = op === 'reads' ? 'read' : op === 'writes' ? 'write' : 'delete';
          throw new ArmError(
            429,
            'SubscriptionRequestsThrottled',
            `Number of '${kind}' requests for subscription '${subscriptionId}' actor 'apiops' exceeded. Please try again after '${result.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
            { headers },
          );
        }
        res.setHeader(remainingHeader, String(result.remaining));
      }
      if (!parsed) throw new ArmError(404, 'NotFound', `The requested resource '${url.pathname}' does not exist.`);
      if (parsed.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
        throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${parsed.subscriptionId}' could not be found.`);
      }
      if (parsed.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) {
        throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${parsed.resourceGroup}' could not be found.`);
      }
      const instance = byService.get(parsed.serviceName.toLowerCase());
      if (!instance) {
        throw new ArmError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.ApiManagement/service/${parsed.serviceName}' under resource group '${parsed.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
      }
      const route = parsed.route;
      const countKey = `${method} ${route && 'kind' in route ? route.kind : route?.type === 'revisions' ? 'api' : route?.type === 'operationResult' ? 'operationResult' : route?.type === 'service' ? 'service' : 'other'}`;
      instance.counts.set(countKey, (instance.counts.get(countKey) ?? 0) + 1);
      const k = instance.knobs;
      // The latency knob is how long the instance takes to answer, its own work included: the request is handled
      // at once and its answer held until then. (Handled after the wait, the work of every request whose wait ended
      // together — an import parses a whole document — would queue on the emulator's one thread and add to their
      // latency, which APIM's many servers do not.) Faults are decided at once too: a region that is down changes
      // nothing.
      const answerAt = arrived + k.latencyMs + (k.jitterMs > 0 ? Math.random() * k.jitterMs : 0);
      const held = async () => {
        const delay = answerAt - performance.now();
        if (delay > 0) await sleep(delay);
      };
      if (k.down === 'hang' || (k.hangNext > 0 && k.hangNext--) || (k.hangRate > 0 && Math.random() < k.hangRate)) {
        // never answer: the client's own timeout is what ends this request
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      let response: EngineResponse;
      try {
        if (k.down === 'unavailable') throw new ArmError(503, 'ServiceUnavailable', `The service '${instance.ids.serviceName}' is currently unavailable.`);
        if (k.errorRate > 0 && Math.random() < k.errorRate) {
          throw new ArmError(k.errorStatus, k.errorStatus === 503 ? 'ServiceUnavailable' : 'InternalServerError', 'Injected failure (emulator errorRate knob).');
        }
        if (!route) throw new ArmError(404, 'NotFound', `The requested resource '${url.pathname}' does not exist.`);
        if (rawBody.length > 0 && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
          try {
            parsedBody = JSON.parse(rawBody.charCodeAt(0) === 0xfeff ? rawBody.slice(1) : rawBody);
          } catch (error) {
            throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${error instanceof Error ? error.message : String(error)}'.`);
          }
        }
        response = engine.handle(instance, {
          method,
          route,
          query: url.searchParams,
          headers: req.headers,
          body: parsedBody,
          apiVersion,
          path: url.pathname,
        });
      } catch (error) {
        // an error is answered after the latency too (an emulator bug at once, below)
        if (error instanceof ArmError) await held();
        throw error;
      }
      await held();
      if (k.loseNext > 0 && (method === 'PUT' || method === 'PATCH' || method === 'DELETE')) {
        // carried out, but the answer is lost on its way: the client's timeout ends the request
        k.loseNext--;
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      respond(response);
    } catch (error) {
      if (error instanceof ArmError) {
        fail(error);
        return;
      }
      // a bug of the emulator: still an ARM-shaped answer, with enough to find it
      process.stderr.write(`apiops emulator: internal error on ${method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      fail(new ArmError(500, 'InternalServerError', `The emulator failed to process the request: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    subscriptionId,
    resourceGroup,
    instances: Object.fromEntries([...instances].map(([label, inst]) => [label, inst.ids.serviceName])),
    caCertPath,
    caCert: pems.cert,
    instance: instanceByLabel,
    ...api,
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}

export function serviceUrl(info: EmulatorInfo, label: string): string {
  const name = info.instances[label];
  if (!name) throw new Error(`no instance ${label}`);
  return `${info.endpoint}${serviceArmId({ subscriptionId: info.subscriptionId, resourceGroup: info.resourceGroup, serviceName: name, endpoint: info.endpoint })}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // APIM caps request bodies; refusing huge ones keeps the emulator's memory bounded
      if (size > 64 * 1024 * 1024) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
