// Challenge-response (CRAM-MD5, the article's Integrated Windows authentication) keeps the
// password off the wire, but the article warns it does not encrypt the message itself:
// mail sent after such a login still crosses the network in clear unless TLS is required.

import { ehloAdvertisement } from '../../runtime/policy/index.js';
import { requireTlsFix } from '../lint/edits.js';
import { authMethodRange, nodeAt, tlsBlockOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'challenge-response-without-tls',
    category: 'authentication',
    defaultSeverity: 'warning',
    description: 'challenge-response auth protects the password but the messages themselves may still travel unencrypted',
    messages: {
      clear:
        "server '{{server}}' accepts challenge-response logins on unencrypted connections: the password is safe, but the messages sent afterwards are not. Require TLS",
    },
    fixable: true,
  },
  check(context) {
    context.model.servers.forEach((server, index) => {
      const compiled = context.policy.servers[index];
      if (!compiled) return;
      if (server.config.listen.length > 0 && server.config.listen.every((l) => l.tlsMode === 'implicit')) return;
      const offered = ehloAdvertisement(compiled, { clientAddress: '192.0.2.1', tls: null }).authMechanisms;
      if (!offered.includes('CRAM-MD5')) return;
      const at = nodeAt(context.model, server.config.auth.mechanisms.find((m) => m.mechanism === 'CRAM-MD5')?.source ?? null);
      if (!at || at.node.kind !== 'AuthMethod') return;
      const block = tlsBlockOf(server);
      const fix = block ? requireTlsFix(block, server.file.text) : undefined;
      context.report({ at: { file: at.file, range: authMethodRange(at.node) }, messageId: 'clear', data: { server: server.config.name }, ...(fix ? { fix } : {}) });
    });
  },
});
