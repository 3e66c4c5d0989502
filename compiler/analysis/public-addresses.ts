// Which addresses are "the Internet": everything a stranger could connect from. Lint
// rules call a grant dangerous when it reaches public addresses, so the definition lives
// in one place. Source: the IANA special-purpose address registries (RFC 6890 and
// successors) plus multicast and the reserved blocks, none of which a remote SMTP client
// can have. Documentation ranges (TEST-NET, 2001:db8::/32) are not public either: policies
// in examples use them precisely because no real host has them.

import { AddressSet } from '../../net/address-set.js';

const NON_PUBLIC_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private (RFC 1918)
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the limited broadcast address
];

/** IPv6 unicast on the Internet is 2000::/3 (RFC 4291), minus its special blocks. */
const GLOBAL_UNICAST_V6 = '2000::/3';
const NON_PUBLIC_V6_IN_GLOBAL = [
  '2001::/23', // IETF protocol assignments (Teredo, ORCHID, …)
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
];

export const PUBLIC_ADDRESSES: AddressSet = AddressSet.ALL.difference(AddressSet.fromCidrs(NON_PUBLIC_V4))
  .intersect(AddressSet.fromCidrs(['0.0.0.0/0']).union(AddressSet.fromCidr(GLOBAL_UNICAST_V6)))
  .difference(AddressSet.fromCidrs(NON_PUBLIC_V6_IN_GLOBAL));

/** Well-known public hosts, preferred as examples in messages because readers recognise them. */
const FAMILIAR_PUBLIC = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '2001:4860:4860::8888', '2606:4700:4700::1111'];

/** One public address of `set` a reader will recognise, or undefined when there is none. */
export function examplePublicAddress(set: AddressSet): string | undefined {
  const publicPart = set.intersect(PUBLIC_ADDRESSES);
  if (publicPart.isEmpty()) return undefined;
  const familiar = FAMILIAR_PUBLIC.find((a) => publicPart.has(a));
  if (familiar) return familiar;
  return publicPart.boundaries()[0];
}
