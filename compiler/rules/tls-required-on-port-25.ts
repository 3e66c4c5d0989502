// RFC 3207 §4: a publicly-referenced SMTP server must not require STARTTLS to deliver
// mail to it, because much of the Internet's mail still arrives unencrypted: requiring it
// on port 25 loses mail. Only servers that the Internet can reach are flagged; an internal
// port-25 server limited to private networks may require TLS.

import { PUBLIC_ADDRESSES } from '../analysis/public-addresses.js';
import { connectableSet } from '../analysis/reach.js';
import { replace } from '../lint/edits.js';
import { settingsOf } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'tls-required-on-port-25',
    category: 'encryption',
    defaultSeverity: 'warning',
    description: 'TLS is required on port 25 for Internet clients, so mail from servers without TLS is refused (RFC 3207)',
    messages: {
      required:
        "server '{{server}}' requires TLS on port 25 and accepts connections from public addresses such as {{example}}: servers that cannot do TLS will fail to deliver mail to you (RFC 3207 forbids this for public MX hosts). Use 'optional' on port 25 and require TLS on 587/465",
    },
    fixable: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      if (server.config.tls?.mode !== 'required') continue;
      if (!server.config.listen.some((l) => l.port === 25 && l.tlsMode === 'starttls')) continue;
      const reachable = connectableSet(server.config.connections).intersect(PUBLIC_ADDRESSES);
      if (reachable.isEmpty()) continue;
      const require = settingsOf(server.decl, 'Tls')[0]?.settings.find((s) => s.kind === 'TlsMode' && s.mode === 'require');
      if (!require) continue;
      const example = ['8.8.8.8', '2001:4860:4860::8888'].find((a) => reachable.has(a)) ?? reachable.boundaries()[0]!;
      // `optional` applies to every listener of the server: offered only when all of them are on
      // port 25, so that no submission port (587, 465) loses its required TLS with it.
      const onlyPort25 = server.config.listen.every((l) => l.port === 25);
      context.report({
        at: { node: require, file: server.file },
        messageId: 'required',
        data: { server: server.config.name, example },
        ...(onlyPort25 ? { fix: { description: "Accept mail without TLS on port 25: replace 'require' with 'optional'", edits: [replace(require.keyword.range, 'optional')] } } : {}),
      });
    }
  },
});
