// Defaults the CLI, the action and the publisher share (a module of its own: `--help` should not load the publisher).

/** Writes in flight per target: APIM serialises writes below one API and ARM allows far fewer writes than reads. */
export const DEFAULT_WRITE_CONCURRENCY = 8;

/**
 * Reads in flight per target. ARM refills a subscription's reads 2.5 times as fast as its writes (25 against 10
 * tokens a second; ten times in the older hourly limits) and reads take none of APIM's per-API locks, so the live
 * read of a large estate is not held to the writes' pace.
 */
export const DEFAULT_READ_CONCURRENCY = 16;
