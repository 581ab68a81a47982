// `/_emulator/…`: the test knobs at run time, request counts, and the export download links. No bearer token,
// like the SAS blob links APIM hands out for exports.
import type { Instance, InstanceKnobs } from './context.ts';
import type { EngineResponse } from './engine.ts';
import { ArmError, badRequest } from './errors.ts';
import { isObject } from './json.ts';
import type { SubscriptionThrottle, ThrottlingSettings } from './throttling.ts';

export interface AdminInput {
  method: string;
  path: string;
  body: string;
  blobs: Map<string, { contentType: string; body: string }>;
  instances: Map<string, Instance>;
  throttle: SubscriptionThrottle;
  api: {
    setKnobs(label: string, knobs: Partial<InstanceKnobs>): void;
    setThrottling(settings: Partial<ThrottlingSettings>): void;
    counts(): Record<string, Record<string, number>>;
    resetCounts(): void;
    reset(label: string): void;
  };
}

const KNOB_TYPES: Record<keyof InstanceKnobs, (v: unknown) => boolean> = {
  latencyMs: (v) => typeof v === 'number' && v >= 0,
  jitterMs: (v) => typeof v === 'number' && v >= 0,
  down: (v) => v === false || v === 'unavailable' || v === 'hang',
  errorRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  errorStatus: (v) => v === 500 || v === 503,
  hangRate: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  hangNext: (v) => Number.isInteger(v) && (v as number) >= 0,
  loseNext: (v) => Number.isInteger(v) && (v as number) >= 0,
  importBusyMs: (v) => typeof v === 'number' && v >= 0,
  lroDurationMs: (v) => typeof v === 'number' && v >= 0,
};

function parseJson(body: string): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body);
  } catch {
    throw badRequest('The request body is not valid JSON.', 'InvalidRequestContent');
  }
}

function parseKnobs(body: string): Partial<InstanceKnobs> {
  const value = parseJson(body);
  if (!isObject(value)) throw badRequest('Knobs must be a JSON object.');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const check = KNOB_TYPES[key as keyof InstanceKnobs];
    if (!check) throw badRequest(`Unknown knob '${key}'; known: ${Object.keys(KNOB_TYPES).join(', ')}.`);
    if (!check(v)) throw badRequest(`Knob '${key}' has an invalid value.`);
    out[key] = v;
  }
  return out as Partial<InstanceKnobs>;
}

export function handleAdmin(input: AdminInput): EngineResponse {
  const parts = input.path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const [head, id, sub] = parts;
  if (head === 'blobs' && id && input.method === 'GET') {
    const blob = input.blobs.get(id);
    if (!blob) throw new ArmError(404, 'BlobNotFound', 'The specified blob does not exist.');
    return { status: 200, headers: { 'content-type': blob.contentType }, body: blob.body };
  }
  if (head === 'instances' && !id && input.method === 'GET') {
    const out: Record<string, unknown> = {};
    for (const [label, inst] of input.instances) out[label] = { serviceName: inst.ids.serviceName, knobs: inst.knobs, resources: inst.store.counts() };
    return { status: 200, body: out };
  }
  if (head === 'instances' && id && sub === 'knobs' && (input.method === 'PATCH' || input.method === 'PUT')) {
    if (!input.instances.has(id)) throw new ArmError(404, 'NotFound', `No instance '${id}'.`);
    input.api.setKnobs(id, parseKnobs(input.body));
    return { status: 200, body: input.instances.get(id)!.knobs };
  }
  if (head === 'instances' && id && sub === 'reset' && input.method === 'POST') {
    if (!input.instances.has(id)) throw new ArmError(404, 'NotFound', `No instance '${id}'.`);
    input.api.reset(id);
    return { status: 204 };
  }
  if (head === 'throttling' && !id) {
    if (input.method === 'GET') return { status: 200, body: input.throttle.settings };
    if (input.method === 'PATCH' || input.method === 'PUT') {
      const value = parseJson(input.body);
      if (!isObject(value)) throw badRequest('Throttling settings must be a JSON object.');
      input.api.setThrottling(value as unknown as Partial<ThrottlingSettings>);
      return { status: 200, body: input.throttle.settings };
    }
  }
  if (head === 'counts' && !id) {
    if (input.method === 'GET') return { status: 200, body: input.api.counts() };
    if (input.method === 'DELETE') {
      input.api.resetCounts();
      return { status: 204 };
    }
  }
  throw new ArmError(404, 'NotFound', `No emulator admin route ${input.method} ${input.path}.`);
}
