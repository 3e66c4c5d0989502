// The CRAM-MD5 secret of a password file (RFC 2195): `cram-md5$<inner hex>$<outer hex>`.
//
// A CRAM-MD5 client answers a challenge with HMAC-MD5(password, challenge), so the server
// needs a secret from which that HMAC can be computed. As Dovecot's CRAM-MD5 scheme does,
// the file keeps HMAC-MD5's two intermediate MD5 states (after absorbing key⊕ipad and
// key⊕opad, RFC 2104) instead of the password: whoever steals the file can still log in
// with CRAM-MD5 (no scheme can avoid that: the secret is password-equivalent for CRAM-MD5),
// but cannot read the password itself and use it for PLAIN/LOGIN or elsewhere.
import { createHash } from 'node:crypto';
import { MD5_BLOCK_BYTES, md5Compress, md5InitialState, md5Resume, md5StateFromBytes, md5StateToBytes } from './md5-state.js';

export interface CramMd5Secret {
  /** MD5 state after absorbing key⊕ipad (16 bytes). */
  inner: Buffer;
  /** MD5 state after absorbing key⊕opad (16 bytes). */
  outer: Buffer;
}

const IPAD = 0x36;
const OPAD = 0x5c;
const HEX_STATE = /^[0-9a-f]{32}$/;

function paddedKeyState(key: Buffer, pad: number): Buffer {
  const block = Buffer.alloc(MD5_BLOCK_BYTES, pad);
  for (let i = 0; i < key.length; i++) block[i] = key[i]! ^ pad;
  const state = md5InitialState();
  md5Compress(state, block);
  return md5StateToBytes(state);
}

/**
 * The secret for `password`, taken as the UTF-8 bytes the client will key its HMAC with
 * (not normalized: a CRAM-MD5 client does not normalize either).
 */
export function cramMd5Secret(password: string | Buffer): CramMd5Secret {
  let key = Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8');
  // RFC 2104: keys longer than the block are replaced by their hash
  if (key.length > MD5_BLOCK_BYTES) key = createHash('md5').update(key).digest();
  return { inner: paddedKeyState(key, IPAD), outer: paddedKeyState(key, OPAD) };
}

/** HMAC-MD5(password, message) computed from the stored states: the expected CRAM-MD5 digest. */
export function cramMd5Digest(secret: CramMd5Secret, message: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
  const innerDigest = md5Resume(md5StateFromBytes(secret.inner), MD5_BLOCK_BYTES, bytes);
  return md5Resume(md5StateFromBytes(secret.outer), MD5_BLOCK_BYTES, innerDigest);
}

export function formatCramMd5Secret(secret: CramMd5Secret): string {
  return `cram-md5$${secret.inner.toString('hex')}$${secret.outer.toString('hex')}`;
}

/** Parses `cram-md5$<32 hex>$<32 hex>`; returns a reason string when it is malformed. */
export function parseCramMd5Secret(field: string): CramMd5Secret | string {
  const parts = field.split('$');
  if (parts.length !== 3 || parts[0] !== 'cram-md5') return "expected 'cram-md5$<inner state hex>$<outer state hex>'";
  const [, inner, outer] = parts as [string, string, string];
  if (!HEX_STATE.test(inner) || !HEX_STATE.test(outer)) return 'each CRAM-MD5 state must be 32 lowercase hex digits';
  return { inner: Buffer.from(inner, 'hex'), outer: Buffer.from(outer, 'hex') };
}
