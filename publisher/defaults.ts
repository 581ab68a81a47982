// Defaults the CLI, the action and the publisher share (a module of its own: `--help` should not load the publisher).

/** Writes in flight per target: APIM serialises writes below one API and ARM allows far fewer writes than reads. */
export const DEFAULT_WRITE_CONCURRENCY = 8;

/**
 * Reads in flight per target. Reads take none of APIM's per-API locks, and ARM limits them by rate, not by how many
 * are in flight: its bucket (250 reads, refilled 25 a second) allows a first burst of hundreds, and once it is
 * empty the subscription's pacing (core/live/limiter.ts) sends reads at the refill rate whatever this number is.
 * So this number only matters while ARM allows more: a full diff of 300 APIs × 10 operations (3,600 reads per
 * region) at 20 ms a read waits 2.3 s at 32 in flight, 4.5 s at 16.
 */
export const DEFAULT_READ_CONCURRENCY = 32;
