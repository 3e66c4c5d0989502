// PLAIN and LOGIN send the password itself (base64 is not encryption). The article:
// Basic authentication only together with TLS. Which mechanisms a client sees before TLS
// is runtime/policy's decision (ehloAdvertisement), so this rule asks it.

import { ehloAdvertisement } from '../../runtime/policy/index.js';
import { requireTlsFix } from '../lint/edits.js';
import { authMethodRange, nodeAt, serverLabel, tlsBlockOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

const BASIC = new Set(['PLAIN', 'LOGIN']);

export default defineRule({
  meta: {
    id: 'basic-auth-without-tls',
    category: 'authentication',
    defaultSeverity: 'error',
    description: 'PLAIN/LOGIN (clear-text passwords) can be used on a connection that is not encrypted',
    messages: {
      noTls:
        "{{server}} offers {{mechanisms}} on unencrypted connections: the password crosses the network in clear text. Add a tls block with a certificate and 'require'",
      beforeTls:
        "{{server}} offers {{mechanisms}} before STARTTLS: the password crosses the network in clear text. Require TLS in the tls block",
    },
    fixable: true,
  },
  check(context) {
    context.model.servers.forEach((server, index) => {
      const compiled = context.policy.servers[index];
      if (!compiled) return;
      // Implicit-TLS listeners are encrypted from the first byte; only plain ones matter.
      if (server.config.listen.length > 0 && server.config.listen.every((l) => l.tlsMode === 'implicit')) return;
      const offered = ehloAdvertisement(compiled, { clientAddress: '192.0.2.1', tls: null }).authMechanisms.filter((m) => BASIC.has(m));
      if (offered.length === 0) return;
      const source = server.config.auth.mechanisms.find((m) => BASIC.has(m.mechanism))?.source ?? null;
      const at = nodeAt(context.model, source);
      if (!at || at.node.kind !== 'AuthMethod') return;
      const block = tlsBlockOf(server);
      const fix = block ? requireTlsFix(block, server.file.text) : undefined;
      context.report({
        at: { file: at.file, range: authMethodRange(at.node) },
        messageId: block ? 'beforeTls' : 'noTls',
        data: { server: serverLabel(server), mechanisms: offered.join(' and ') },
        ...(fix ? { fix } : {}),
      });
    });
  },
});
