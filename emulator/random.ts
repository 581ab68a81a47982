// Random hex ids (operation ids, schema ids, subscription keys, blob names), drawn from a pool: one call to the
// system's generator per 4 KB rather than one per id (an API import takes several, a 300-API publish thousands).
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
