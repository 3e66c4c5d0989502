// `proxy-protocol { … }` names the hosts whose PROXY header is believed. A header is a
// claim: from a trusted address, any client address may be named, and every later decision
// (connection control, relay grants, per-address limits, login throttling) is taken for the
// claimed address. So the list must name the load balancers and nothing else. Reported, with
// the reason, for each entry that:
// - covers public addresses beyond a balancer pool (a /28; IPv6 a /64): whoever rents or
//   holds one of them (a neighbour in the same cloud range, anyone at all for 0.0.0.0/0)
//   can pose as any client;
// - covers a wide private network (wider than a /24; IPv6 a /64): every host in it can;
// - overlaps the relay grants of a server that admits anonymous clients: the hosts trusted
//   to speak for others are also granted relay, so one compromised host there can pose as
//   any client (connection control, per-address limits and throttles no longer hold for
//   it), and the balancer's own health-check sessions (PROXY v2 LOCAL) relay.
// Whether this makes the server an open relay is open-relay's verdict. Each finding here is
// confirmed by runtime/policy on a witness session (a header from an address in the entry,
// believed, naming another client; or the balancer's own LOCAL session relaying), and the
// message shows the `explain` command that replays it.

import type { AddressItem } from '../../runtime/config/types.js';
import { AddressSet, type Family } from '../../net/address-set.js';
import { PUBLIC_ADDRESSES } from '../analysis/public-addresses.js';
import { cidrSet, connectableSet, exceeds } from '../analysis/reach.js';
import { hostsOf, publicOnes, type RelayWitness } from '../analysis/relay-paths.js';
import { relaysWithoutAuth } from '../analysis/relay-probe.js';
import { describeWitness, reproduce } from '../analysis/witness-finding.js';
import type { CompiledServer } from '../../runtime/policy/index.js';
import { decideArrival } from '../../runtime/policy/index.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

/** The most addresses one pool of load balancers plausibly holds: a /28 (IPv4), one /64 (IPv6). */
const BALANCER_POOL: Record<Family, bigint> = { 4: 16n, 6: 1n << 64n };
/** A private range wider than one subnet of a /24 (IPv6: one /64) holds more than balancers. */
const PRIVATE_SUBNET: Record<Family, bigint> = { 4: 256n, 6: 1n << 64n };

export default defineRule({
  meta: {
    id: 'proxy-trust-too-wide',
    category: 'connections',
    defaultSeverity: 'warning',
    description: 'a trusted PROXY protocol source is public, wide, or also granted relay: whoever connects from it can claim any client address',
    messages: {
      public:
        "server '{{server}}' believes PROXY headers from {{cidr}}, {{count}} public addresses: anyone who holds one of them can claim any client address (such as one the relay grants or the connection list admit), and connection control, per-address limits and login throttling are then applied to the claim. List only the load balancers' own addresses. Witness: {{witness}} is believed; replay it with `{{explain}}`",
      wide: "server '{{server}}' believes PROXY headers from every host in {{cidr}} ({{count}} addresses): any of them, compromised or simply curious, can claim any client address, and connection control, per-address limits and login throttling are then applied to the claim. List only the load balancers' own addresses. Witness: {{witness}} is believed; replay it with `{{explain}}`",
      overlap:
        "server '{{server}}' both believes PROXY headers from {{cidr}} and grants relay without login to {{overlap}} ({{grant}}): those hosts can relay as themselves and also pose as any other client, and a balancer's own health-check sessions (PROXY v2 LOCAL) relay too. Keep the balancers out of the relay grants and grant the real client addresses instead. Witness: {{witness}} relays; replay it with `{{explain}}`",
    },
    fixable: false,
  },
  check(context) {
    const seen = new Set<string>();
    for (const server of context.model.servers) {
      const { config } = server;
      for (const item of config.proxyProtocol) {
        if (item.kind !== 'cidr') continue;
        const key = `${config.name}\0${item.source}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const at = nodeAt(context.model, item.source);
        if (!at) continue;
        const range = AddressSet.fromCidr(item.cidr);
        const data = { server: config.name, cidr: item.cidr };
        const publicPart = range.intersect(PUBLIC_ADDRESSES);
        const wide = exceeds(publicPart, BALANCER_POOL) ? 'public' : exceeds(range, PRIVATE_SUBNET) ? 'wide' : undefined;
        if (wide !== undefined) {
          const compiled = context.compiled(server);
          const witness = believedClaim(compiled, wide === 'public' ? publicOnes(publicPart)[0] : hostsOf(range)[0]);
          if (witness === undefined) continue; // runtime/policy does not believe it: nothing to report
          const count = total(wide === 'public' ? publicPart : range);
          context.report({ at, messageId: wide, data: { ...data, count, witness: describeWitness(witness), explain: reproduce(context.model, compiled, witness) } });
          continue;
        }
        if (!config.auth.anonymous) continue;
        const grant = overlappingGrant(config.relay.entries, range);
        if (grant === undefined) continue;
        const overlapSet = range.intersect(AddressSet.fromCidr(grant.cidr));
        const balancer = hostsOf(overlapSet)[0]!;
        const witness: RelayWitness = { client: balancer, proxyLocal: true };
        const compiled = context.compiled(server);
        if (decideArrival(compiled, { peerAddress: balancer, proxyLocal: true }).decision !== 'accept' || !relaysWithoutAuth(compiled, balancer)) continue;
        context.report({
          at,
          messageId: 'overlap',
          data: { ...data, overlap: overlapSet.toCidrs().join(', '), grant: `relay grant ${grant.cidr}`, witness: describeWitness(witness), explain: reproduce(context.model, compiled, witness) },
        });
      }
    }
  },
});

/**
 * A header from `proxyFrom` naming a client that matters: one the relay grants
 * cover, else one the connection list admits, else a documentation address. Confirmed:
 * runtime/policy believes it and takes every decision for the claimed address.
 */
function believedClaim(server: CompiledServer, proxyFrom: string | undefined): RelayWitness | undefined {
  if (proxyFrom === undefined) return undefined;
  const granted = connectableSet(server.config.connections).intersect(cidrSet(server.config.relay.entries));
  const admitted = connectableSet(server.config.connections);
  const client = [...hostsOf(granted), ...hostsOf(admitted), '192.0.2.1'].find((a) => a !== proxyFrom)!;
  const arrival = decideArrival(server, { peerAddress: proxyFrom, proxyClaim: client });
  return arrival.decision === 'accept' && arrival.clientAddress === client ? { client, proxyFrom } : undefined;
}

function overlappingGrant(entries: readonly AddressItem[], range: AddressSet): (AddressItem & { kind: 'cidr' }) | undefined {
  return entries.find((item): item is AddressItem & { kind: 'cidr' } => item.kind === 'cidr' && !cidrSet([item]).intersect(range).isEmpty());
}

function total(set: AddressSet): string {
  return (set.size(4) + set.size(6)).toLocaleString('en-US');
}
