// TLS 1.0 and 1.1 are deprecated (RFC 8996): known weaknesses, no modern AEAD ciphers.
// The language's default is 1.2; writing a lower minimum is a deliberate downgrade.

import { replace } from '../lint/edits.js';
import { tlsBlockOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'tls-min-version-too-low',
    category: 'encryption',
    defaultSeverity: 'warning',
    description: 'the minimum TLS version is below 1.2 (TLS 1.0 and 1.1 are deprecated by RFC 8996)',
    messages: {
      tooLow: "min-version {{version}} lets clients negotiate deprecated TLS (RFC 8996) on server '{{server}}': use 1.2 or 1.3",
    },
    fixable: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      const block = tlsBlockOf(server);
      const setting = block?.settings.find((s) => s.kind === 'TlsMinVersion');
      if (!setting || setting.kind !== 'TlsMinVersion' || !setting.value) continue;
      const version = setting.value.value;
      if (version !== '1.0' && version !== '1.1') continue;
      context.report({
        at: { node: setting.value, file: server.file },
        messageId: 'tooLow',
        data: { version: setting.value.text, server: server.config.name },
        fix: { description: 'Set the minimum TLS version to 1.2', edits: [replace(setting.value.range, '1.2')] },
      });
    }
  },
});
