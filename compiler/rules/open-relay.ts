// An open relay: strangers on the Internet may send through this server to any domain
// without logging in. The article: granting relay to everyone makes the server a spam
// relay. Decided by analysis, not by pattern: who can connect (connection control) ×
// who can relay without auth (relay grants, `anyone`) × whether MAIL needs a login at all,
// as exact address sets (compiler/analysis), then confirmed by asking runtime/policy on a
// concrete public address. "Anywhere" is defined in compiler/analysis/reach.ts (ANYWHERE):
// more public addresses than a /16 (IPv4) or a /32 (IPv6).

import type { AddressItem, ServerConfig } from '../../runtime/config/types.js';
import type { AddressSet } from '../analysis/address-set.js';
import { examplePublicAddress } from '../analysis/public-addresses.js';
import { relaysWithoutAuth } from '../analysis/relay-probe.js';
import { ANYWHERE, cidrSet, exceeds, unauthenticatedRelay } from '../analysis/reach.js';
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
      open: 'any client in {{clients}} (public addresses such as {{example}}) may relay without authenticating: {{grant}}; connections: {{connections}}',
    },
    fixable: true,
  },
  check(context) {
    context.model.servers.forEach((server, index) => {
      const compiled = context.policy.servers[index];
      if (!compiled) return;
      const { open, publicOpen } = unauthenticatedRelay(server.config);
      if (!exceeds(publicOpen, ANYWHERE)) return;
      const example = [examplePublicAddress(publicOpen), ...publicOpen.boundaries()].find(
        (address) => address !== undefined && relaysWithoutAuth(compiled, address),
      );
      if (example === undefined) return; // runtime/policy disagrees: the property test guards this
      const grant = deciding(server.config, publicOpen);
      const at = grantNode(context.model, server, grant);
      if (!at) return;
      const fix = authenticatedOnlyFix(server, at);
      context.report({
        at,
        ...(fix ? { fix } : {}),
        messageId: 'open',
        data: {
          clients: describeSet(open),
          example,
          grant: grant ? `relay grant ${grant.cidr} at ${where(context.model, grant.source)}` : `relay { anyone } at ${where(context.model, server.config.relay.source)}`,
          connections: describeConnections(context.model, server.config),
        },
      });
    });
  },
});

/** The address grant that lets the most strangers relay; undefined when it is `anyone`. */
function deciding(config: ServerConfig, publicOpen: AddressSet): (AddressItem & { kind: 'cidr' }) | undefined {
  if (config.relay.anyone) return undefined;
  let best: { item: AddressItem & { kind: 'cidr' }; size: bigint } | undefined;
  for (const item of config.relay.entries) {
    if (item.kind !== 'cidr') continue;
    const reach = cidrSet([item]).intersect(publicOpen);
    const size = reach.size(4) + reach.size(6);
    if (!best || size > best.size) best = { item, size };
  }
  return best?.item;
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

function describeConnections(model: PolicyModel, config: ServerConfig): string {
  const { mode, entries, source } = config.connections;
  if (mode === 'deny-list') {
    return entries.length === 0 ? 'everyone' : `everyone except the ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} at ${where(model, source)}`;
  }
  return `the allow-list at ${where(model, source)} admits them`;
}
