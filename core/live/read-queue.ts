// The request queue of a live read: at most `concurrency` requests in flight, the rest waiting in two lanes.
// Lists go first because each one they answer unlocks more reads (an API list page brings a hundred APIs, each with
// its operations, policies and specification to read); plain reads fill the remaining slots. Reading wide before
// deep keeps every slot busy until the end, instead of idling while the last chain of dependent reads trickles in.
// Once the read is aborted (a failure that makes the result useless) no further request starts: the requests still
// queued behind it would only waste the ARM read quota.

export type Lane = 'list' | 'read';

export class ReadAborted extends Error {
  constructor() {
    super('the live read was stopped by an earlier failure');
    this.name = 'ReadAborted';
  }
}

export class RequestQueue {
  readonly concurrency: number;
  #active = 0;
  #sent = 0;
  #failure: unknown = undefined;
  readonly #waiting: Record<Lane, Array<() => void>> = { list: [], read: [] };

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number of 1 or more, not ${concurrency}`);
    this.concurrency = concurrency;
  }

  /** requests sent so far */
  get sent(): number {
    return this.#sent;
  }

  /** Stops every request that has not started yet (they reject with ReadAborted). */
  abort(reason: unknown): void {
    if (this.#failure === undefined) this.#failure = reason ?? new ReadAborted();
  }

  /** why the read was aborted, if it was */
  get reason(): unknown {
    return this.#failure;
  }

  /** Sends one request when a slot is free. */
  async run<T>(lane: Lane, send: () => Promise<T>): Promise<T> {
    if (this.#failure !== undefined) throw new ReadAborted();
    if (this.#active >= this.concurrency) {
      // the slot is handed over by the request that frees it (#release), so #active already counts this one
      await new Promise<void>((resolve) => this.#waiting[lane].push(resolve));
    } else this.#active += 1;
    try {
      if (this.#failure !== undefined) throw new ReadAborted();
      this.#sent += 1;
      return await send();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const next = this.#waiting.list.shift() ?? this.#waiting.read.shift();
    if (next) next();
    else this.#active -= 1;
  }
}

/**
 * Work that must not overlap within a group (spec exports of one version set) runs one at a time, in the order it
 * was asked for; groups do not wait for each other.
 */
export class KeyedLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const mine = before.then(work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
