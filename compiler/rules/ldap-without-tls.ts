// A directory store checks passwords by binding with them: over `ldap://` without StartTLS
// the service account's password and every user's password cross the network in clear,
// exactly what the submission server's own TLS requirement was meant to prevent. The
// server refuses such a store at start (runtime/auth/directory-store.ts); this rule says so
// at lint time, at the URL. The one exception is a directory on this host, reached by a
// loopback address, when the store says `cleartext-loopback`.

import { cleartextProblem, parseLdapUrl } from '../../runtime/auth/ldap-url.js';
import { defineRule } from '../lint/rule.js';
import { directoryStores } from './helpers/directory-stores.js';

export default defineRule({
  meta: {
    id: 'ldap-without-tls',
    category: 'encryption',
    defaultSeverity: 'error',
    description: 'a directory store would send passwords to the directory in clear (ldap:// without StartTLS)',
    messages: {
      cleartext: "user store '{{store}}': {{problem}}",
      notLoopback: "user store '{{store}}': cleartext-loopback applies only to a loopback address, and {{host}} is not one: the passwords would cross the network in clear; use ldaps:// or starttls",
    },
    fixable: false,
  },
  check(context) {
    for (const store of directoryStores(context.model)) {
      const urlLiteral = store.directory.url;
      if (!urlLiteral) continue;
      const url = parseLdapUrl(urlLiteral.value);
      if ('error' in url) continue; // a semantic error already
      const loopbackFlag = store.setting('cleartext-loopback');
      const starttls = store.setting('starttls') !== undefined;
      if (loopbackFlag && !url.loopback && !url.ldaps && !starttls) {
        context.report({ at: { node: loopbackFlag.keyword, file: store.file }, messageId: 'notLoopback', data: { store: store.name, host: url.host } });
        continue;
      }
      const problem = cleartextProblem(url, starttls, loopbackFlag !== undefined);
      if (problem) context.report({ at: { node: urlLiteral, file: store.file }, messageId: 'cleartext', data: { store: store.name, problem } });
    }
  },
});
