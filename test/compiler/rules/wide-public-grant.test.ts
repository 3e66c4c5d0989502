import { ruleTests } from './rule-tester.js';

const srv = (body: string) => `server s {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n${body}\n}\n`;

ruleTests('wide-public-grant', {
  valid: [
    { name: 'a /24', code: srv('  relay { 5.10.16.0/24 }') },
    { name: 'a private /8', code: srv('  relay { 10.0.0.0/8 }') },
    { name: 'IPv6 /48', code: srv('  relay { 2a00:1450:4001::/48 }') },
    { name: 'an open relay is open-relay\'s finding, not this one', code: srv('  relay { 0.0.0.0/0 }') },
  ],
  invalid: [
    { name: 'relay /20', code: srv('  relay { 5.10.16.0/20 }'), findings: [{ line: 4, column: 11, endLine: 4, endColumn: 23, message: /lets 4,096 public addresses relay/ }] },
    { name: 'IPv6 /40', code: srv('  relay { 2a00:1450::/40 }'), findings: [{ line: 4, column: 11, endLine: 4, endColumn: 25 }] },
    {
      name: 'a relay grant wider than the allow-list: the fix narrows it to what may connect',
      code: srv('  connections only { 5.10.16.0/24  10.0.0.0/8 }\n  relay { 5.0.0.0/8  10.1.0.0/16 }'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 20, message: /^relay grant 5\.0\.0\.0\/8 lets/ }],
      output: srv('  connections only { 5.10.16.0/24  10.0.0.0/8 }\n  relay { 5.10.16.0/24  10.1.0.0/16 }'),
    },
    {
      name: 'the allow-list is as wide as the grant: no narrower range to offer',
      code: srv('  connections only { 5.10.0.0/16 }\n  relay { 5.10.0.0/20 }'),
      findings: [
        { line: 4, column: 22, endLine: 4, endColumn: 33, message: /^connection allow-list entry/ },
        { line: 5, column: 11, endLine: 5, endColumn: 22, message: /^relay grant 5\.10\.0\.0\/20/ },
      ],
    },
    {
      name: 'connection allow-list /16 without auth',
      code: srv('  connections only { 5.10.0.0/16 }'),
      findings: [{ line: 4, column: 22, endLine: 4, endColumn: 33, message: /admits 65,536 public addresses/ }],
    },
  ],
});
