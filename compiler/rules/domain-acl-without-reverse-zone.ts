// A domain entry is matched by reverse DNS on every connection (the article: it slows the
// server, and the reverse zone must exist and hold the client's PTR record). Without a
// declared reverse zone nobody has said which resolver can answer, so the entry is likely
// to match nobody (or to fail closed on every connection).

import { isDomainItem, writtenOnce } from './helpers/written-entries.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'domain-acl-without-reverse-zone',
    category: 'connections',
    defaultSeverity: 'error',
    description: 'a domain entry in a connection list or relay grant, with no reverse zone declared to answer for it',
    messages: {
      noZone:
        "domain entry '{{domain}}' in the {{where}} of server '{{server}}' is matched by reverse DNS, but no reverse zone is declared: add resolver { reverse-zone <zone> } for the zone that holds your clients' PTR records, or list their addresses",
    },
    fixable: false,
  },
  check(context) {
    if (context.model.config.resolver.reverseZones.length > 0) return;
    const written = writtenOnce(context.model, (config) => ({ 'connection list': config.connections.entries, 'relay grants': config.relay.entries }), isDomainItem);
    for (const { server, collection, item } of written) {
      const at = nodeAt(context.model, item.source);
      if (at) context.report({ at, messageId: 'noZone', data: { domain: item.domain, where: collection, server: server.config.name } });
    }
  },
});
