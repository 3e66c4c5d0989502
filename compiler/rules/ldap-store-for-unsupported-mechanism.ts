// A directory checks a password by a bind: that serves PLAIN and LOGIN (`basic`), which
// hand the server the password. CRAM-MD5 (`challenge-response`) needs the shared secret to
// compute the expected answer, and XOAUTH2 (`token`) a token the server issued; a directory
// gives out neither, so every such login fails like a wrong password.

import { defineRule } from '../lint/rule.js';
import { directoryStores } from './helpers/directory-stores.js';

const WHY: Record<string, string> = {
  'challenge-response': 'CRAM-MD5 needs the password itself (or its HMAC state) on the server to check the answer',
  token: 'XOAUTH2 needs tokens made by smtppolicy passwd --token in a password file',
};

export default defineRule({
  meta: {
    id: 'ldap-store-for-unsupported-mechanism',
    category: 'authentication',
    defaultSeverity: 'error',
    description: 'a directory store is named for challenge-response or token auth, which a directory bind cannot check',
    messages: {
      unsupported: "auth method '{{method}}' of server '{{server}}' uses the directory store '{{store}}', which can only check passwords by binding (basic: PLAIN, LOGIN): {{why}}, so every such login fails",
    },
    fixable: false,
  },
  check(context) {
    const directories = new Set(directoryStores(context.model).map((store) => store.name));
    for (const server of context.model.servers) {
      for (const block of server.decl.settings) {
        if (block.kind !== 'Auth') continue;
        for (const setting of block.settings) {
          if (setting.kind !== 'AuthMethod' || !(setting.method in WHY)) continue;
          const store = setting.users?.name?.text;
          if (!store || !directories.has(store)) continue;
          context.report({ at: { node: setting, file: server.file }, messageId: 'unsupported', data: { method: setting.method, server: server.config.name, store, why: WHY[setting.method]! } });
        }
      }
    }
  },
});
