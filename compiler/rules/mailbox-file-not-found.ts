// A mailbox list file (`mailboxes file "PATH"`) that does not exist on the linting machine.
// The server refuses to start without it (it cannot tell who exists, and guessing either
// way is wrong: accepting everyone is the catch-all the list is there to prevent, refusing
// everyone loses mail). A warning, like certificate-not-found: the list may be written on
// the mail host only (generated from a directory, say) and not be in the repository.
// A file that exists but has a bad line is the server's to report, with its line.

import { readPolicyFile } from './helpers/certificate-files.js';
import { recipientListsOf } from './helpers/recipient-lists.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'mailbox-file-not-found',
    category: 'delivery',
    defaultSeverity: 'warning',
    description: 'a mailbox list file does not exist on this machine, and the server will not start without it',
    messages: {
      missing:
        "mailbox list '{{file}}' of {{domain}} (server '{{server}}') does not exist on this machine ({{path}}): the server will not start without it. Create it with one address a line, like alice@{{domain}}",
    },
    fixable: false,
    readsFiles: true,
  },
  check(context) {
    for (const server of context.model.servers) {
      for (const { list, node, file } of recipientListsOf(context.model, server)) {
        for (const source of list.mailboxes) {
          if (source.kind !== 'file') continue;
          const state = readPolicyFile(context.model, source.file);
          if (state.kind !== 'missing') continue;
          const setting = node.settings.find((s) => s.kind === 'Mailboxes' && context.model.nodeAt(source.source)?.node === s);
          const at = setting?.kind === 'Mailboxes' && setting.source?.kind === 'MailboxFile' && setting.source.path ? setting.source.path : node;
          context.report({
            at: { node: at, file },
            messageId: 'missing',
            data: { file: at.kind === 'String' ? at.value : source.file, domain: list.domain, server: server.config.name, path: state.path },
          });
        }
      }
    }
  },
});
