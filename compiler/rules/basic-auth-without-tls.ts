// PLAIN and LOGIN send the password itself (base64 is not encryption). The article:
// Basic authentication only together with TLS. Which mechanisms a client sees before TLS
// is runtime/policy's decision (ehloAdvertisement), so this rule asks it.

import { reportAuthInClear } from './helpers/auth-in-clear.js';
import { serverLabel } from '../lint/locate.js';
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
    reportAuthInClear(context, BASIC, (found, server) => ({
      messageId: found.hasTlsBlock ? 'beforeTls' : 'noTls',
      data: { server: serverLabel(server), mechanisms: found.offered.join(' and ') },
    }));
  },
});
