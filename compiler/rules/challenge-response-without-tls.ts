// Challenge-response (CRAM-MD5, the article's Integrated Windows authentication) keeps the
// password off the wire, but the article warns it does not encrypt the message itself:
// mail sent after such a login still crosses the network in clear unless TLS is required.

import { reportAuthInClear } from './helpers/auth-in-clear.js';
import { defineRule } from '../lint/rule.js';

const CHALLENGE_RESPONSE = new Set(['CRAM-MD5']);

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
    reportAuthInClear(context, CHALLENGE_RESPONSE, (_found, server) => ({ messageId: 'clear', data: { server: server.config.name } }));
  },
});
