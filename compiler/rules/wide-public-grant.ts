// A relay grant or connection allow-list entry that lets more of the Internet in than one
// site (wider than a /24 for IPv4, a /48 for IPv6) on a server that does not require a
// login. What counts is who can actually reach a listener, pass connection control and
// relay (a /8 grant behind `connections only { 10.0.0.0/8 }` lets no public address
// relay), counted per listener: a listener bound to loopback is not reachable from the
// Internet, except through a trusted load balancer that forwards clients to it. Beyond the
// open-relay threshold (reach.ts ANYWHERE) open-relay reports it instead.

import type { ListenConfig, ServerConfig } from '../../runtime/config/types.js';
import { AddressSet } from '../../net/address-set.js';
import { describeListener, peersOf } from '../analysis/listener-reach.js';
import { PUBLIC_ADDRESSES } from '../analysis/public-addresses.js';
import { ANYWHERE, cidrSet, connectableSet, exceeds, WIDE } from '../analysis/reach.js';
import { relayPaths } from '../analysis/relay-paths.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'wide-public-grant',
    category: 'relay',
    defaultSeverity: 'warning',
    description: 'a relay grant or connection allow-list entry lets public addresses wider than a /24 (IPv6: /48) connect and relay, or connect, without requiring authentication',
    messages: {
      relay:
        "relay grant {{cidr}} lets {{count}} public addresses connect to server '{{server}}' and relay without logging in{{narrowed}}; listeners: {{listeners}}. Narrow it to the hosts that need it, or require authentication",
      connections:
        "connection allow-list entry {{cidr}} admits {{count}} public addresses to server '{{server}}', which does not require logging in; listeners: {{listeners}}. An allow-list this wide restricts little; narrow it or require authentication",
    },
    fixable: false,
  },
  check(context) {
    const seen = new Set<string>();
    for (const server of context.model.servers) {
      const config = server.config;
      if (!config.auth.anonymous) continue;
      const openRelay = exceeds(
        relayPaths(config).reduce((set, l) => l.paths.reduce((s, p) => s.union(p.publicClients), set), AddressSet.EMPTY),
        ANYWHERE,
      );
      const arriving = config.listen.map((listen) => ({ listen, clients: arrivingClients(config, listen) }));
      const connectable = connectableSet(config.connections);
      const groups = [
        ...(openRelay || config.relay.anyone ? [] : [{ messageId: 'relay' as const, items: config.relay.entries, admitted: connectable }]),
        ...(config.connections.mode === 'allow-list' ? [{ messageId: 'connections' as const, items: config.connections.entries, admitted: AddressSet.ALL }] : []),
      ];
      for (const group of groups) {
        for (const item of group.items) {
          if (item.kind !== 'cidr') continue;
          const key = `${group.messageId}\0${item.source}`;
          if (seen.has(key)) continue;
          const named = cidrSet([item]).intersect(PUBLIC_ADDRESSES);
          const through = arriving.filter((a) => !a.clients.intersect(named).intersect(group.admitted).isEmpty());
          const reach = through.reduce((set, a) => set.union(a.clients), AddressSet.EMPTY).intersect(named).intersect(group.admitted);
          if (!exceeds(reach, WIDE)) continue;
          seen.add(key);
          const at = nodeAt(context.model, item.source);
          const count = total(reach);
          const narrowed = total(named) === count ? '' : ` (connection control admits ${count} of the ${total(named)} it names)`;
          const listeners = [...new Set(through.map((a) => describeListener(a.listen)))].join(', ');
          if (at) context.report({ at, messageId: group.messageId, data: { cidr: item.cidr, count, narrowed, listeners, server: config.name } });
        }
      }
    }
  },
});

/**
 * The client addresses sessions on this listener can have: the peers that can reach it and
 * are not trusted balancers, and, when a trusted balancer can reach it, anyone it forwards.
 */
function arrivingClients(config: ServerConfig, listen: ListenConfig): AddressSet {
  const peers = peersOf(listen);
  const proxies = cidrSet(config.proxyProtocol);
  return peers.intersect(proxies).isEmpty() ? peers.difference(proxies) : AddressSet.ALL;
}

function total(set: AddressSet): string {
  return (set.size(4) + set.size(6)).toLocaleString('en-US');
}
