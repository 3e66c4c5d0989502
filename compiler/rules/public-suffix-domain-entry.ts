// `relay { domain com }` trusts whoever controls a PTR record under `.com`: anyone can
// register a name there, give their own address a PTR record with that name and an A
// record back (forward confirmation passes), and relay. The same holds for a connection
// allow-list entry (it admits them) and for any public suffix: `co.uk`, `github.io`, a
// name under a wildcard rule. Which names are public suffixes is the Public Suffix List's
// call (compiler/analysis/public-suffix.ts), not a list written here. Each finding is
// confirmed by runtime/policy on a witness: a client with a PTR name under the suffix.

import type { ServerConfig } from '../../runtime/config/types.js';
import type { CompiledServer, ReverseDnsResult } from '../../runtime/policy/index.js';
import { decideArrival, decideConnect } from '../../runtime/policy/index.js';
import { publicSuffixOf } from '../analysis/public-suffix.js';
import { connectableSet } from '../analysis/reach.js';
import { hostsOf, publicOnes, type RelayWitness } from '../analysis/relay-paths.js';
import { describeWitness, reproduce } from '../analysis/witness-finding.js';
import { witnessRelays } from '../analysis/relay-probe.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

/** The first label of a witness PTR name: a host in a domain anyone could have registered. */
const WITNESS_HOST = 'mail.anyone-registers';

export default defineRule({
  meta: {
    id: 'public-suffix-domain-entry',
    category: 'relay',
    defaultSeverity: 'error',
    description: 'a relay grant or connection allow-list entry names a public suffix (com, co.uk, github.io, …), under which anyone can register a name',
    messages: {
      relay:
        "relay grant domain {{domain}} of server '{{server}}' is a public suffix: anyone can register a name under {{domain}}, give their own address a PTR record with it and relay without logging in. Grant the partner's own domain or addresses. Witness: {{witness}} relays; replay it with `{{explain}}`",
      connections:
        "connection allow-list entry domain {{domain}} of server '{{server}}' is a public suffix: anyone can register a name under {{domain}}, give their own address a PTR record with it and connect. Name the partner's own domain or addresses. Witness: {{witness}} connects; replay it with `{{explain}}`",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const { config } = server;
      const groups = [
        { messageId: 'relay' as const, items: config.relay.entries },
        ...(config.connections.mode === 'allow-list' ? [{ messageId: 'connections' as const, items: config.connections.entries }] : []),
      ];
      for (const group of groups) {
        for (const item of group.items) {
          if (item.kind !== 'domain') continue;
          const suffix = publicSuffixOf(item.domain);
          if (suffix === undefined) continue;
          const compiled = context.compiled(server);
          const witness = confirmed(compiled, group.messageId, witnessFor(config, suffix));
          const at = nodeAt(context.model, item.source);
          if (witness === undefined || !at) continue;
          context.report({
            at,
            messageId: group.messageId,
            data: { domain: item.domain, server: config.name, witness: describeWitness(witness), explain: reproduce(context.model, compiled, witness) },
          });
        }
      }
    }
  },
});

/** A stranger's address the connection list admits by address (a public one if any), with a PTR name under the suffix. */
function witnessFor(config: ServerConfig, suffix: string): RelayWitness {
  const connectable = connectableSet(config.connections);
  const client = [...publicOnes(connectable), ...hostsOf(connectable), '192.0.2.1'][0]!;
  return { client, ptr: `${WITNESS_HOST}.${suffix}` };
}

function confirmed(server: CompiledServer, what: 'relay' | 'connections', witness: RelayWitness): RelayWitness | undefined {
  if (what === 'relay') return witnessRelays(server, witness) ? witness : undefined;
  const arrival = decideArrival(server, { peerAddress: witness.client });
  if (arrival.decision !== 'accept') return undefined;
  const reverseDns: ReverseDnsResult = { status: 'found', name: witness.ptr!, confirmed: true };
  return decideConnect(server, { clientAddress: arrival.clientAddress, reverseDns }).decision === 'accept' ? witness : undefined;
}
