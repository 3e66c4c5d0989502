// Relayed mail (and the relay account's password) goes to the smart host over the
// network the article says to encrypt. `tls none` sends it in clear; `tls optional` lets
// anyone on the path strip STARTTLS; `no-verify` accepts any certificate, so anyone on
// the path can pose as the smart host.

import type { SmarthostTls } from '../../grammar/ast.js';
import { blanksBefore, replace } from '../lint/edits.js';
import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'smarthost-without-tls',
    category: 'delivery',
    defaultSeverity: 'warning',
    description: 'relayed mail goes to the smart host without TLS, with downgradable TLS, or without checking its certificate',
    messages: {
      none: "server '{{server}}' hands relayed mail{{credentials}} to the smart host {{host}} in clear text: use 'tls require'",
      optional: "server '{{server}}' uses TLS to the smart host {{host}} only when offered: anyone on the path can strip STARTTLS and read the mail{{credentials}}. Use 'tls require'",
      noVerify: "server '{{server}}' accepts any certificate from the smart host {{host}}: anyone on the path can pose as it and read the mail{{credentials}}. Remove 'no-verify'",
    },
    fixable: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      const target = server.config.relayTo;
      if (target.kind !== 'smarthost') continue;
      const relayTo = nodeAt(context.model, target.source);
      if (!relayTo || relayTo.node.kind !== 'RelayTo' || relayTo.node.target?.kind !== 'Smarthost') continue;
      const tls = relayTo.node.target.settings.find((s): s is SmarthostTls => s.kind === 'SmarthostTls');
      const data = {
        server: server.config.name,
        host: `${target.host}:${target.port}`,
        credentials: target.user !== null ? ` and the password of '${target.user}'` : '',
      };
      const file = relayTo.file;
      if ((target.tls === 'none' || target.tls === 'optional') && tls?.mode) {
        context.report({
          at: { node: tls.mode.keyword, file },
          messageId: target.tls,
          data,
          fix: { description: "Require TLS to the smart host: 'tls require'", edits: [replace(tls.mode.keyword.range, 'require')] },
        });
      }
      if (!target.verifyCertificate && tls?.noVerify) {
        const noVerify = tls.noVerify;
        // Remove the keyword and the space before it.
        const before = blanksBefore(file.text, noVerify.range.start.offset);
        const start = { ...noVerify.range.start, offset: noVerify.range.start.offset - before, column: noVerify.range.start.column - before };
        context.report({
          at: { node: noVerify, file },
          messageId: 'noVerify',
          data,
          fix: { description: "Verify the smart host's certificate: remove 'no-verify'", edits: [replace({ start, end: noVerify.range.end }, '')] },
        });
      }
    }
  },
});
