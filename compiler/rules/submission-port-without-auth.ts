// Ports 587 (submission, RFC 6409) and 465 (submissions, RFC 8314) are where users hand
// mail in. A submission server that lets clients send without logging in accepts mail
// from anyone who can reach it, under any sender name.

import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

const SUBMISSION_PORTS = new Set([587, 465]);

export default defineRule({
  meta: {
    id: 'submission-port-without-auth',
    category: 'authentication',
    defaultSeverity: 'error',
    description: 'a server listens on a submission port (587/465) but lets clients send without authenticating',
    messages: {
      anonymous: "server '{{server}}' listens on the submission port {{port}} but lets clients send without logging in: add an auth block (and no 'anonymous')",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      if (!server.config.auth.anonymous) continue;
      const listener = server.config.listen.find((l) => SUBMISSION_PORTS.has(l.port));
      const at = listener && nodeAt(context.model, listener.source);
      if (at) context.report({ at, messageId: 'anonymous', data: { server: server.config.name, port: listener.port } });
    }
  },
});
