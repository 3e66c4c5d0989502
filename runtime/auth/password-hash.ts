// Password hashes as stored in a password file:
//
//   scrypt$<N>$<r>$<p>$<salt, base64>$<hash, base64>
//
// scrypt (RFC 7914) from node:crypto, 32-byte hash, 16-byte random salt. N=2^15, r=8, p=1
// by default (about 32 MiB and tens of milliseconds per check: slow enough to hurt
// offline guessing, fast enough for a mail server's AUTH rate). The parameters travel with
// each hash, so they can be raised later without invalidating old entries.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams { N: number; r: number; p: number }

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const HASH_BYTES = 32;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export interface ParsedHash { params: ScryptParams; salt: Buffer; hash: Buffer }

/** Parses a stored hash; returns a reason string when it is malformed. */
export function parseHash(stored: string): ParsedHash | string {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return "expected 'scrypt$N$r$p$salt$hash'";
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0) return 'N must be a power of two';
  if (!Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1) return 'r and p must be positive integers';
  const salt = Buffer.from(parts[4]!, 'base64');
  const hash = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16) return 'salt or hash too short';
  return { params: { N, r, p }, salt, hash };
}

/** Constant-time comparison of a candidate password with a parsed hash. */
export async function verifyPassword(password: string, stored: ParsedHash): Promise<boolean> {
  const candidate = await scrypt(password, stored.salt, stored.params);
  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}
