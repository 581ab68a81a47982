// Each target records, inside the instance itself, the commit it fully holds: a named value (`apiops-state`)
// whose value is JSON. Writes are compare-and-swap on its ETag, so two runs never interleave: a run takes the
// lock, checks that it would not move the target backwards, applies, then records its commit and releases the
// lock in one write. A run that died leaves a lock that expires.
import { RECORD_NAMED_VALUE } from '../core/system.ts';
import type { Arm } from '../core/live/arm.ts';
import { LiveError } from '../core/live/errors.ts';

export interface TargetRecord {
  /** the commit the target fully holds; null: none yet */
  commit: string | null;
  /** when it was recorded */
  at?: string;
  lock?: { owner: string; commit: string; expires: string } | null;
}

export interface RecordState {
  record: TargetRecord;
  /** ETag of the named value; '' when it does not exist yet */
  etag: string;
}

function parse(value: unknown): TargetRecord {
  if (typeof value !== 'string') return { commit: null };
  try {
    const parsed = JSON.parse(value) as Partial<TargetRecord>;
    return { commit: typeof parsed.commit === 'string' ? parsed.commit : null, at: parsed.at, lock: parsed.lock ?? null };
  } catch {
    return { commit: null };
  }
}

export async function readRecord(arm: Arm): Promise<RecordState> {
  const got = await arm.getWithEtag('namedValue', [RECORD_NAMED_VALUE]);
  if (!got) return { record: { commit: null }, etag: '' };
  return { record: parse(got.contract.properties.value), etag: got.etag };
}

async function write(arm: Arm, record: TargetRecord, etag: string): Promise<boolean> {
  try {
    await arm.put(
      'namedValue',
      [RECORD_NAMED_VALUE],
      { properties: { displayName: RECORD_NAMED_VALUE, value: JSON.stringify(record), secret: false, tags: ['apiops'] } },
      // the answer is not needed: whoever needs the new ETag reads the record back
      etag ? { ifMatch: etag, read: false } : { read: false },
    );
    return true;
  } catch (error) {
    if (error instanceof LiveError && error.status === 412) return false;
    throw error;
  }
}

export class TargetBusyError extends Error {
  constructor(readonly holder: { owner: string; commit: string; expires: string }) {
    super(`another publish (${holder.owner}, commit ${holder.commit.slice(0, 12)}) holds the target until ${holder.expires}`);
    this.name = 'TargetBusyError';
  }
}

export interface LockOptions {
  owner: string;
  commit: string;
  /** how long the lock holds if this run dies */
  ttlMs?: number;
  /** how long to wait for another run's lock */
  waitMs?: number;
  pollMs?: number;
}

/**
 * Takes the target's lock; returns the record as it was when the lock was taken and the ETag to release with.
 * `seen` is the record as the caller read it earlier (before validating the files, say): the first attempt
 * writes against its ETag without reading again, and `unchanged` says whether it held, i.e. no other run wrote
 * the record in between — so nothing the caller read from the target since then can have been changed by one.
 */
export async function acquireLock(arm: Arm, options: LockOptions & { seen?: RecordState }): Promise<{ state: RecordState; unchanged: boolean }> {
  const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
  let current = options.seen;
  let unchanged = true;
  if (current && !current.etag) {
    // there was no record: creating one cannot be conditional, so look again rather than overwrite one that
    // another run created since
    const fresh = await readRecord(arm);
    if (fresh.etag) unchanged = false;
    current = fresh;
  }
  for (;;) {
    current ??= await readRecord(arm);
    const lock = current.record.lock;
    if (lock && lockedByAnother(current, options.owner)) {
      if (Date.now() > deadline) throw new TargetBusyError(lock);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
      unchanged = false;
      current = undefined;
      continue;
    }
    const mine = { owner: options.owner, commit: options.commit, expires: new Date(Date.now() + (options.ttlMs ?? 30 * 60_000)).toISOString() };
    if (await write(arm, { ...current.record, lock: mine }, current.etag)) {
      // creating the record cannot be conditional; read back to learn who won a race to create it (and the ETag)
      const after = await readRecord(arm);
      if (after.record.lock?.owner === options.owner) return { state: { record: current.record, etag: after.etag }, unchanged };
    }
    unchanged = false;
    current = undefined;
  }
}

/**
 * A run died holding the target (its lock expired): it may have applied part of its commit, so the next run
 * reconciles everything instead of only what changed since the recorded commit.
 */
export function abandonedLock(state: RecordState): boolean {
  const lock = state.record.lock;
  return !!lock && Date.parse(lock.expires) <= Date.now();
}

/** Another run holds the target (a lock that has not expired). */
export function lockedByAnother(state: RecordState, owner: string): boolean {
  const lock = state.record.lock;
  return !!lock && lock.owner !== owner && Date.parse(lock.expires) > Date.now();
}

/**
 * Moves the record to a commit that changes nothing the target holds, without a lock: one compare-and-swap write
 * on the ETag as read. False when the record changed since (another run): the caller takes the lock instead.
 */
export async function recordCommit(arm: Arm, input: { commit: string; etag: string }): Promise<boolean> {
  return write(arm, { commit: input.commit, at: new Date().toISOString(), lock: null }, input.etag);
}

/** Records the commit the target now fully holds and releases the lock, in one compare-and-swap write. */
export async function commitAndRelease(arm: Arm, input: { commit: string | null; etag: string }): Promise<void> {
  const record: TargetRecord = { commit: input.commit, at: new Date().toISOString(), lock: null };
  if (await write(arm, record, input.etag)) return;
  // the write's answer was lost and it was sent again (retry.ts): the second answer is 412 against the record
  // the first one wrote — which holds what this run meant to record
  const now = await readRecord(arm);
  if (now.record.commit === input.commit && !now.record.lock) return;
  throw new Error('the target record changed while this run held the lock');
}

/** Releases the lock without recording a commit (the run failed or had nothing to do). */
export async function release(arm: Arm, input: { record: TargetRecord; etag: string }): Promise<void> {
  await write(arm, { ...input.record, lock: null }, input.etag).catch(() => undefined);
}
