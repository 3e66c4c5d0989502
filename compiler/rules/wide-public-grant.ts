// A relay grant or connection allow-list entry that covers more of the Internet than one
// site (wider than a /24 for IPv4, a /48 for IPv6) on a server that does not require a
// login. Beyond the open-relay threshold (reach.ts ANYWHERE) open-relay reports it instead.

import { cidrSet, exceeds, unauthenticatedRelay, ANYWHERE, WIDE } from '../analysis/reach.js';
import { PUBLIC_ADDRESSES } from '../analysis/public-addresses.js';
import { nodeAt } from '../lint/locate.js';
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
    fixable: false,
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
          if (at) context.report({ at, messageId: group.messageId, data: { cidr: item.cidr, count, server: config.name } });
        }
      }
    }
  },
});
