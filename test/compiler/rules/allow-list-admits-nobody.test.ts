import { ruleTests } from './rule-tester.js';

const srv = (conn: string, lists = '') => `${lists}server s {\n  listen 10.0.0.1:25\n  hostname mail.example.test\n  ${conn}\n}\n`;

ruleTests('allow-list-admits-nobody', {
  valid: [
    { name: 'entries', code: srv('connections only { 10.0.0.0/8 }') },
    { name: 'empty deny-list admits everyone', code: srv('connections except { }') },
  ],
  invalid: [
    { name: 'empty block', code: srv('connections only { }'), findings: [{ line: 4, column: 15, endLine: 4, endColumn: 19, message: /has no entries: every client is refused/ }] },
    { name: 'a reference to an empty list', code: srv('connections only { @nobody }', 'list nobody { }\n'), findings: [{ line: 5, column: 15, endLine: 5, endColumn: 19 }] },
  ],
});
