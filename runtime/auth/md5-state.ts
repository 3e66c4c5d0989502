// MD5 (RFC 1321) with a visible chaining state, for the CRAM-MD5 secret. node:crypto can
// compute MD5 and HMAC-MD5, but it cannot export the state after a block nor resume from
// one, and the password file stores exactly that: HMAC-MD5's two states after absorbing
// key⊕ipad and key⊕opad (see cram-md5.ts). Only that use needs this file; everything else
// hashes with node:crypto.
//
// The state is four 32-bit words (A, B, C, D); serialized, it is their 16 little-endian
// bytes, the same layout as an MD5 digest.

export type Md5State = Uint32Array;

export const MD5_BLOCK_BYTES = 64;

const INITIAL = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476] as const;

// RFC 1321 3.4: T[i] = floor(2^32 · |sin(i + 1)|); doubles carry enough precision for all 64.
const T = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

const SHIFTS = [
  7, 12, 17, 22,
  5, 9, 14, 20,
  4, 11, 16, 23,
  6, 10, 15, 21,
] as const;

export function md5InitialState(): Md5State {
  return Uint32Array.from(INITIAL);
}

/** Absorbs one 64-byte block at `offset` of `data` into `state` (in place). */
export function md5Compress(state: Md5State, data: Uint8Array, offset = 0): void {
  if (data.length - offset < MD5_BLOCK_BYTES) throw new RangeError('md5Compress needs a whole 64-byte block');
  const words = new Uint32Array(16);
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    words[i] = (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    let f: number;
    let g: number;
    if (round === 0) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (round === 1) {
      f = (b & d) | (c & ~d);
      g = (5 * i + 1) % 16;
    } else if (round === 2) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    const sum = (a + f + T[i]! + words[g]!) >>> 0;
    const shift = SHIFTS[round * 4 + (i % 4)]!;
    const rotated = ((sum << shift) | (sum >>> (32 - shift))) >>> 0;
    a = d;
    d = c;
    c = b;
    b = (b + rotated) >>> 0;
  }
  state[0] = (state[0]! + a) >>> 0;
  state[1] = (state[1]! + b) >>> 0;
  state[2] = (state[2]! + c) >>> 0;
  state[3] = (state[3]! + d) >>> 0;
}

/**
 * Finishes an MD5 computation that has already absorbed `absorbedBytes` (a multiple of 64)
 * into `state`: absorbs `message`, pads (RFC 1321 3.1–3.2) and returns the 16-byte digest.
 * `state` is not modified.
 */
export function md5Resume(state: Md5State, absorbedBytes: number, message: Uint8Array): Buffer {
  if (absorbedBytes % MD5_BLOCK_BYTES !== 0) throw new RangeError('md5Resume: absorbedBytes must be a multiple of 64');
  const working = Uint32Array.from(state);
  const totalBits = BigInt(absorbedBytes + message.length) * 8n;
  const paddedLength = Math.ceil((message.length + 9) / MD5_BLOCK_BYTES) * MD5_BLOCK_BYTES;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  new DataView(padded.buffer).setBigUint64(paddedLength - 8, BigInt.asUintN(64, totalBits), true);
  for (let offset = 0; offset < paddedLength; offset += MD5_BLOCK_BYTES) md5Compress(working, padded, offset);
  return md5StateToBytes(working);
}

export function md5StateToBytes(state: Md5State): Buffer {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) bytes.writeUInt32LE(state[i]!, i * 4);
  return bytes;
}

export function md5StateFromBytes(bytes: Uint8Array): Md5State {
  if (bytes.length !== 16) throw new RangeError('an MD5 state is 16 bytes');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return Uint32Array.from([0, 1, 2, 3], (i) => view.readUInt32LE(i * 4));
}
