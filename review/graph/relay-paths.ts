// The relay path of a server in words for the picture: per listener, each way in the relay
// analysis found (direct, through a gateway, with a forged PROXY header), who can take it,
// and the policy lines that make it: the grants, the trusted balancers, the gateways.

import { cidrSet, type RelayPath } from '../../compiler/index.js';
import type { AddressItem } from '../../runtime/config/index.js';
import { describeCounts, countsOf } from '../counts.js';
import type { ServerMap } from './categories.js';

export interface PathRow {
  listener: string;
  kind: RelayPath['kind'];
  /** Who: `16,777,216 IPv4 addresses (11.0.0.0/8)`. */
  clients: string;
  /** How they get in, in words. */
  way: string;
  /** The lines that grant it: `policy.smtppolicy:5:11 10.0.0.0/7`. */
  lines: { source: string; entry: string }[];
}

const WAYS: Record<RelayPath['kind'], string> = {
  direct: 'connect as themselves (or through an honest trusted balancer)',
  gateway: 'come through a declared gateway the grants cover',
  proxy: 'send a PROXY header from a trusted address, claiming a granted one',
};

export function relayPathRows(map: ServerMap): PathRow[] {
  const config = map.server.config;
  return map.listeners.flatMap((listener) =>
    listener.relayPaths.map((path) => {
      const grants = config.relay.anyone ? [{ source: config.relay.source ?? config.source, entry: 'anyone' }] : entriesMeeting(config.relay.entries, path.granted);
      const via = path.kind === 'proxy' ? entriesMeeting(config.proxyProtocol, path.clients) : path.kind === 'gateway' ? entriesMeeting(config.gateways, path.granted) : [];
      const cidrs = path.clients.toCidrs();
      const shown = cidrs.length <= 3 ? cidrs.join(', ') : `${cidrs.slice(0, 3).join(', ')}, …`;
      return { listener: listener.key, kind: path.kind, clients: `${describeCounts(countsOf(path.clients))} (${shown})`, way: WAYS[path.kind], lines: [...via, ...grants] };
    }),
  );
}

function entriesMeeting(items: readonly AddressItem[], set: ReturnType<typeof cidrSet>): { source: string; entry: string }[] {
  return items.flatMap((item) => (item.kind === 'cidr' && !cidrSet([item]).intersect(set).isEmpty() ? [{ source: item.source, entry: item.cidr }] : []));
}
