import { ruleTests } from './rule-tester.js';

const store = (url: string, extra = '') => `users staff ldap "${url}" {\n  base "dc=example,dc=test"\n${extra}}\n`;

ruleTests('ldap-without-tls', {
  valid: [
    { name: 'ldaps://', code: store('ldaps://dc.example.test') },
    { name: 'ldap:// with starttls', code: store('ldap://dc.example.test:389', '  starttls\n') },
    { name: 'loopback with cleartext-loopback', code: store('ldap://127.0.0.1:389', '  cleartext-loopback\n') },
    { name: 'IPv6 loopback with cleartext-loopback', code: store('ldap://[::1]:389', '  cleartext-loopback\n') },
  ],
  invalid: [
    {
      name: 'ldap:// to another host',
      code: store('ldap://dc.example.test:389'),
      findings: [{ line: 1, column: 18, endLine: 1, endColumn: 46, message: /user store 'staff': ldap:\/\/dc\.example\.test without starttls sends the bind passwords \(the users' too\) in clear/ }],
    },
    {
      name: 'loopback without saying so',
      code: store('ldap://127.0.0.1:389'),
      findings: [{ line: 1, column: 18, endLine: 1, endColumn: 40, message: /or write cleartext-loopback to allow it on this host/ }],
    },
    {
      name: 'cleartext-loopback on a name (which may resolve anywhere)',
      code: store('ldap://localhost:389', '  cleartext-loopback\n'),
      findings: [{ line: 3, column: 3, endLine: 3, endColumn: 21, message: /cleartext-loopback applies only to a loopback address, and localhost is not one/ }],
    },
  ],
});
