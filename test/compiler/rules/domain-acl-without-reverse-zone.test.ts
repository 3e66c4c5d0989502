import { ruleTests } from './rule-tester.js';

const srv = (body: string) => `server s {\n  listen 10.0.0.1:25\n  hostname mail.example.test\n${body}\n}\n`;

ruleTests('domain-acl-without-reverse-zone', {
  valid: [
    { name: 'a reverse zone is declared', code: `resolver { reverse-zone 10.in-addr.arpa }\n${srv('  connections only { domain branch.example.test }')}` },
    { name: 'addresses only', code: srv('  connections only { 10.0.0.0/8 }') },
  ],
  invalid: [
    {
      name: 'connection list and relay grant',
      code: srv('  connections only { domain branch.example.test }\n  relay { domain partner.example.test }'),
      findings: [
        { line: 4, column: 22, endLine: 4, endColumn: 48, message: /domain entry 'branch\.example\.test' in the connection list/ },
        { line: 5, column: 11, endLine: 5, endColumn: 38, message: /relay grants/ },
      ],
    },
    {
      name: 'through a list used twice: reported once, in the list',
      code: `list p { domain p.example.test }\n${srv('  connections only { @p }\n  relay { @p }')}`,
      findings: [{ line: 1, column: 10, endLine: 1, endColumn: 31 }],
    },
  ],
});
