// A relay grant or connection allow-list entry that covers more of the Internet than one
// site (wider than a /24 for IPv4, a /48 for IPv6) on a server that does not require a
// login. Beyond the open-relay threshold (reach.ts ANYWHERE) open-relay reports it instead.

import type { AddressItem, ServerConfig } from '../../runtime/config/types.js';
import type { Fix } from '../../grammar/diagnostic.js';
import { cidrSet, connectableSet, exceeds, unauthenticatedRelay, ANYWHERE, WIDE } from '../analysis/reach.js';
import { PUBLIC_ADDRESSES } from '../analysis/public-addresses.js';
import type { Located, ServerModel } from '../model.js';
import { replace } from '../lint/edits.js';
import { nodeAt, settingsOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'wide-public-grant',
    category: 'relay',
    defaultSeverity: 'warning',
    description: 'a relay grant or connection allow-list entry covers public addresses wider than a /24 (IPv6: /48) without requiring authentication',
    messages: {
      relay: "relay grant {{cidr}} lets {{count}} public addresses relay through server '{{server}}' without logging in: narrow it to the hosts that need it, or require authentication",
      connections:
        "connection allow-list entry {{cidr}} admits {{count}} public addresses to server '{{server}}', which does not require logging in: an allow-list this wide restricts little; narrow it or require authentication",
    },
    fixable: true,
  },
  check(context) {
    const seen = new Set<string>();
    for (const server of context.model.servers) {
      const config = server.config;
      if (!config.auth.anonymous) continue;
      const openRelay = exceeds(unauthenticatedRelay(config).publicOpen, ANYWHERE);
      const groups = [
        ...(openRelay || config.relay.anyone ? [] : [{ messageId: 'relay' as const, items: config.relay.entries }]),
        ...(config.connections.mode === 'allow-list' ? [{ messageId: 'connections' as const, items: config.connections.entries }] : []),
      ];
      for (const group of groups) {
        for (const item of group.items) {
          if (item.kind !== 'cidr') continue;
          const key = `${group.messageId}\0${item.source}`;
          if (seen.has(key)) continue;
          const reach = cidrSet([item]).intersect(PUBLIC_ADDRESSES);
          if (!exceeds(reach, WIDE)) continue;
          seen.add(key);
          const at = nodeAt(context.model, item.source);
          const count = (reach.size(4) + reach.size(6)).toLocaleString('en-US');
          if (!at) continue;
          const fix = group.messageId === 'relay' ? narrowToConnectable(server, config, item, at) : undefined;
          context.report({ at, messageId: group.messageId, data: { cidr: item.cidr, count, server: config.name }, ...(fix ? { fix } : {}) });
        }
      }
    }
  },
});

/**
 * A relay grant wider than who may connect at all means only its overlap with the connection
 * allow-list: the fix writes that overlap instead (the same clients relay as before, and the
 * text says who they are), when it is narrow enough not to be reported again. Only for a grant
 * written in the server's relay block: a list may serve other purposes.
 */
function narrowToConnectable(server: ServerModel, config: ServerConfig, item: AddressItem & { kind: 'cidr' }, at: Located): Fix | undefined {
  if (config.connections.mode !== 'allow-list') return undefined;
  if (!settingsOf(server.decl, 'Relay')[0]?.entries.some((e) => e === at.node)) return undefined;
  const narrowed = cidrSet([item]).intersect(connectableSet(config.connections));
  if (narrowed.isEmpty() || exceeds(narrowed.intersect(PUBLIC_ADDRESSES), WIDE)) return undefined;
  const cidrs = narrowed.toCidrs();
  return {
    description: `Narrow the grant to the clients the connection allow-list admits: ${cidrs.join(', ')}`,
    edits: [replace(at.node.range, cidrs.join('  '))],
  };
}
