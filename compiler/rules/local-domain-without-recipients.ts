// A local domain without a recipient list accepts mail for any local part: a catch-all
// nobody declared. Spam to made-up names is accepted, stored and counted against the disk
// and its inodes (one Maildir per made-up name), and a spammer probing RCPT learns nothing
// because every name "exists". Postfix refuses unknown recipients by default
// (local_recipient_maps); here the policy has to say who exists. A warning, not an error:
// a domain may be a catch-all on purpose, and `catch-all` then says so.

import { decideForOutsider, NO_MAILBOXES } from './helpers/recipient-lists.js';
import { defineRule } from '../lint/rule.js';

/** A local part no list names, for the witness. */
const MADE_UP = 'no-such-mailbox-7f3a';

export default defineRule({
  meta: {
    id: 'local-domain-without-recipients',
    category: 'delivery',
    defaultSeverity: 'warning',
    description: 'a local domain has no recipient list, so the server accepts mail for any local part (a catch-all by accident)',
    messages: {
      missing:
        "local domain '{{domain}}' of server '{{server}}' has no recipients block, so mail for any local part is accepted ({{witness}} gets {{reply}}) and each made-up name gets a Maildir of its own: list the mailboxes with `recipients {{domain}} { mailboxes file \"…\" }`, or write `recipients {{domain}} { catch-all }` if that is the intent",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const listed = new Set((server.config.recipients ?? []).map((list) => list.domain));
      const reported = new Set<string>();
      for (const item of server.config.localDomains) {
        if (listed.has(item.domain) || reported.has(item.domain)) continue;
        const witness = `${MADE_UP}@${item.domain}`;
        const decision = decideForOutsider(context.compiled(server), witness, NO_MAILBOXES);
        if (decision.decision !== 'accept') continue; // runtime/policy disagrees: nothing to report
        const located = context.model.nodeAt(item.source);
        if (!located) continue;
        reported.add(item.domain);
        context.report({
          at: { node: located.node, file: located.file },
          messageId: 'missing',
          data: { domain: item.domain, server: server.config.name, witness: `RCPT TO:<${witness}>`, reply: `${decision.reply.code} ${decision.reply.enhanced}` },
        });
      }
    }
  },
});
