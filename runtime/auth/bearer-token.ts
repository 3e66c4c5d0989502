// The XOAUTH2 secret of a password file: `token$sha256$<base64 of SHA-256(token)>`.
//
// The token is 256 random bits made by `smtppolicy passwd --token`, shown once and never
// stored. Guessing it is hopeless, so a fast hash suffices (a slow one such as scrypt
// protects low-entropy passwords, which a token is not); storing only the hash means a
// stolen file does not hand out working tokens.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
const DIGEST_BYTES = 32;

/** A new bearer token: 256 random bits, base64url (no spaces or '=', safe in XOAUTH2's `auth=Bearer …`). */
export function generateBearerToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function bearerTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function formatTokenSecret(token: string): string {
  return `token$sha256$${bearerTokenDigest(token).toString('base64')}`;
}

/** Parses `token$sha256$<base64>`; returns the digest, or a reason string when malformed. */
export function parseTokenSecret(field: string): Buffer | string {
  const parts = field.split('$');
  if (parts.length !== 3 || parts[0] !== 'token' || parts[1] !== 'sha256') return "expected 'token$sha256$<base64 digest>'";
  const digest = Buffer.from(parts[2]!, 'base64');
  if (digest.length !== DIGEST_BYTES || digest.toString('base64') !== parts[2]) return 'the token digest must be 32 bytes in base64';
  return digest;
}
