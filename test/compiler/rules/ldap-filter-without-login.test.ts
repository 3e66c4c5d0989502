import { ruleTests } from './rule-tester.js';

const store = (filter?: string) => `users staff ldap "ldaps://dc.example.test" {\n  base "dc=example,dc=test"\n${filter === undefined ? '' : `  filter "${filter}"\n`}}\n`;

ruleTests('ldap-filter-without-login', {
  valid: [
    { name: 'the default filter (uid={login})', code: store() },
    { name: 'Active Directory', code: store('(&(objectClass=user)(sAMAccountName={login}))') },
    { name: 'login or mail', code: store('(|(uid={login})(mail={login}))') },
  ],
  invalid: [
    {
      name: 'a fixed user',
      code: store('(uid=alice)'),
      findings: [{ line: 3, column: 10, endLine: 3, endColumn: 23, message: /user store 'staff': the filter "\(uid=alice\)" has no \{login\}/ }],
    },
    {
      name: 'a misspelt placeholder',
      code: store('(uid={user})'),
      findings: [{ line: 3, column: 10, endLine: 3, endColumn: 24 }],
    },
  ],
});
