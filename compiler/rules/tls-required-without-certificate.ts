// `require` with no certificate: the server demands TLS it can never offer, so every
// client is refused (or, worse, someone "fixes" it by dropping `require`).

import { settingsOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'tls-required-without-certificate',
    category: 'encryption',
    defaultSeverity: 'error',
    description: 'TLS is required but the server has no certificate, so no client can ever meet the requirement',
    messages: {
      noCertificate:
        "server '{{server}}' requires TLS but its tls block has no certificate: add certificate \"<file>\" and key \"<file>\"",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const tls = server.config.tls;
      if (!tls || tls.mode !== 'required' || tls.certificates.some((c) => c.serverNames.length === 0)) continue;
      const block = settingsOf(server.decl, 'Tls')[0];
      const require = block?.settings.find((s) => s.kind === 'TlsMode' && s.mode === 'require');
      if (require) context.report({ at: { node: require, file: server.file }, messageId: 'noCertificate', data: { server: server.config.name } });
    }
  },
});
