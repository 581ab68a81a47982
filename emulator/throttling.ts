// ARM's regional token bucket (Microsoft Learn "Understand how Azure Resource Manager throttles requests"):
// per subscription, separate buckets for reads (250, +25/s), writes (200, +10/s) and deletes (200, +10/s).
// Every regional APIM instance in one subscription draws from the same buckets, which is why the publisher
// shares one limiter per subscription.

// (the buckets and which requests draw from which are ARM's facts, shared with the client's pacing)
import { ARM_BUCKETS, type BudgetType } from '../core/live/limiter.ts';

export interface BucketSettings {
  capacity: number;
  refillPerSecond: number;
}

export interface ThrottlingSettings {
  enabled: boolean;
  reads: BucketSettings;
  writes: BucketSettings;
  deletes: BucketSettings;
  /** answer 429 without Retry-After (the SDK does not retry those; the toolkit must) */
  omitRetryAfter: boolean;
}

export const DEFAULT_THROTTLING: ThrottlingSettings = {
  enabled: false,
  reads: ARM_BUCKETS.reads,
  writes: ARM_BUCKETS.writes,
  deletes: ARM_BUCKETS.deletes,
  omitRetryAfter: false,
};

class Bucket {
  tokens: number;
  last: number;
  constructor(private settings: BucketSettings) {
    this.tokens = settings.capacity;
    this.last = Date.now();
  }
  configure(settings: BucketSettings): void {
    this.settings = settings;
    this.tokens = Math.min(this.tokens, settings.capacity);
  }
  refill(now: number): void {
    this.tokens = Math.min(this.settings.capacity, this.tokens + ((now - this.last) / 1000) * this.settings.refillPerSecond);
    this.last = now;
  }
  /** seconds until one token is there */
  wait(): number {
    return this.settings.refillPerSecond > 0 ? Math.max(1, Math.ceil((1 - this.tokens) / this.settings.refillPerSecond)) : 60;
  }
}

export type ThrottleResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number; remaining: number };

export class SubscriptionThrottle {
  settings: ThrottlingSettings;
  readonly #buckets: Record<BudgetType, Bucket>;

  constructor(settings: ThrottlingSettings) {
    this.settings = settings;
    this.#buckets = { reads: new Bucket(settings.reads), writes: new Bucket(settings.writes), deletes: new Bucket(settings.deletes) };
  }

  configure(settings: ThrottlingSettings): void {
    this.settings = settings;
    for (const op of ['reads', 'writes', 'deletes'] as const) {
      this.#buckets[op].configure(settings[op]);
      // turning throttling on starts from full buckets
      this.#buckets[op].tokens = settings[op].capacity;
      this.#buckets[op].last = Date.now();
    }
  }

  take(op: BudgetType): ThrottleResult {
    const bucket = this.#buckets[op];
    bucket.refill(Date.now());
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: bucket.wait(), remaining: 0 };
  }
}
