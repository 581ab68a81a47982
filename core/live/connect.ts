// One connection to one APIM instance: the unmodified SDK client (its pipeline brings authentication, TLS,
// the SDK's retries) plus the APIM-aware retries of retry.ts.
import { ApiManagementClient } from '@azure/arm-apimanagement';
import type { TokenCredential } from '@azure/core-auth';
import { type RetrySettings, DEFAULT_RETRY, apimRetryPolicy } from './retry.ts';
import { subscriptionThrottlePolicy } from './limiter.ts';

export interface LiveTarget {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** ARM endpoint; default https://management.azure.com (an emulator's, or a sovereign cloud's) */
  endpoint?: string;
  /** PEM of the CA to trust (the emulator's self-signed certificate): as Node's `ca`, it replaces the system's list */
  caCert?: string;
  credential: TokenCredential;
}

export interface Connection {
  target: LiveTarget;
  client: ApiManagementClient;
  /** `https://management.azure.com` or the emulator's origin */
  endpoint: string;
  /** `/subscriptions/…/providers/Microsoft.ApiManagement/service/<name>` */
  servicePath: string;
  apiVersion: string;
  /** a request with no answer after this long fails (and is retried): a hung region cannot hang a publish */
  requestTimeoutMs: number;
}

/** APIM answers within seconds; large imports take longer (apiops #689), so the default is generous. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export const API_VERSION = '2024-05-01';

const UNUSED_POLICIES = ['serializationPolicy', 'deserializationPolicy', 'formDataPolicy', 'multipartPolicy', 'tracingPolicy'];

export function connect(target: LiveTarget, options: { retry?: RetrySettings; requestTimeoutMs?: number } = {}): Connection {
  const endpoint = (target.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');
  const client = new ApiManagementClient(target.credential, target.subscriptionId, {
    endpoint,
    tlsOptions: target.caCert ? { ca: target.caCert } : undefined,
    retryOptions: options.retry?.sdkMaxRetries === undefined ? undefined : { maxRetries: options.retry.sdkMaxRetries },
  });
  // Every request goes through Arm.send with a ready JSON body and parses its own answer (core/live/arm.ts), never
  // through the typed operations: the policies that serve those (operation-spec (de)serialisation, form data)
  // and OpenTelemetry spans nobody collects only cost CPU — about a fifth of the publisher's per-request time
  // when a full publish sends thousands of policy PUTs.
  for (const name of UNUSED_POLICIES) client.pipeline.removePolicy({ name });
  client.pipeline.addPolicy(apimRetryPolicy(options.retry ?? DEFAULT_RETRY), { phase: 'Retry' });
  // below the retries: every attempt waits for the subscription's gate
  client.pipeline.addPolicy(subscriptionThrottlePolicy(target.subscriptionId), { afterPhase: 'Retry' });
  const servicePath = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.ApiManagement/service/${target.serviceName}`;
  return { target, client, endpoint, servicePath, apiVersion: API_VERSION, requestTimeoutMs: options.requestTimeoutMs ?? options.retry?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
}

/** A credential for emulators: they take any bearer token. */
export const EMULATOR_CREDENTIAL: TokenCredential = {
  getToken: async () => ({ token: 'apiops-emulator', expiresOnTimestamp: Date.now() + 3600_000 }),
};
