// PROXY protocol version 2 (HAProxy's binary header, proxy-protocol.txt section 2.2): a
// load balancer in front of the server sends it first on each connection to say who the
// client is. Only parsing lives here; who may send one is decided by the listener (the
// policy's `proxy-protocol` list), as for version 1.
//
// Accepted: the PROXY command for TCP over IPv4 or IPv6 (the client's address and port),
// and the LOCAL command (the balancer's own health check: the connection's own address is
// used). Refused: any other version, command, family or protocol (UNIX sockets, UDP,
// UNSPEC with PROXY): the client would otherwise be treated as the balancer itself, and the
// balancer may hold relay rights the client must not get.
import { addressFromBytes } from '../../net/ip.js';

/** The 12 bytes every version 2 header starts with. */
export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const FIXED_LENGTH = 16;
/** Addresses plus TLVs; HAProxy itself sends far less. A longer header is refused. */
export const PROXY_V2_MAX_PAYLOAD = 2048;

export type ProxyV2Header =
  | { command: 'proxy'; address: string; port: number }
  | { command: 'local' };

export type ProxyV2Parse =
  /** More bytes are needed. */
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string }
  | { status: 'done'; header: ProxyV2Header; length: number };

/** True when `bytes` (possibly only the first few of a header) can still be a version 2 signature. */
export function mayBeProxyV2(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, PROXY_V2_SIGNATURE.length);
  return bytes.subarray(0, n).equals(PROXY_V2_SIGNATURE.subarray(0, n));
}

/** Parses a version 2 header at the start of `bytes`. */
export function parseProxyV2(bytes: Buffer): ProxyV2Parse {
  if (!mayBeProxyV2(bytes)) return { status: 'invalid', reason: 'not a PROXY v2 signature' };
  if (bytes.length < FIXED_LENGTH) return { status: 'incomplete' };
  const versionCommand = bytes[12]!;
  const familyProtocol = bytes[13]!;
  const payloadLength = bytes.readUInt16BE(14);
  if (versionCommand >> 4 !== 2) return { status: 'invalid', reason: `PROXY version ${versionCommand >> 4}` };
  if (payloadLength > PROXY_V2_MAX_PAYLOAD) return { status: 'invalid', reason: `PROXY v2 header of ${payloadLength} bytes` };
  const length = FIXED_LENGTH + payloadLength;
  if (bytes.length < length) return { status: 'incomplete' };
  const command = versionCommand & 0x0f;
  if (command === 0x0) return { status: 'done', header: { command: 'local' }, length };
  if (command !== 0x1) return { status: 'invalid', reason: `PROXY v2 command ${command}` };
  const payload = bytes.subarray(FIXED_LENGTH, length);
  if (familyProtocol === 0x11) {
    if (payload.length < 12) return { status: 'invalid', reason: 'PROXY v2 TCP4 addresses truncated' };
    return { status: 'done', header: { command: 'proxy', address: addressText(payload.subarray(0, 4)), port: payload.readUInt16BE(8) }, length };
  }
  if (familyProtocol === 0x21) {
    if (payload.length < 36) return { status: 'invalid', reason: 'PROXY v2 TCP6 addresses truncated' };
    return { status: 'done', header: { command: 'proxy', address: addressText(payload.subarray(0, 16)), port: payload.readUInt16BE(32) }, length };
  }
  return { status: 'invalid', reason: `PROXY v2 family/protocol 0x${familyProtocol.toString(16).padStart(2, '0')} is not TCP over IPv4 or IPv6` };
}

/** The address as the rest of the server writes it: IPv6 compressed, IPv4-mapped as IPv4. */
function addressText(bytes: Buffer): string {
  return addressFromBytes([...bytes]);
}
