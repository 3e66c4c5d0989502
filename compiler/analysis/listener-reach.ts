// Who can open a TCP connection to a listener at all, judged by the address it binds. A
// listener on loopback is reached only by processes on the same host; one on a wildcard or
// on any other address is reached by whoever can route to it, and a port forward or a
// container's published port makes even a private address reachable from the Internet, so
// only loopback narrows the set. The server binds IPv6 addresses with `ipv6Only`
// (runtime/smtp/start-server.ts), so each listener hears one family.

import type { Endpoint } from '../../runtime/config/types.js';
import { parseAddress } from '../../net/ip.js';
import { AddressSet } from '../../net/address-set.js';

const LOOPBACK_V4 = AddressSet.fromCidr('127.0.0.0/8');
const LOOPBACK_V6 = AddressSet.fromCidr('::1/128');
const ALL_V4 = AddressSet.fromCidr('0.0.0.0/0');
const ALL_V6 = AddressSet.fromCidr('::/0');

/** Peer addresses that can connect to this endpoint. */
export function peersOf(listen: Endpoint): AddressSet {
  const parsed = parseAddress(listen.address);
  if (parsed === undefined) return AddressSet.EMPTY;
  if (parsed.family === 4) return LOOPBACK_V4.has(parsed.text) ? LOOPBACK_V4 : ALL_V4;
  return parsed.text === '::1' ? LOOPBACK_V6 : ALL_V6;
}

export function isLoopbackOnly(listen: Endpoint): boolean {
  const parsed = parseAddress(listen.address);
  return parsed !== undefined && (parsed.family === 4 ? LOOPBACK_V4.has(parsed.text) : parsed.text === '::1');
}

/** `0.0.0.0:25 (every IPv4 interface)`: how messages name a listener and its reach. */
export function describeListener(listen: Endpoint): string {
  const parsed = parseAddress(listen.address);
  const endpoint = parsed?.family === 6 ? `[${listen.address}]:${listen.port}` : `${listen.address}:${listen.port}`;
  if (isLoopbackOnly(listen)) return `${endpoint} (loopback only)`;
  if (listen.address === '0.0.0.0') return `${endpoint} (every IPv4 interface)`;
  if (listen.address === '::') return `${endpoint} (every IPv6 interface)`;
  return endpoint;
}
