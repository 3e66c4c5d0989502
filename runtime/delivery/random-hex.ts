// Random hex digits for names that must be unique (queue ids, Maildir file names), taken
// from a pool of crypto.randomBytes refilled POOL_BYTES at a time. Each randomBytes call is
// a job handed to OpenSSL, and at two per message they were about 1% of the server's main
// thread (issue 19); the bytes come from the same generator and none is handed out twice.
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` random bytes as 2 × `bytes` lower-case hex digits. */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('hex');
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
