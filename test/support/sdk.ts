// The unmodified @azure/arm-apimanagement SDK, wired to an emulator the way a user would: endpoint, the CA
// certificate from the ready line, and any bearer token.
import { ApiManagementClient } from '@azure/arm-apimanagement';
import type { TokenCredential } from '@azure/core-auth';
import type { RunningEmulator } from '../../emulator/index.ts';

export const anyToken: TokenCredential = {
  getToken: async () => ({ token: 'emulator-token', expiresOnTimestamp: Date.now() + 3600_000 }),
};

export function sdkClient(emulator: Pick<RunningEmulator, 'endpoint' | 'subscriptionId' | 'caCert'>, options: { retries?: number } = {}): ApiManagementClient {
  return new ApiManagementClient(anyToken, emulator.subscriptionId, {
    endpoint: emulator.endpoint,
    tlsOptions: { ca: emulator.caCert },
    retryOptions: options.retries === undefined ? undefined : { maxRetries: options.retries },
  });
}

/** LRO polling without the SDK's default 2 s wait between polls. */
export const fastPoll = { updateIntervalInMs: 5 } as const;
