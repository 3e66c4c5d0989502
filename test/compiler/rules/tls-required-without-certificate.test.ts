import { ruleTests } from './rule-tester.js';

const srv = (tls: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  ${tls}\n}\n`;

ruleTests('tls-required-without-certificate', {
  valid: [
    { name: 'certificate present', code: srv('tls { certificate "c.pem"  key "c.key"  require }') },
    { name: 'optional without certificate is someone else\'s concern', code: srv('tls { optional }') },
  ],
  invalid: [{ name: 'require alone', code: srv('tls { require }'), findings: [{ line: 4, column: 9, endLine: 4, endColumn: 16, message: /requires TLS but its tls block has no certificate/ }] }],
});
