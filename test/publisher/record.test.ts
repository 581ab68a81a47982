// The record each target keeps of the commit it holds, and its lock: taken against the record as read before the
// files were validated, so that the reads made meanwhile stay valid — unless another run wrote the record since.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { Arm } from '../../core/live/arm.ts';
import { acquireLock, commitAndRelease, readRecord } from '../../publisher/record.ts';
import { startCheckedEmulator } from '../support/emulator.ts';

let emulator: RunningEmulator;

function armOf(label: string): Arm {
  const conn = connect({
    subscriptionId: emulator.subscriptionId,
    resourceGroup: emulator.resourceGroup,
    serviceName: emulator.instances[label]!,
    endpoint: emulator.endpoint,
    caCert: emulator.caCert,
    credential: EMULATOR_CREDENTIAL,
  });
  return new Arm(conn, { pollIntervalMs: 5 });
}

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

beforeAll(async () => {
  emulator = await startCheckedEmulator({ instances: ['one', 'two', 'three'] });
});

afterAll(async () => {
  await emulator?.close();
});

describe('the target record and its lock', () => {
  it('takes the lock against the record as read earlier, without reading it again first; then records the commit', async () => {
    const arm = armOf('one');
    const first = await acquireLock(arm, { owner: 'run-0', commit: A });
    await commitAndRelease(arm, { commit: A, etag: first.state.etag });
    const seen = await readRecord(arm);
    expect(seen.record.commit).toBe(A);
    emulator.resetCounts();
    const taken = await acquireLock(arm, { owner: 'run-1', commit: B, seen });
    expect(taken.unchanged).toBe(true);
    // one PUT of the record (and its poll), then one read back for the new ETag: no read before the write
    const counts = emulator.counts().one!;
    expect(counts['PUT namedValue']).toBe(1);
    expect(counts['GET namedValue']).toBe(1);
    await commitAndRelease(arm, { commit: B, etag: taken.state.etag });
    const after = await readRecord(arm);
    expect(after.record.commit).toBe(B);
    expect(after.record.lock).toBeNull();
  });

  it('says the reads are stale when another run wrote the record after them', async () => {
    const arm = armOf('one');
    const seen = await readRecord(arm);
    const other = await acquireLock(arm, { owner: 'run-other', commit: A });
    await commitAndRelease(arm, { commit: A, etag: other.state.etag });
    const taken = await acquireLock(arm, { owner: 'run-2', commit: B, seen });
    expect(taken.unchanged).toBe(false);
    // what the lock returns is the record as it is now, not as it was first read
    expect(taken.state.record.commit).toBe(A);
    await commitAndRelease(arm, { commit: B, etag: taken.state.etag });
  });

  it('never overwrites a record another run created after the target was read without one', async () => {
    const arm = armOf('two');
    const seen = await readRecord(arm);
    expect(seen.etag).toBe('');
    const other = await acquireLock(arm, { owner: 'run-other', commit: A });
    await commitAndRelease(arm, { commit: A, etag: other.state.etag });
    const taken = await acquireLock(arm, { owner: 'run-3', commit: B, seen });
    expect(taken.unchanged).toBe(false);
    expect(taken.state.record.commit).toBe(A);
  });

  it('records the commit when the answer to its write was lost and the write sent again met its own ETag change', async () => {
    const conn = connect(
      { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName: emulator.instances.three!, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL },
      { retry: { maxRetries: 4, maxServerErrorRetries: 1, baseDelayMs: 10, maxDelayMs: 50, requestTimeoutMs: 300 } },
    );
    const arm = new Arm(conn, { pollIntervalMs: 5 });
    const taken = await acquireLock(arm, { owner: 'run-lost', commit: A });
    emulator.resetCounts();
    emulator.setKnobs('three', { loseNext: 1 });
    await commitAndRelease(arm, { commit: A, etag: taken.state.etag });
    // written, unanswered; sent again → 412; read back: the record is the one this run wrote
    expect(emulator.counts().three?.['PUT namedValue']).toBe(2);
    const after = await readRecord(arm);
    expect([after.record.commit, after.record.lock]).toEqual([A, null]);
    // a record another run changed meanwhile still fails the release
    const again = await acquireLock(arm, { owner: 'run-late', commit: B });
    await expect(commitAndRelease(arm, { commit: B, etag: '"stale"' })).rejects.toThrow('the target record changed while this run held the lock');
    await commitAndRelease(arm, { commit: B, etag: again.state.etag });
  });
});
