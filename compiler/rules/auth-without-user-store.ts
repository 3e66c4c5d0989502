// A login method with no credential store can never succeed: clients see AUTH offered,
// every attempt fails, and whoever debugs it is tempted to turn on `anonymous`.

import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'auth-without-user-store',
    category: 'authentication',
    defaultSeverity: 'error',
    description: 'an auth method is offered without a credential store, so no login can succeed',
    messages: {
      noStore: "auth method '{{method}}' of server '{{server}}' names no credential store, so every login fails: write '{{method}} users <store>' and declare users <store> file \"<path>\"",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      for (const block of server.decl.settings) {
        if (block.kind !== 'Auth') continue;
        for (const setting of block.settings) {
          // A `users` clause naming an unknown store is already a semantic error.
          if (setting.kind !== 'AuthMethod' || setting.method === 'anonymous' || setting.users) continue;
          context.report({ at: { node: setting, file: server.file }, messageId: 'noStore', data: { method: setting.method, server: server.config.name } });
        }
      }
    }
  },
});
