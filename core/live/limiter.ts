// One throttle per Azure subscription, shared by every target in it: ARM's token buckets are per subscription
// (and principal), so when one region's requests are throttled, the others' would be too. On a 429 every
// connection of that subscription holds its requests until Retry-After has passed, instead of each target
// hammering the same empty bucket.
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

interface SubscriptionGate {
  /** epoch ms before which no request of the subscription is sent */
  pausedUntil: number;
  /** 429s seen, for reports */
  throttled: number;
}

const GATES = new Map<string, SubscriptionGate>();

export function subscriptionGate(subscriptionId: string): SubscriptionGate {
  const key = subscriptionId.toLowerCase();
  let gate = GATES.get(key);
  if (!gate) GATES.set(key, (gate = { pausedUntil: 0, throttled: 0 }));
  return gate;
}

function retryAfterMs(value: string | undefined): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

export function subscriptionThrottlePolicy(subscriptionId: string): PipelinePolicy {
  const gate = subscriptionGate(subscriptionId);
  return {
    name: 'apiopsSubscriptionThrottlePolicy',
    async sendRequest(request, next) {
      const wait = gate.pausedUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const response = await next(request);
      if (response.status === 429) {
        gate.throttled++;
        gate.pausedUntil = Math.max(gate.pausedUntil, Date.now() + retryAfterMs(response.headers.get('retry-after')));
      }
      return response;
    },
  };
}
