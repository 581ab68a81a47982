// Retries for what APIM's management plane answers transiently beyond what the SDK's own pipeline retries
// (the SDK retries 429/503 only with Retry-After, and 5xx/408 three times):
// - 429 without Retry-After (ARM throttling; the SDK gives up at once),
// - 409 "Operation on the API is in progress" (PessimisticConcurrencyConflict while an import settles; apiops #141, #379, #497),
// - 412 (a concurrent writer changed the entity; apiops retries it too),
// - 422 ManagementApiRequestFailed (APIM could not reach its own management endpoint; apiops #497, #689),
// - 5xx after the SDK's attempts,
// - a request with no answer within the timeout: core-rest-pipeline aborts it and throws an AbortError, which
//   its retry policy never retries (it retries RestErrors only), so one lost answer failed a region's publish.
//   Every request the toolkit sends may be sent again: GET, PUT (a whole resource), DELETE and the read-only
//   POST listValue — a PUT whose answer was lost and that is sent again writes the same thing.
// Backoff is exponential with full jitter, and honours Retry-After when the service gives one.
import { type PipelinePolicy, type PipelineRequest, type PipelineResponse, RestError } from '@azure/core-rest-pipeline';

export interface RetrySettings {
  maxRetries: number;
  /** retries of 5xx on top of the SDK's own three (a region that is down should fail in seconds, not minutes) */
  maxServerErrorRetries?: number;
  /** the SDK's own retries (core-rest-pipeline default: 3) */
  sdkMaxRetries?: number;
  /** per-request timeout in ms (default DEFAULT_REQUEST_TIMEOUT_MS of connect.ts) */
  requestTimeoutMs?: number;
  /** first backoff in ms; doubles each attempt */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 8, maxServerErrorRetries: 1, baseDelayMs: 500, maxDelayMs: 30_000 };

function retryAfterMs(response: PipelineResponse): number | undefined {
  const ms = response.headers.get('retry-after-ms') ?? response.headers.get('x-ms-retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const after = response.headers.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Whether APIM's answer is worth another try, judged by status and, for 409/422, by the error body. */
export function isTransient(status: number, bodyText: string | undefined): boolean {
  if (status === 429 || status === 412 || status === 408) return true;
  if (status >= 500 && status !== 501 && status !== 505) return true;
  if (status === 409) return /Operation on the API is in progress/i.test(bodyText ?? '');
  if (status === 422) return /ManagementApiRequestFailed/i.test(bodyText ?? '');
  return false;
}

export function backoffMs(attempt: number, settings: RetrySettings): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

/** The request timed out (nothing else aborts the toolkit's requests: it passes no abort signal of its own). */
function timedOut(error: unknown, request: PipelineRequest): boolean {
  return error instanceof Error && error.name === 'AbortError' && !request.abortSignal?.aborted;
}

/** What a request that got no answer in time fails with: which request, how long, how often. */
export function timeoutError(request: PipelineRequest, attempts: number): RestError {
  const url = new URL(request.url);
  const times = attempts === 1 ? 'once' : `${attempts} times`;
  return new RestError(`no answer within ${request.timeout} ms to ${request.method} ${url.host}${url.pathname} (sent ${times})`, { code: 'REQUEST_TIMEOUT', request });
}

export function apimRetryPolicy(settings: RetrySettings = DEFAULT_RETRY, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): PipelinePolicy {
  return {
    name: 'apiopsApimRetryPolicy',
    async sendRequest(request, next) {
      let attempt = 0;
      let timeouts = 0;
      for (;;) {
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (!timedOut(error, request)) throw error;
          // a region that does not answer at all fails as one that answers 5xx does: after a bounded few tries
          // (the error is not one the SDK's retry policy, outside this one, would send again)
          timeouts++;
          if (attempt >= settings.maxRetries || timeouts > (settings.maxServerErrorRetries ?? settings.maxRetries)) throw timeoutError(request, timeouts);
          await sleep(backoffMs(attempt++, settings));
          continue;
        }
        if (attempt >= settings.maxRetries || !isTransient(response.status, response.bodyAsText ?? undefined)) return response;
        if (response.status >= 500 && attempt >= (settings.maxServerErrorRetries ?? settings.maxRetries)) return response;
        // a 412 on a conditional write is a lost compare-and-swap, not a transient fault: the caller decides
        const ifMatch = request.headers.get('if-match');
        if (response.status === 412 && ifMatch !== undefined && ifMatch !== '*') return response;
        const wait = retryAfterMs(response) ?? backoffMs(attempt, settings);
        attempt++;
        await sleep(Math.min(wait, settings.maxDelayMs));
      }
    },
  };
}
