// The network a client address belongs to, for limits that one party should not escape by
// using more addresses: an IPv4 /24 or an IPv6 /64. A /64 is the smallest block an ISP
// hands out (RFC 6177), so one IPv6 host has 2^64 addresses to rotate through; a /24 is
// the block one provider usually routes as a unit. Postfix's anvil counts per address,
// which an attacker with a /64 defeats at once.
import { parseAddress } from './ip.js';

/** `a.b.c.0/24` or `x:x:x:x::/64`; an address that does not parse is its own network. */
export function clientNetwork(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  if (parsed.family === 4) return `${parsed.bytes.slice(0, 3).join('.')}.0/24`;
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((parsed.bytes[i]! << 8) | parsed.bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}

/**
 * The key failed logins are counted under: the address itself for IPv4 (a /24 may be a
 * whole office behind one NAT each, and guessers are cut off per address already), the
 * /64 for IPv6 (one host owns the whole /64).
 */
export function authThrottleKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed || parsed.family === 4) return parsed?.text ?? address;
  return clientNetwork(parsed.text);
}
