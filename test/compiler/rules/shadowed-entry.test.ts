import { ruleTests } from './rule-tester.js';

const srv = (body: string) => `server s {\n  listen 10.0.0.1:25\n  hostname mail.example.test\n  ${body}\n}\n`;

ruleTests('shadowed-entry', {
  valid: [
    { name: 'disjoint ranges', code: srv('connections only { 10.0.0.0/8  172.16.0.0/12 }') },
    { name: 'sibling domains', code: srv('connections only { domain a.example.test  domain b.example.test }') },
  ],
  invalid: [
    {
      name: 'address inside a range written before it',
      code: srv('connections only { 10.0.0.0/8  10.1.2.3 }'),
      findings: [{ line: 4, column: 34, endLine: 4, endColumn: 42, message: /10\.1\.2\.3 in the connection list of server 's' is already covered by 10\.0\.0\.0\/8 at line 4/ }],
      output: srv('connections only { 10.0.0.0/8 }'),
    },
    {
      name: 'range written before the wider one',
      code: srv('relay { 10.1.0.0/16  10.0.0.0/8 }'),
      findings: [{ line: 4, column: 11, endLine: 4, endColumn: 22 }],
      output: srv('relay { 10.0.0.0/8 }'),
    },
    {
      name: 'subdomain under a domain suffix',
      code: `resolver { reverse-zone 10.in-addr.arpa }\n${srv('connections only { domain example.test  domain mx.example.test }')}`,
      findings: [{ line: 5, column: 43, endLine: 5, endColumn: 65 }],
      output: `resolver { reverse-zone 10.in-addr.arpa }\n${srv('connections only { domain example.test }')}`,
    },
  ],
});
