import { ruleTests } from './rule-tester.js';

const srv = (listen: string, auth = '') => `users staff file "s.passwd"\nserver s {\n  listen ${listen}\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n${auth}}\n`;

ruleTests('submission-port-without-auth', {
  valid: [
    { name: 'auth required on 587', code: srv('127.0.0.1:587', '  auth { basic users staff }\n') },
    { name: 'port 2525 without auth', code: srv('127.0.0.1:2525') },
  ],
  invalid: [
    { name: 'no auth block on 587', code: srv('127.0.0.1:2525, 127.0.0.1:587'), findings: [{ line: 3, column: 26, endLine: 3, endColumn: 39, message: /submission port 587/ }] },
    { name: 'anonymous on 465', code: srv('127.0.0.1:465 implicit-tls', '  auth { basic users staff  anonymous }\n'), findings: [{ line: 3, column: 10, endLine: 3, endColumn: 36 }] },
  ],
});
