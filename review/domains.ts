// Domain entries (matched by the client's forward-confirmed PTR name) admit no address set:
// which hosts they let in depends on DNS. A diff shows them by name instead: for every
// domain entry on either side, a host under it (`host.<domain>` with a confirmed PTR
// record, at an address no address entry decides) is asked of runtime/policy on both sides,
// and a domain whose answer changes is a change (an entry added or removed, a list turned
// from allow to deny, a grant that now applies because anonymous access was turned on).

import { cidrSet, examplePublicAddress, hostsOf, peersOf } from '../compiler/index.js';
import { AddressSet } from '../net/address-set.js';
import type { AddressItem, ServerConfig } from '../runtime/config/index.js';
import type { ListenerCapabilities } from './capabilities.js';
import { probe, type Side } from './probes.js';
import type { Direction, Witness } from './witness.js';

export interface DomainChange {
  capability: 'connect' | 'relay';
  direction: Direction;
  domain: string;
  witness: Witness;
}

/** The label of the host a domain witness names: any host under the domain is matched the same way. */
const HOST_LABEL = 'host';

export function domainChanges(before: Side, after: Side, capsBefore: ListenerCapabilities | undefined, capsAfter: ListenerCapabilities | undefined): DomainChange[] {
  const servers = [before.server?.config, after.server?.config].filter((s): s is ServerConfig => s !== undefined);
  const empty = AddressSet.EMPTY;
  const changes: DomainChange[] = [];

  // connect: at an address no connection entry (and no PROXY trust) decides on either side
  const decidedByAddress = servers.reduce((all, s) => all.union(cidrSet(s.connections.entries)).union(cidrSet(s.proxyProtocol)), empty);
  const heard = [before.listen, after.listen].reduce((all, listen) => (listen === undefined ? all : all.union(peersOf(listen))), empty);
  const connectClient = pick(heard.difference(decidedByAddress));
  const connectNames = names(servers.flatMap((s) => s.connections.entries));
  if (connectClient !== undefined) changes.push(...compare('connect', connectNames, connectClient, before, after));

  // relay: at an address that connects on some side and that no address grant covers
  const connecting = (capsBefore?.sets.connect ?? empty).union(capsAfter?.sets.connect ?? empty);
  const grantedByAddress = servers.reduce((all, s) => all.union(cidrSet(s.relay.entries)), empty);
  const relayClient = pick(connecting.difference(grantedByAddress));
  const relayNames = names(servers.flatMap((s) => s.relay.entries));
  if (relayClient !== undefined) changes.push(...compare('relay', relayNames, relayClient, before, after));
  return changes;
}

function compare(capability: DomainChange['capability'], domains: string[], client: string, before: Side, after: Side): DomainChange[] {
  return domains.flatMap((domain) => {
    const session = { client, ptr: `${HOST_LABEL}.${domain}` };
    const was = probe(before, capability, session);
    const is = probe(after, capability, session);
    if (was.holds === is.holds) return [];
    return [{ capability, direction: is.holds ? 'gained' : 'lost', domain, witness: { session, confirmed: true, before: was, after: is } } satisfies DomainChange];
  });
}

function names(items: readonly AddressItem[]): string[] {
  const all = items.flatMap((item) => (item.kind === 'domain' ? [item.domain.toLowerCase().replace(/\.+$/, '')] : []));
  return [...new Set(all)].sort();
}

function pick(set: AddressSet): string | undefined {
  return examplePublicAddress(set) ?? hostsOf(set, 1)[0];
}
