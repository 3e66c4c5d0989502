import { ruleTests } from './rule-tester.js';

const srv = (relay: string) => `resolver { reverse-zone 10.in-addr.arpa }\nserver s {\n  listen 10.0.0.1:25\n  hostname mail.example.test\n  ${relay}\n}\n`;

ruleTests('relay-grant-by-domain', {
  valid: [
    { name: 'addresses', code: srv('relay { 10.1.0.0/16 }') },
    { name: 'domain in the connection list is not a relay grant', code: srv('connections only { domain b.example.test }') },
  ],
  invalid: [{ name: 'domain grant', code: srv('relay { authenticated  domain partner.example.test }'), findings: [{ line: 5, column: 26, endLine: 5, endColumn: 53, message: /ends in partner\.example\.test/ }] }],
});
