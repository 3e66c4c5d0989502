// Relay granted by DNS suffix trusts whatever the DNS says. Forward confirmation stops a
// stranger from simply writing the partner's name into their own PTR record, but anyone
// who can create a name under the suffix (a wildcard record, a dynamic-DNS host, a
// forgotten test machine) or poison the resolver's cache (no DNSSEC here) may relay.
// The article allows suffix grants; it also warns that they cost a lookup per connection.
// A grant at a public suffix (`com`) is public-suffix-domain-entry's error instead.

import { publicSuffixOf } from '../analysis/public-suffix.js';
import { isDomainItem, writtenOnce } from './helpers/written-entries.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'relay-grant-by-domain',
    category: 'relay',
    defaultSeverity: 'warning',
    description: 'relay is granted by reverse-DNS suffix, which anyone able to create a name under that suffix can satisfy',
    messages: {
      domain:
        "server '{{server}}' lets any host whose reverse DNS name ends in {{domain}} relay without logging in: anyone who can add a name under {{domain}} (or poison the resolver's cache) can relay. Grant the partner's addresses instead, or require authentication",
    },
    fixable: false,
  },
  check(context) {
    for (const { server, item } of writtenOnce(context.model, (config) => ({ relay: config.relay.entries }), isDomainItem)) {
      // A public suffix is worse than this rule says: public-suffix-domain-entry reports it.
      if (publicSuffixOf(item.domain) !== undefined) continue;
      const at = nodeAt(context.model, item.source);
      if (at) context.report({ at, messageId: 'domain', data: { server: server.config.name, domain: item.domain } });
    }
  },
});
