// What kind of address this is (public unicast, private, loopback, link-local, …), by the
// IANA special-purpose registries. The table is ipaddr.js's, read from bytes net/ has
// already parsed: ipaddr.js never parses text here, so the project keeps one parser
// (net/ip.ts) and one normal form.
import ipaddr from 'ipaddr.js';

/**
 * ipaddr.js's name for the range the address (4 or 16 bytes) lies in: 'unicast' is a public
 * address; others are 'private', 'loopback', 'linkLocal', 'uniqueLocal', 'unspecified', …
 */
export function addressKind(bytes: readonly number[]): string {
  return ipaddr.fromByteArray([...bytes]).range();
}
