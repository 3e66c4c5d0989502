// `connections only { }` with nothing in it refuses every client. Usually a list that was
// emptied by mistake (or an `@list` that holds nothing): the server is dead on arrival.

import { nodeAt } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'allow-list-admits-nobody',
    category: 'connections',
    defaultSeverity: 'error',
    description: "a connection allow-list ('connections only') has no entries, so every client is refused",
    messages: {
      empty: "the connection allow-list of server '{{server}}' has no entries: every client is refused. Add the addresses or domains that may connect (or use 'connections except { }' to admit everyone)",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const { mode, entries, source } = server.config.connections;
      if (mode !== 'allow-list' || entries.length > 0) continue;
      const at = nodeAt(context.model, source);
      if (at?.node.kind === 'Connections' && at.node.mode) {
        context.report({ at: { node: at.node.mode.keyword, file: at.file }, messageId: 'empty', data: { server: server.config.name } });
      } else if (at) {
        context.report({ at, messageId: 'empty', data: { server: server.config.name } });
      }
    }
  },
});
