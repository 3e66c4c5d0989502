// `min-cipher-bits` only judges sessions that are encrypted. With TLS optional a client
// can skip STARTTLS altogether and send in clear, so the minimum gives false assurance:
// the article's "Require 128-bit encryption" goes with "Require secure channel".

import { requireTlsFix } from '../lint/edits.js';
import { tlsBlockOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'cipher-bits-without-required-tls',
    category: 'encryption',
    defaultSeverity: 'warning',
    description: 'a minimum cipher strength is set but TLS is optional, so clients may skip encryption entirely',
    messages: {
      optional:
        "min-cipher-bits {{bits}} only applies to encrypted sessions, and TLS is optional on server '{{server}}': clients may skip STARTTLS and send in clear. Add 'require'",
    },
    fixable: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      const block = tlsBlockOf(server);
      if (!block || server.config.tls?.mode !== 'optional') continue;
      const setting = block.settings.find((s) => s.kind === 'TlsMinCipherBits');
      if (!setting || setting.kind !== 'TlsMinCipherBits' || !setting.value?.value) continue;
      const fix = requireTlsFix(block, server.file.text);
      context.report({
        at: { node: setting, file: server.file },
        messageId: 'optional',
        data: { bits: setting.value.value, server: server.config.name },
        ...(fix ? { fix } : {}),
      });
    }
  },
});
