import { ruleTests } from './rule-tester.js';

const srv = (body: string, lists = '') => `${lists}server s {\n  listen 10.0.0.1:25\n  hostname mail.example.test\n  ${body}\n}\n`;

ruleTests('duplicate-entry', {
  valid: [
    { name: 'different entries', code: srv('connections only { 10.0.0.1  10.0.0.2 }') },
    { name: 'the same entry in two different blocks', code: srv('connections only { 10.0.0.1 }\n  relay { 10.0.0.1 }') },
  ],
  invalid: [
    {
      name: 'same address twice on one line',
      code: srv('connections only { 10.0.0.1  10.0.0.1 }'),
      findings: [{ line: 4, column: 32, endLine: 4, endColumn: 40, message: /10\.0\.0\.1 is listed twice in the connection list of server 's': it is already at line 4/ }],
      output: srv('connections only { 10.0.0.1 }'),
    },
    {
      name: 'mask and CIDR spell the same range, in a list, one per line',
      code: srv('relay { @p }', 'list p {\n  192.168.1.0/24   # office\n  192.168.1.0 mask 255.255.255.0   # office again\n  10.0.0.1\n}\n'),
      findings: [{ line: 3, column: 3, endLine: 3, endColumn: 33, message: /in the list 'p'/ }],
      output: srv('relay { @p }', 'list p {\n  192.168.1.0/24   # office\n  10.0.0.1\n}\n'),
    },
    {
      name: 'a direct entry and one from a list: reported, not fixed',
      code: srv('relay { @p  198.51.100.7 }', 'list p { 198.51.100.7 }\n'),
      findings: [{ line: 5, column: 15, endLine: 5, endColumn: 27 }],
    },
    {
      name: 'domains, comma-separated',
      code: srv('connections only { domain a.example.test, domain a.example.test }'),
      findings: [{ line: 4, column: 45, endLine: 4, endColumn: 66 }],
      output: srv('connections only { domain a.example.test }'),
    },
  ],
});
