import { ruleTests } from './rule-tester.js';

const srv = (body: string, listen = '0.0.0.0:25') => `server s {\n  listen ${listen}\n  hostname mail.example.test\n${body}\n}\n`;

ruleTests('wide-public-grant', {
  valid: [
    { name: 'a /24', code: srv('  relay { 5.10.16.0/24 }') },
    { name: 'a private /8', code: srv('  relay { 10.0.0.0/8 }') },
    { name: 'IPv6 /48', code: srv('  relay { 2a00:1450:4001::/48 }', '[::]:25') },
    { name: 'an open relay is open-relay\'s finding, not this one', code: srv('  relay { 0.0.0.0/0 }') },
    { name: 'a wide grant, but connection control admits only a /24 of it', code: srv('  connections only { 10.0.0.0/8  5.10.16.0/24 }\n  relay { 5.10.16.0/20 }') },
    { name: 'a wide grant on a listener bound to loopback only', code: srv('  relay { 5.10.16.0/20 }', '127.0.0.1:25') },
    { name: 'an IPv6 grant on an IPv4-only listener', code: srv('  relay { 2a00:1450::/40 }') },
  ],
  invalid: [
    {
      name: 'relay /20',
      code: srv('  relay { 5.10.16.0/20 }'),
      findings: [{ line: 4, column: 11, endLine: 4, endColumn: 23, message: /^relay grant 5\.10\.16\.0\/20 lets 4,096 public addresses connect to server 's' and relay without logging in; listeners: 0\.0\.0\.0:25 \(every IPv4 interface\)\./ }],
    },
    { name: 'IPv6 /40', code: srv('  relay { 2a00:1450::/40 }', '[::]:25'), findings: [{ line: 4, column: 11, endLine: 4, endColumn: 25 }] },
    {
      name: 'connection control narrows the grant, but not to one site: the count is what connects and relays',
      code: srv('  connections only { 10.0.0.0/8  5.10.16.0/22 }\n  relay { 5.10.0.0/16 }'),
      findings: [
        { line: 4, column: 34, endLine: 4, endColumn: 46, message: /^connection allow-list entry 5\.10\.16\.0\/22 admits 1,024 public addresses/ },
        { line: 5, column: 11, endLine: 5, endColumn: 22, message: /lets 1,024 public addresses connect .* \(connection control admits 1,024 of the 65,536 it names\); listeners/ },
      ],
    },
    {
      name: 'a loopback listener behind a trusted local balancer still brings the Internet in',
      code: srv('  relay { 5.10.16.0/20 }\n  proxy-protocol { 127.0.0.1 }', '127.0.0.1:25'),
      findings: [{ line: 4, column: 11, endLine: 4, endColumn: 23, message: /listeners: 127\.0\.0\.1:25 \(loopback only\)/ }],
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
