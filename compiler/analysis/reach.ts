// Who can do what without logging in, as exact address sets, computed from the runtime
// config (the same thing the server executes). Domain entries are matched by
// forward-confirmed reverse DNS, which a stranger cannot fake for a name they do not
// control, so they admit no address set here: in an allow-list they add nobody, in a
// deny-list they remove nobody (a client without a PTR record is not matched).

import type { AddressItem, ConnectionControl, ServerConfig } from '../../runtime/config/types.js';
import { AddressSet, type Family } from '../../net/address-set.js';
import { PUBLIC_ADDRESSES } from './public-addresses.js';

export function cidrSet(items: readonly AddressItem[]): AddressSet {
  return AddressSet.fromCidrs(items.flatMap((i) => (i.kind === 'cidr' ? [i.cidr] : [])));
}

/** Addresses that pass connection control without any reverse lookup. */
export function connectableSet(connections: ConnectionControl): AddressSet {
  const listed = cidrSet(connections.entries);
  return connections.mode === 'allow-list' ? listed : AddressSet.ALL.difference(listed);
}

/** Addresses that may relay by address alone, before any login (anyone → every address). */
export function relayWithoutAuthSet(server: ServerConfig): AddressSet {
  return server.relay.anyone ? AddressSet.ALL : cidrSet(server.relay.entries);
}

export interface UnauthenticatedRelay {
  /** Who can connect and relay without authenticating. Empty when the server requires login for MAIL. */
  open: AddressSet;
  /** The public part of `open`. */
  publicOpen: AddressSet;
}

export function unauthenticatedRelay(server: ServerConfig): UnauthenticatedRelay {
  // Without anonymous access MAIL is refused until login: nobody gets as far as RCPT.
  const open = server.auth.anonymous ? connectableSet(server.connections).intersect(relayWithoutAuthSet(server)) : AddressSet.EMPTY;
  return { open, publicOpen: open.intersect(PUBLIC_ADDRESSES) };
}

/**
 * "Relaying from anywhere": more public addresses than one organisation's network may
 * relay without logging in. IPv4: more than a /16 (65,536 addresses); IPv6: more than a
 * /32 (an ISP's whole allocation). Smaller public grants are a partner's or a site's
 * network: `wide-public-grant` reports those wider than a /24 (IPv6: /48).
 */
export const ANYWHERE: Record<Family, bigint> = { 4: 1n << 16n, 6: 1n << 96n };
export const WIDE: Record<Family, bigint> = { 4: 1n << 8n, 6: 1n << 80n };

export function exceeds(set: AddressSet, limits: Record<Family, bigint>): boolean {
  return set.size(4) > limits[4] || set.size(6) > limits[6];
}
