// The article's *Check DNS*: a server's hostname is the name other servers greet and look
// up (EHLO on our outbound connections, the 220 greeting, certificates, SPF and reverse DNS
// checks at the receiving end). When it does not resolve, or resolves somewhere else than
// where the server listens, receivers distrust our mail and clients cannot find the server.
//
// Only `lint --online` asks DNS (the facts come from compiler/online/); offline this rule
// finds nothing, and a resolver that does not answer makes it say nothing either.
import { parseAddress } from '../../net/ip.js';
import { settingsOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

/** Addresses that name every interface: the name may point at any of them. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

export default defineRule({
  meta: {
    id: 'hostname-does-not-resolve',
    category: 'delivery',
    defaultSeverity: 'warning',
    description: "a server's hostname has no address in DNS, or not the address the server listens on (checked only by lint --online)",
    messages: {
      none: "hostname '{{hostname}}' of server '{{server}}' has no A or AAAA record ({{resolver}}): receivers that check the name our mail comes from, and clients that look the server up, will not find it",
      elsewhere:
        "hostname '{{hostname}}' of server '{{server}}' resolves to {{addresses}} ({{resolver}}), not to an address the server listens on ({{listen}}): receivers will see mail from a host whose name points elsewhere",
    },
    fixable: false,
    online: true,
  },
  check(context) {
    const facts = context.online;
    if (!facts) return;
    for (const server of context.model.servers) {
      const hostname = server.config.hostname;
      const lookup = facts.hostnames.get(hostname);
      const node = settingsOf(server.decl, 'Hostname')[0];
      if (!lookup || !node || lookup.kind === 'unreachable') continue;
      const data = { hostname, server: server.config.name, resolver: facts.resolver };
      if (lookup.kind === 'none') {
        context.report({ at: { node, file: server.file }, messageId: 'none', data });
        continue;
      }
      const listening = [...new Set(server.config.listen.map((l) => l.address).filter((a) => !WILDCARDS.has(a)))];
      // a server on every interface may be reached at any address the name has
      if (server.config.listen.some((l) => WILDCARDS.has(l.address))) continue;
      const resolved = new Set(lookup.addresses.map((a) => parseAddress(a)?.text ?? a));
      if (listening.some((a) => resolved.has(a))) continue;
      context.report({
        at: { node, file: server.file },
        messageId: 'elsewhere',
        data: { ...data, addresses: lookup.addresses.join(', '), listen: listening.join(', ') },
      });
    }
  },
});
