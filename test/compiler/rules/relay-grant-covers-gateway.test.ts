import { ruleTests } from './rule-tester.js';

const mx = (body: string, listen = '0.0.0.0:25') => `server mx {\n  listen ${listen}\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

ruleTests('relay-grant-covers-gateway', {
  valid: [
    { name: 'relay for the office network only', code: mx('  relay { 192.168.10.0/24 }') },
    { name: 'one container, not the bridge gateway', code: mx('  relay { 172.17.0.5 }') },
    { name: 'bridge range, but the listener is bound to loopback', code: mx('  relay { 172.16.0.0/12 }', '127.0.0.1:25') },
    { name: 'bridge range, but MAIL needs a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { 172.16.0.0/12 }') },
    { name: 'bridge range, but connection control keeps the gateway out', code: mx('  connections except { 172.17.0.1 }\n  relay { 172.17.0.0/16 }') },
    { name: 'gateways declared: open-relay judges them', code: mx('  relay { 172.16.0.0/12 }\n  gateways { 10.9.0.1 }') },
    { name: 'an IPv6 listener does not hear the IPv4 bridge', code: mx('  relay { 172.16.0.0/12 }', '[::]:25') },
    { name: 'a grant that lets the whole Internet relay anyway is open-relay\'s finding', code: mx('  relay { 0.0.0.0/0 }') },
  ],
  invalid: [
    {
      name: 'docker-mailserver PERMIT_DOCKER=network: the whole 172.16.0.0/12',
      code: mx('  relay { 172.16.0.0/12 }'),
      findings: [
        {
          line: 5, column: 11, endLine: 5, endColumn: 24,
          message: /^relay grant 172\.16\.0\.0\/12 of server 'mx' covers 172\.17\.0\.1, the gateway of a Docker bridge network, and the server listens on 0\.0\.0\.0:25: .*declare it in `gateways \{ 172\.17\.0\.1 \}`\. Witness: a client at 8\.8\.8\.8 reaching the server through 172\.17\.0\.1 relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --via-gateway 172\.17\.0\.1 --client 8\.8\.8\.8 --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
    },
    {
      name: 'a user-defined network, bound to its own address',
      code: mx('  relay { 172.20.0.0/16 }', '172.20.0.3:25'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 24, message: /covers 172\.20\.0\.1, .*listens on 172\.20\.0\.3:25/ }],
    },
  ],
});
