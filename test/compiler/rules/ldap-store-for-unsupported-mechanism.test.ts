import { ruleTests } from './rule-tester.js';

const srv = (auth: string) =>
  `users dir ldap "ldaps://dc.example.test" {\n  base "dc=example,dc=test"\n}\nusers local file "s.passwd"\nserver s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n  ${auth}\n}\n`;

ruleTests('ldap-store-for-unsupported-mechanism', {
  valid: [
    { name: 'basic against the directory', code: srv('auth { basic users dir }') },
    { name: 'CRAM-MD5 and XOAUTH2 against a password file', code: srv('auth { basic users dir  challenge-response users local  token users local }') },
  ],
  invalid: [
    {
      name: 'challenge-response and token against the directory',
      code: srv('auth { basic users dir  challenge-response users dir  token users dir }'),
      findings: [
        { line: 9, column: 27, endLine: 9, endColumn: 55, message: /auth method 'challenge-response' of server 's' uses the directory store 'dir'.*CRAM-MD5 needs the password itself/ },
        { line: 9, column: 57, endLine: 9, endColumn: 72, message: /auth method 'token'.*XOAUTH2 needs tokens/ },
      ],
    },
  ],
});
