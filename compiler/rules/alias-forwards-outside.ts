// An alias that forwards to an address outside the server's local domains, on a server
// whose relay is closed to strangers. Allowed, and this finding says why, because it
// looks like a hole in the relay rules and is not: the client's RCPT is for a local
// address, which anyone may send to; the copy to the outside address is the server's own
// forwarding of mail it accepted, queued and sent by the server (through `relay-to`), as
// Postfix's virtual aliases do. What a stranger cannot do is name the outside address
// themselves. Worth knowing all the same: whoever writes to the alias makes the server
// send to the outside address (keep it to addresses you trust), the forwarded mail keeps
// its original sender (a receiver checking SPF may refuse it), and with `relay-to hold`
// the copy waits in the queue. Information only.

import { parseAliasTarget } from '../../grammar/mail-address.js';
import { formatReply } from '../../runtime/policy/index.js';
import type { RelayTarget } from '../../runtime/config/types.js';
import { aliasesOf, decideForOutsider, EVERY_MAILBOX, OUTSIDE_CLIENT } from './helpers/recipient-lists.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'alias-forwards-outside',
    category: 'delivery',
    defaultSeverity: 'info',
    description: 'an alias forwards outside the local domains while relay is closed: allowed, because it is the server forwarding mail it accepted, not relaying for the client',
    messages: {
      forwards:
        "alias '{{alias}}' forwards to '{{target}}', outside the local domains of server '{{server}}', whose relay is closed to clients that may not relay (a client at {{client}} that has not logged in gets '{{reply}}' for it): this is allowed because it is the server's own forwarding of mail it accepted for a local address, not relaying for the client. The copy goes out through the relay queue ({{relayTo}}) with the original sender, so a receiver that checks SPF may refuse it",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      if (server.config.relay.anyone) continue;
      for (const located of aliasesOf(context.model, server)) {
        const address = `${located.alias.localPart}@${located.list.domain}`;
        const decision = decideForOutsider(context.compiled(server), address, EVERY_MAILBOX);
        if (decision.decision !== 'accept') continue;
        const relayed = new Set((decision.targets ?? []).filter((t) => t.route === 'relay').map((t) => t.address));
        for (const node of located.node.targets) {
          const parsed = parseAliasTarget(node.value, located.list.domain);
          const target = parsed.ok ? parsed.value.address : undefined;
          if (target === undefined || !relayed.has(target)) continue;
          // the outside address named directly by a client who may not relay is refused
          const direct = decideForOutsider(context.compiled(server), target, EVERY_MAILBOX);
          if (direct.decision === 'accept') continue;
          context.report({
            at: { node, file: located.file },
            messageId: 'forwards',
            data: {
              alias: address,
              target,
              server: server.config.name,
              client: OUTSIDE_CLIENT,
              reply: formatReply(direct.reply),
              relayTo: describeRelayTo(server.config.relayTo),
            },
          });
        }
      }
    }
  },
});

function describeRelayTo(target: RelayTarget): string {
  if (target.kind === 'smarthost') return `relay-to smarthost ${target.host}:${target.port}`;
  if (target.kind === 'hold') return 'relay-to hold: it waits there until a smart host is configured';
  return `relay-to ${(target as { kind: string }).kind}`;
}
