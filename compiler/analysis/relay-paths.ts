// Every way an unauthenticated stranger can become a client the relay grants cover, per
// listener, as exact address sets of the REAL clients (who they are, not the address the
// server ends up seeing):
//
// - direct: the client connects as itself (or through a trusted load balancer that
//   reports its address honestly); connection control and the grants see its own address.
// - gateway: the client reaches the server through a declared gateway (NAT, a load
//   balancer without PROXY, a container bridge) and arrives with the gateway's address;
//   when that address is admitted and granted, everyone behind the gateway relays.
// - forged PROXY header: the client connects FROM a trusted load balancer address
//   (`proxy-protocol`) and names in its header any client address it likes; when some
//   address is admitted and granted, everyone who can send from a trusted address relays.
//
// The sets are what the rules report; each path also carries a concrete witness that
// relay-probe.ts confirms with runtime/policy before a rule says anything.

import type { ListenConfig, ServerConfig } from '../../runtime/config/types.js';
import { AddressSet, formatAddress, type Family } from '../../net/address-set.js';
import { peersOf } from './listener-reach.js';
import { examplePublicAddress, PUBLIC_ADDRESSES } from './public-addresses.js';
import { cidrSet, connectableSet, relayWithoutAuthSet } from './reach.js';

/** A session that should relay, in the terms `explain` takes. */
export interface RelayWitness {
  /** The client address the policy decides on (the claimed one, for a forged header). */
  client: string;
  /** The TCP peer sending a PROXY header (`explain --proxy-from`). */
  proxyFrom?: string;
  /** The peer (`client`) is a balancer sending a PROXY v2 LOCAL header, its own session (`explain --proxy-local`). */
  proxyLocal?: boolean;
  /** The gateway the real client hides behind (`explain --via-gateway`); `client` is then the real client. */
  viaGateway?: string;
  /** The client's forward-confirmed PTR name (`explain --ptr`), for domain grants. */
  ptr?: string;
}

export type RelayPathKind = 'direct' | 'gateway' | 'proxy';

export interface RelayPath {
  kind: RelayPathKind;
  /** The real clients who can relay this way. */
  clients: AddressSet;
  /** The part of `clients` on the public Internet. */
  publicClients: AddressSet;
  /** The address the grants see: the client itself, the gateway, or the claimed address. */
  granted: AddressSet;
  /** Candidate witnesses, best first; the first one runtime/policy confirms is reported. */
  witnesses: RelayWitness[];
}

export interface ListenerRelay {
  listen: ListenConfig;
  paths: RelayPath[];
}

/**
 * Witnesses tried per path (and per side of a forged header): the first usually relays, and
 * a list of 100,000 ranges must not become 100,000 candidate sessions (or their product).
 */
const CANDIDATES = 16;

/** A host name under a granted domain, for a witness: the server believes forward-confirmed PTR names. */
const PTR_LABEL = 'relay-probe';

export function relayPaths(server: ServerConfig): ListenerRelay[] {
  return server.listen.map((listen) => ({ listen, paths: server.auth.anonymous ? listenerPaths(server, listen) : [] }));
}

function listenerPaths(server: ServerConfig, listen: ListenConfig): RelayPath[] {
  const peers = peersOf(listen);
  const proxies = cidrSet(server.proxyProtocol).intersect(peers);
  const connectable = connectableSet(server.connections);
  const granted = connectable.intersect(relayWithoutAuthSet(server));
  const paths: RelayPath[] = [];

  // Direct: peers outside the proxy list arrive as themselves; through an honest trusted
  // balancer anyone may arrive with their own address.
  const arriving = proxies.isEmpty() ? peers.difference(cidrSet(server.proxyProtocol)) : AddressSet.ALL;
  const direct = arriving.intersect(granted);
  if (!direct.isEmpty()) {
    const asThemselves = peers.difference(cidrSet(server.proxyProtocol)).intersect(granted);
    const candidates: RelayWitness[] = publicOnes(asThemselves).map((client) => ({ client }));
    const proxyFrom = hostsOf(proxies)[0];
    if (proxyFrom !== undefined) candidates.push(...publicOnes(direct).map((client) => ({ client, proxyFrom })));
    paths.push(path('direct', direct, direct, candidates));
  }

  // Gateways the listener can hear directly, admitted and granted: everyone behind them.
  const gateways = cidrSet(server.gateways).intersect(peers).difference(cidrSet(server.proxyProtocol)).intersect(granted);
  if (!gateways.isEmpty()) {
    const behind = examplePublicAddress(AddressSet.ALL) ?? '8.8.8.8';
    paths.push(path('gateway', AddressSet.ALL, gateways, gatewayCandidates(server, gateways).map((viaGateway) => ({ client: behind, viaGateway }))));
  }

  // Forged PROXY headers: a trusted peer names any address; one that is admitted and
  // granted (by address, or by a PTR name under a granted domain) is enough. A domain in
  // an allow-list admits whatever address a real host under it has: a stranger cannot
  // connect from that host, but a header can claim its address, and the server's reverse
  // lookup of the claim then confirms the domain. So for a claim, such an allow-list admits
  // every address (the partner's mail server at an address the relay grants cover is enough).
  if (!proxies.isEmpty()) {
    const claimable = allowListedDomains(server).length > 0 ? AddressSet.ALL : connectable;
    const claimGranted = claimable.intersect(relayWithoutAuthSet(server));
    const claims = claimCandidates(server, claimGranted, connectable);
    if (claims.length > 0) {
      const forgers = publicOnes(proxies).slice(0, 4);
      const witnesses = forgers.flatMap((proxyFrom) => claims.map((claim) => ({ ...claim, proxyFrom })));
      paths.push(path('proxy', proxies, claimGranted, witnesses));
    }
  }
  return paths;
}

function path(kind: RelayPathKind, clients: AddressSet, granted: AddressSet, witnesses: RelayWitness[]): RelayPath {
  return { kind, clients, publicClients: clients.intersect(PUBLIC_ADDRESSES), granted, witnesses };
}

/** The declared gateway addresses themselves first (`172.17.0.1`), then range boundaries. */
function gatewayCandidates(server: ServerConfig, gateways: AddressSet): string[] {
  const declared = server.gateways.flatMap((item) => (item.kind === 'cidr' ? [item.cidr.replace(/\/(32|128)$/, '')] : []));
  return [...new Set([...declared.filter((a) => !a.includes('/') && gateways.has(a)), ...hostsOf(gateways)])];
}

function claimCandidates(server: ServerConfig, granted: AddressSet, connectable: AddressSet): Omit<RelayWitness, 'proxyFrom'>[] {
  const connectDomains = allowListedDomains(server);
  // A granted address the connection list does not admit by address is claimed as a host
  // under an allow-listed domain (that host's PTR name admits it).
  const byAddress = hostsOf(granted).map((client) =>
    connectable.has(client) || connectDomains[0] === undefined ? { client } : { client, ptr: `${PTR_LABEL}.${connectDomains[0]}` },
  );
  const domains = server.relay.entries.flatMap((item) => (item.kind === 'domain' ? [item.domain] : []));
  // A domain grant is claimed with the address of a real host under it: any address the
  // connection list admits will do for the witness, with that host's PTR name.
  const admitted = [examplePublicAddress(connectable), ...hostsOf(connectable)].filter(defined);
  const byName = domains.flatMap((domain) => {
    const ptr = `${PTR_LABEL}.${domain}`;
    const clients = admitted.length > 0 ? admitted : connectDomains.length > 0 ? ['192.0.2.1'] : [];
    return clients.slice(0, 2).map((client) => ({ client, ptr }));
  });
  return [...byAddress, ...byName].slice(0, CANDIDATES);
}

/** The domains an allow-list admits clients by (forward-confirmed PTR names under them). */
function allowListedDomains(server: ServerConfig): string[] {
  const { mode, entries } = server.connections;
  return mode === 'allow-list' ? entries.flatMap((i) => (i.kind === 'domain' ? [i.domain] : [])) : [];
}

/** Public addresses of the set, a familiar one first: findings are about strangers, not the host's own processes. */
export function publicOnes(set: AddressSet): string[] {
  return [examplePublicAddress(set), ...hostsOf(set.intersect(PUBLIC_ADDRESSES))].filter(defined).slice(0, CANDIDATES);
}

/** One address per range (at most `limit`), a host rather than the network address where the range has room (10.0.0.1, not 10.0.0.0). */
export function hostsOf(set: AddressSet, limit = CANDIDATES): string[] {
  return ([4, 6] as Family[]).flatMap((family) =>
    set.intervals(family).slice(0, limit).map((i) => formatAddress(i.last - i.first >= 2n ? i.first + 1n : i.first, family)),
  ).slice(0, limit);
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
