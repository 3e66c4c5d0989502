// The most common open relay in container deployments (docker-mailserver issues #1405,
// #1303, #4409): relay is granted to the container network (`PERMIT_DOCKER=network`,
// `mynetworks = 172.16.0.0/12`), and the bridge's gateway (172.17.0.1, or .1 of a
// user-defined network) is inside it. Connections to a published port can arrive from
// that gateway instead of the client's own address — through Docker's userland proxy
// (IPv6 clients, hairpin traffic, `iptables: false`), rootless port drivers, or a load
// balancer in another container — and then every Internet client is a granted one.
//
// A policy can declare such addresses (`gateways { … }`); open-relay then counts a grant
// that covers one as a grant to everyone behind it. This rule looks for the likely case
// when nothing is declared: a server that listens beyond loopback, admits anonymous
// clients, and grants relay over a Docker bridge gateway. A warning, with the reason and
// the session (confirmed by runtime/policy) that would relay.

import { isLoopbackOnly, peersOf } from '../analysis/listener-reach.js';
import { ANYWHERE, connectableSet, exceeds } from '../analysis/reach.js';
import { relayPaths, type RelayWitness } from '../analysis/relay-paths.js';
import { confirmedWitness, describeWitness, grantFor, reproduce } from '../analysis/witness-finding.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

/**
 * Gateways of Docker's bridges: docker0 (172.17.0.0/16) and the user-defined networks of
 * the default address pool (172.18.0.0/16 … 172.31.0.0/16), each at its first address.
 */
export const DOCKER_BRIDGE_GATEWAYS: readonly string[] = Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.1`);

/** Stands for any Internet client behind the gateway in witnesses and messages. */
const STRANGER = '8.8.8.8';

export default defineRule({
  meta: {
    id: 'relay-grant-covers-gateway',
    category: 'relay',
    defaultSeverity: 'warning',
    description: 'a relay grant covers a container bridge gateway that may front every Internet client, and no gateways are declared',
    messages: {
      bridge:
        "relay grant {{cidr}} of server '{{server}}' covers {{gateway}}, the gateway of a Docker bridge network, and the server listens on {{listeners}}: when published-port connections arrive from the gateway (Docker's userland proxy for IPv6 or hairpin clients, rootless port drivers, a proxy container without PROXY protocol), every Internet client relays as {{gateway}}. Grant the containers' own addresses or require authentication; if {{gateway}} does front clients, declare it in `gateways { {{gateway}} }`. Witness: {{witness}} relays; replay it with `{{explain}}`",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const { config } = server;
      // Declared gateways say the topology is known: open-relay judges them.
      if (!config.auth.anonymous || config.gateways.length > 0) continue;
      const exposed = config.listen.filter((listen) => !isLoopbackOnly(listen) && peersOf(listen).has(DOCKER_BRIDGE_GATEWAYS[0]!));
      if (exposed.length === 0) continue;
      // A grant that already lets the Internet relay directly is open-relay's finding.
      const direct = relayPaths(config).flatMap((l) => l.paths).filter((p) => p.kind === 'direct');
      if (direct.some((p) => exceeds(p.publicClients, ANYWHERE))) continue;
      const connectable = connectableSet(config.connections);
      const reported = new Set<string>();
      for (const gateway of DOCKER_BRIDGE_GATEWAYS) {
        if (!connectable.has(gateway)) continue;
        const compiled = context.compiled(server);
        const witness: RelayWitness | undefined = confirmedWitness(compiled, [{ client: STRANGER, viaGateway: gateway }]);
        if (witness === undefined) continue;
        const grant = grantFor(compiled, witness);
        if (grant === undefined || grant.kind !== 'cidr' || reported.has(grant.source)) continue;
        reported.add(grant.source);
        const at = nodeAt(context.model, grant.source);
        if (!at) continue;
        context.report({
          at,
          messageId: 'bridge',
          data: {
            cidr: grant.cidr,
            server: config.name,
            gateway,
            listeners: exposed.map((l) => `${l.address}:${l.port}`).join(', '),
            witness: describeWitness(witness),
            explain: reproduce(context.model, compiled, witness),
          },
        });
      }
    }
  },
});
