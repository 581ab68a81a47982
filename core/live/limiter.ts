// One throttle per Azure subscription, shared by every target in it: ARM's token buckets are per subscription
// (and principal) and operation type, so when one region's requests are throttled, the others' would be too.
// Two mechanisms, both shared by all targets of the subscription:
// - pacing: ARM tells what is left of a bucket on every answer (`x-ms-ratelimit-remaining-subscription-reads`,
//   `-writes`, `-deletes`). Once a bucket is empty, requests of that type are sent at ARM's documented refill
//   rate instead of all at once: a burst into an empty bucket earns only 429s, and throttled requests count
//   against the budget too (azurerm #7694), so they would keep the bucket empty. Without these headers (an
//   emulator without throttling) nothing is paced, and many requests in flight cost nothing.
// - the gate: on a 429 every request of the subscription waits until Retry-After has passed, instead of each
//   target hammering the same empty bucket.
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** ARM's operation types, each with its own bucket */
export type BudgetType = 'reads' | 'writes' | 'deletes';

/** ARM's buckets per subscription and principal (Learn, "Understand how ARM throttles requests", 2024) */
export const ARM_BUCKETS: Record<BudgetType, { capacity: number; refillPerSecond: number }> = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

/** What the client knows of one of ARM's buckets. */
class Budget {
  /** ARM's last word on the tokens left, less the requests in flight and sent since; undefined until ARM says */
  #left: number | undefined;
  /** when #left was last set */
  #at = 0;
  /** requests sent so far: each request's number tells which answer is the freshest */
  #sent = 0;
  /** requests sent and not yet answered */
  #inFlight = 0;
  /** the number of the latest-sent request whose answer has been observed */
  #freshest = -1;
  /** the most tokens ARM has been seen to hold: the refill never fills the bucket beyond its size */
  #size = 0;
  readonly #refillPerSecond: number;

  constructor(refillPerSecond: number) {
    this.#refillPerSecond = refillPerSecond;
  }

  /** the tokens the client counts on (ARM's last word less what was sent since, before refill); undefined: not paced */
  get estimate(): number | undefined {
    return this.#left;
  }

  /**
   * Waits until the bucket should hold a token, and no earlier than `pausedUntil()` (the subscription's gate), and
   * takes it; answers the request's number.
   */
  async take(pausedUntil: () => number): Promise<number> {
    for (;;) {
      const paused = pausedUntil() - Date.now();
      if (paused > 0) {
        await new Promise((resolve) => setTimeout(resolve, paused));
        continue;
      }
      if (this.#left === undefined || this.#left >= 1) break;
      // empty: count on ARM's refill since its last word, and no faster (the next answer corrects the estimate)
      const now = Date.now();
      const left = this.#refilled(now);
      if (left >= 1) {
        this.#left = left;
        this.#at = now;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - left) / this.#refillPerSecond) * 1000)));
    }
    if (this.#left !== undefined) this.#left -= 1;
    this.#inFlight += 1;
    return this.#sent++;
  }

  /** the estimate with ARM's refill since it was set, up to the bucket's size */
  #refilled(now: number): number {
    const left = this.#left ?? 0;
    return Math.max(left, Math.min(this.#size, left + (Math.max(0, now - this.#at) / 1000) * this.#refillPerSecond));
  }

  /** A request is answered (or failed): it no longer waits to be counted by ARM. */
  settle(): void {
    this.#inFlight -= 1;
  }

  /**
   * ARM answered request `number` with `remaining` tokens left, counted when that request arrived. The requests
   * still in flight may arrive after it (requests overtake each other on their many connections; a new
   * connection's handshake delays its first), so all of them are counted as still to come. The answer to the
   * latest-sent request is ARM's freshest word and sets the estimate (ARM may refill faster than documented: the
   * global limits, or a bucket full after a pause); an older one can only lower it. An answer that does not say
   * (ARM's buckets not in force) ends the pacing.
   */
  observe(number: number, remaining: number | undefined, sentAt: number): void {
    const fresh = number >= this.#freshest;
    if (fresh) this.#freshest = number;
    // ARM counted the tokens when the request arrived, about halfway between sending and the answer: the refill
    // since then is the client's to count on
    const now = sentAt + (Date.now() - sentAt) / 2;
    if (remaining === undefined) {
      if (fresh) this.#left = undefined;
      return;
    }
    this.#size = Math.max(this.#size, remaining + 1);
    const left = remaining - this.#inFlight;
    if (fresh || this.#left === undefined) this.#left = left;
    else this.#left = Math.min(this.#refilled(now), left);
    this.#at = now;
  }
}

interface SubscriptionGate {
  /** epoch ms before which no request of the subscription is sent */
  pausedUntil: number;
  /** 429s seen, for reports */
  throttled: number;
  budgets: Record<BudgetType, Budget>;
}

const GATES = new Map<string, SubscriptionGate>();

export function subscriptionGate(subscriptionId: string): SubscriptionGate {
  const key = subscriptionId.toLowerCase();
  let gate = GATES.get(key);
  if (!gate) {
    const budgets = { reads: new Budget(ARM_BUCKETS.reads.refillPerSecond), writes: new Budget(ARM_BUCKETS.writes.refillPerSecond), deletes: new Budget(ARM_BUCKETS.deletes.refillPerSecond) };
    GATES.set(key, (gate = { pausedUntil: 0, throttled: 0, budgets }));
  }
  return gate;
}

/** ARM counts GET and HEAD as reads, DELETE as deletes, everything else (PUT, PATCH, POST) as writes. */
export function budgetTypeOf(method: string): BudgetType {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' ? 'reads' : m === 'DELETE' ? 'deletes' : 'writes';
}

/** the headers that tell what is left: the principal's bucket and the subscription's global one */
const REMAINING_HEADERS: Record<BudgetType, readonly string[]> = {
  reads: ['x-ms-ratelimit-remaining-subscription-reads', 'x-ms-ratelimit-remaining-subscription-global-reads'],
  writes: ['x-ms-ratelimit-remaining-subscription-writes', 'x-ms-ratelimit-remaining-subscription-global-writes'],
  deletes: ['x-ms-ratelimit-remaining-subscription-deletes', 'x-ms-ratelimit-remaining-subscription-global-deletes'],
};

/** The fewest tokens ARM says are left, of the principal's bucket and the subscription's global one. */
function remainingOf(headers: { get(name: string): string | undefined }, type: BudgetType): number | undefined {
  let least: number | undefined;
  for (const name of REMAINING_HEADERS[type]) {
    const value = headers.get(name);
    const n = value === undefined ? NaN : Number(value);
    if (Number.isFinite(n) && n >= 0) least = least === undefined ? n : Math.min(least, n);
  }
  return least;
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
      const type = budgetTypeOf(request.method);
      const budget = gate.budgets[type];
      const number = await budget.take(() => gate.pausedUntil);
      const sentAt = Date.now();
      let response;
      try {
        response = await next(request);
      } finally {
        budget.settle();
      }
      const remaining = remainingOf(response.headers, type);
      if (response.status === 429) {
        gate.throttled++;
        gate.pausedUntil = Math.max(gate.pausedUntil, Date.now() + retryAfterMs(response.headers.get('retry-after')));
        budget.observe(number, remaining ?? 0, sentAt);
      } else budget.observe(number, remaining, sentAt);
      return response;
    },
  };
}
