// An open relay: strangers on the Internet may send through this server to any domain
// without logging in. The article: granting relay to everyone makes the server a spam
// relay. Decided by analysis, not by pattern: for every listener, who can reach it (its bind
// address), who arrives with which address (directly, through a declared gateway, or with a
// PROXY header from a trusted source), who of those connection control admits, who the
// relay grants cover, and whether MAIL needs a login at all — as exact address sets
// (compiler/analysis/relay-paths.ts) — then confirmed by asking runtime/policy on a concrete
// session, which the message shows with the `explain` command that replays it.
// "Anywhere" is defined in compiler/analysis/reach.ts (ANYWHERE): more public addresses
// than a /16 (IPv4) or a /32 (IPv6).

import type { AddressItem, ListenConfig, ServerConfig } from '../../runtime/config/types.js';
import type { CompiledServer } from '../../runtime/policy/index.js';
import { AddressSet } from '../../net/address-set.js';
import { describeListener } from '../analysis/listener-reach.js';
import { examplePublicAddress } from '../analysis/public-addresses.js';
import { ANYWHERE, exceeds } from '../analysis/reach.js';
import { relayPaths, type RelayWitness } from '../analysis/relay-paths.js';
import { confirmedWitness, describeWitness, grantFor, reproduce } from '../analysis/witness-finding.js';
import type { Fix } from '../../grammar/diagnostic.js';
import type { Located, PolicyModel, ServerModel } from '../model.js';
import { deleteEntryFix, replace } from '../lint/edits.js';
import { nodeAt, settingsOf, where } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'open-relay',
    category: 'relay',
    defaultSeverity: 'error',
    description: 'clients anywhere on the Internet may relay to other domains without authenticating',
    messages: {
      direct:
        'any client in {{clients}} (public addresses such as {{example}}) may relay without authenticating: {{grant}}; connections: {{connections}}; listeners: {{listeners}}. Witness: {{witness}} relays; replay it with `{{explain}}`',
      gateway:
        'every client behind gateway {{gateway}} (anyone who reaches it, such as {{example}}) may relay without authenticating: the server sees them all as {{gateway}}, which {{grant}} covers; listeners: {{listeners}}. Witness: {{witness}} relays; replay it with `{{explain}}`',
      proxy:
        'anyone who can connect from a trusted PROXY source in {{clients}} (public addresses such as {{example}}) may relay without authenticating: their PROXY header may claim any client address, and {{grant}} covers {{claim}}; listeners: {{listeners}}. Witness: {{witness}} relays; replay it with `{{explain}}`',
    },
    fixable: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      const listeners = relayPaths(server.config);
      for (const kind of ['direct', 'gateway', 'proxy'] as const) {
        const found = listeners.flatMap(({ listen, paths }) => paths.filter((p) => p.kind === kind).map((p) => ({ listen, path: p })));
        const publicClients = found.reduce((set, f) => set.union(f.path.publicClients), AddressSet.EMPTY);
        if (!exceeds(publicClients, ANYWHERE)) continue;
        const compiled = context.compiled(server);
        const witness = confirmedWitness(compiled, found.flatMap((f) => f.path.witnesses));
        if (witness === undefined) continue; // runtime/policy disagrees: the property tests guard this
        const grant = kind === 'direct' ? deciding(server.config, publicClients, compiled, witness) : grantFor(compiled, witness);
        const at = grantNode(context.model, server, grant);
        if (!at) continue;
        // a grant that opens the Internet directly asks for a login instead; through a gateway or
        // a forged PROXY header the grant may be right and the trust wrong: no mechanical fix
        const fix = kind === 'direct' ? authenticatedOnlyFix(server, at) : undefined;
        context.report({
          at,
          ...(fix ? { fix } : {}),
          messageId: kind,
          data: {
            clients: describeSet(found.reduce((set, f) => set.union(f.path.clients), AddressSet.EMPTY)),
            example: examplePublicAddress(publicClients) ?? witness.client,
            gateway: witness.viaGateway ?? '',
            claim: witness.client,
            grant: describeGrant(context.model, server.config, grant),
            connections: describeConnections(context.model, server.config),
            listeners: describeListeners(found.map((f) => f.listen)),
            witness: describeWitness(witness),
            explain: reproduce(context.model, compiled, witness),
          },
        });
      }
    }
  },
});

/** The address grant that lets the most strangers relay; the witness's own grant when none is wider. */
function deciding(config: ServerConfig, publicOpen: AddressSet, compiled: CompiledServer, witness: RelayWitness): AddressItem | undefined {
  if (config.relay.anyone) return undefined;
  let best: { item: AddressItem; size: bigint } | undefined;
  for (const item of config.relay.entries) {
    if (item.kind !== 'cidr') continue;
    const reach = AddressSet.fromCidr(item.cidr).intersect(publicOpen);
    const size = reach.size(4) + reach.size(6);
    if (!best || size > best.size) best = { item, size };
  }
  return best?.item ?? grantFor(compiled, witness);
}

function describeGrant(model: PolicyModel, config: ServerConfig, grant: AddressItem | undefined): string {
  if (grant === undefined) return `relay { anyone } at ${where(model, config.relay.source)}`;
  return grant.kind === 'cidr' ? `relay grant ${grant.cidr} at ${where(model, grant.source)}` : `relay grant domain ${grant.domain} at ${where(model, grant.source)}`;
}

/** Report at the relay block's own entry: the `anyone`, the range, or the `@list` that brought it in. */
function grantNode(model: PolicyModel, server: ServerModel, grant: AddressItem | undefined): Located | undefined {
  const block = settingsOf(server.decl, 'Relay')[0];
  if (!block) return undefined;
  if (!grant) {
    const anyone = block.entries.find((e) => e.kind === 'Anyone');
    return anyone ? { node: anyone, file: server.file } : undefined;
  }
  const direct = nodeAt(model, grant.source);
  if (direct && block.entries.includes(direct.node as (typeof block.entries)[number])) return direct;
  const ref = block.entries.find((e) => e.kind === 'ListRef' && e.name === grant.list) ?? block.entries.find((e) => e.kind === 'ListRef');
  return ref ? { node: ref, file: server.file } : { node: block, file: server.file };
}

/**
 * Relay for clients that log in instead: the `anyone` or the address grant written in the
 * relay block becomes `authenticated` (or goes, when the block grants that already). A grant
 * brought in by `@list` has no fix here: the list may serve other purposes.
 */
function authenticatedOnlyFix(server: ServerModel, at: Located): Fix | undefined {
  const block = settingsOf(server.decl, 'Relay')[0];
  const entry = block?.entries.find((e) => e === at.node);
  if (!block || !entry || entry.kind === 'ListRef') return undefined;
  const written = entry.kind === 'Anyone' ? "'anyone'" : 'this grant';
  if (block.entries.some((e) => e.kind === 'Authenticated')) {
    return deleteEntryFix(at.file.text, entry.range, `Relay for authenticated clients only: remove ${written}`);
  }
  return { description: `Relay for authenticated clients only: replace ${written} with 'authenticated'`, edits: [replace(entry.range, 'authenticated')] };
}

function describeSet(set: AddressSet): string {
  const cidrs = set.toCidrs();
  return cidrs.length <= 3 ? cidrs.join(', ') : `${cidrs.slice(0, 3).join(', ')} and ${cidrs.length - 3} more ranges`;
}

function describeListeners(listens: ListenConfig[]): string {
  return [...new Set(listens.map(describeListener))].join(', ');
}

function describeConnections(model: PolicyModel, config: ServerConfig): string {
  const { mode, entries, source } = config.connections;
  if (mode === 'deny-list') {
    return entries.length === 0 ? 'everyone' : `everyone except the ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} at ${where(model, source)}`;
  }
  return `the allow-list at ${where(model, source)} admits them`;
}
