// What a request handler sees: the service, the ids it builds, and the emulator-wide settings.
import type { Kind } from '../core/kinds.ts';
import { armRelativePath } from '../core/kinds.ts';
import type { ServiceStore } from './store.ts';

export interface ServiceIds {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** `https://127.0.0.1:PORT` */
  endpoint: string;
}

export function serviceArmId(ids: ServiceIds): string {
  return `/subscriptions/${ids.subscriptionId}/resourceGroups/${ids.resourceGroup}/providers/Microsoft.ApiManagement/service/${ids.serviceName}`;
}

export function resourceArmId(ids: ServiceIds, kind: Kind, names: readonly string[]): string {
  return `${serviceArmId(ids)}/${armRelativePath(kind, names)}`;
}

/** Test knobs of one instance; all can change at run time through `/_emulator/instances/{label}/knobs`. */
export interface InstanceKnobs {
  /** fixed latency added to every request, in ms */
  latencyMs: number;
  /** random extra latency, 0..jitterMs */
  jitterMs: number;
  /** the instance is down: every request answers 503, or hangs until the client gives up */
  down: false | 'unavailable' | 'hang';
  /** share of requests (0..1) that fail with `errorStatus` */
  errorRate: number;
  errorStatus: 500 | 503;
  /** share of requests (0..1) that never get an answer */
  hangRate: number;
  /** the next this many requests never get an answer (counted down): one lost answer, deterministically */
  hangNext: number;
  /** the next this many writes (PUT, PATCH, DELETE) are carried out but their answers never sent */
  loseNext: number;
  /** after an API import, writes to that API answer 409 "Operation on the API is in progress" for this long */
  importBusyMs: number;
  /** how long long-running operations stay InProgress */
  lroDurationMs: number;
}

export const DEFAULT_KNOBS: InstanceKnobs = {
  latencyMs: 0,
  jitterMs: 0,
  down: false,
  errorRate: 0,
  errorStatus: 503,
  hangRate: 0,
  hangNext: 0,
  loseNext: 0,
  importBusyMs: 0,
  lroDurationMs: 0,
};

export interface Instance {
  /** the region label given at start (`eastus`) */
  label: string;
  ids: ServiceIds;
  store: ServiceStore;
  /** APIs whose import is still settling: api name (lower-case, root) → time the 409 window ends */
  busyApis: Map<string, number>;
  knobs: InstanceKnobs;
  /** requests served, by `METHOD kind` (kind `service`, `other` for routes outside the table) */
  counts: Map<string, number>;
}
