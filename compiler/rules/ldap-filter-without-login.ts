// The user filter of a directory store finds the entry a login names; without `{login}`
// it finds the same entries whatever the login is, so either nobody can log in or every
// login is checked against the same account (whose password then opens every name).

import { LOGIN_PLACEHOLDER } from '../../runtime/auth/ldap-filter.js';
import { defineRule } from '../lint/rule.js';
import { directoryStores } from './helpers/directory-stores.js';

export default defineRule({
  meta: {
    id: 'ldap-filter-without-login',
    category: 'credentials',
    defaultSeverity: 'error',
    description: "a directory store's user filter does not contain {login}, so it finds the same entry for every login",
    messages: {
      noLogin: "user store '{{store}}': the filter {{filter}} has no {login}: it finds the same entries whatever the client logs in as; write the attribute that holds the login name, like (uid={login}) or (sAMAccountName={login})",
    },
    fixable: false,
  },
  check(context) {
    for (const store of directoryStores(context.model)) {
      const filter = store.setting('filter')?.value;
      if (!filter || Array.isArray(filter) || filter.kind !== 'String' || filter.value.includes(LOGIN_PLACEHOLDER)) continue;
      context.report({ at: { node: filter, file: store.file }, messageId: 'noLogin', data: { store: store.name, filter: filter.raw } });
    }
  },
});
