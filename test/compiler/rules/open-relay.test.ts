import { ruleTests } from './rule-tester.js';

const mx = (body: string, listen = '0.0.0.0:25') => `server mx {\n  listen ${listen}\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

ruleTests('open-relay', {
  valid: [
    { name: 'default relay (authenticated only)', code: mx('') },
    { name: 'anyone, but only the private network may connect', code: mx('  connections only { 10.0.0.0/8 }\n  relay { anyone }') },
    { name: 'a partner /24', code: mx('  relay { 5.10.16.0/24 }') },
    { name: 'the whole Internet, but MAIL needs a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { 0.0.0.0/0 }') },
    { name: 'a wide grant that holds only private addresses', code: mx('  relay { 10.0.0.0/8  192.168.0.0/16 }') },
    { name: 'a deny-list that excludes the relay grant', code: mx('  connections except { 64.0.0.0/2 }\n  relay { 64.0.0.0/2 }') },
    { name: 'anyone, on a listener bound to loopback only: local processes, not the Internet', code: mx('  relay { anyone }', '127.0.0.1:25') },
    { name: 'an IPv6 grant on an IPv4-only listener', code: mx('  relay { ::/0 }') },
    { name: 'a PROXY source that is one balancer', code: mx('  relay { 10.0.0.0/8 }\n  proxy-protocol { 192.0.2.10 }') },
    { name: 'trusted PROXY sources everywhere, but nothing is granted', code: mx('  proxy-protocol { 0.0.0.0/0 }') },
    { name: 'trusted PROXY sources everywhere, but MAIL needs a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 0.0.0.0/0 }') },
    { name: 'a declared gateway outside the grants', code: mx('  relay { 10.0.0.0/8 }\n  gateways { 172.17.0.1 }') },
    { name: 'a declared gateway the loopback listener cannot hear', code: mx('  relay { 172.17.0.0/16 }\n  gateways { 172.17.0.1 }', '127.0.0.1:25') },
  ],
  invalid: [
    {
      name: 'relay granted to 0.0.0.0/0, everyone connects',
      code: mx('  relay { 0.0.0.0/0 }'),
      findings: [
        {
          line: 5, column: 11, endLine: 5, endColumn: 20,
          message: /^any client in 0\.0\.0\.0\/0 \(public addresses such as 8\.8\.8\.8\) may relay without authenticating: relay grant 0\.0\.0\.0\/0 at line 5; connections: everyone; listeners: 0\.0\.0\.0:25 \(every IPv4 interface\)\. Witness: a client at 8\.8\.8\.8 relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --client 8\.8\.8\.8 --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
      output: mx('  relay { authenticated }'),
    },
    {
      name: 'relay { anyone }',
      code: mx('  relay { anyone }'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 17, message: /relay \{ anyone \} at line 5/ }],
      output: mx('  relay { authenticated }'),
    },
    {
      name: 'anyone next to authenticated: the fix removes anyone',
      code: mx('  relay {\n    authenticated\n    anyone\n  }'),
      findings: [{ line: 7, column: 5, endLine: 7, endColumn: 11, message: /relay \{ anyone \}/ }],
      output: mx('  relay {\n    authenticated\n  }'),
    },
    {
      name: 'IPv6: ::/0 on an IPv6 listener',
      code: mx('  relay { ::/0 }', '[::]:25'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 15, message: /such as 2001:4860:4860::8888.*listeners: \[::\]:25 \(every IPv6 interface\)/ }],
      output: mx('  relay { authenticated }', '[::]:25'),
    },
    {
      name: 'deny-list that excludes little, through a named list',
      code: `list everyone { 0.0.0.0/1  128.0.0.0/1 }\n${mx('  connections except { 192.0.2.0/24 }\n  relay { @everyone }')}`,
      findings: [{ line: 7, column: 11, endLine: 7, endColumn: 20, message: /connections: everyone except the 1 entry at line 6/ }],
    },
    {
      name: 'loopback listener behind a local balancer: the balancer brings the Internet in',
      code: mx('  relay { anyone }\n  proxy-protocol { 127.0.0.1 }', '127.0.0.1:25'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 17, message: /listeners: 127\.0\.0\.1:25 \(loopback only\)\. Witness: a PROXY header from 127\.0\.0\.1 claiming 8\.8\.8\.8 relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --proxy-from 127\.0\.0\.1 --client 8\.8\.8\.8 / },
      ],
      output: mx('  relay { authenticated }\n  proxy-protocol { 127.0.0.1 }', '127.0.0.1:25'),
    },
    {
      name: 'PROXY headers believed from anywhere, relay for the private network: anyone claims a private address',
      code: mx('  connections only { 10.0.0.0/8 }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 0.0.0.0/0 }'),
      findings: [
        {
          line: 6, column: 11, endLine: 6, endColumn: 21,
          message: /^anyone who can connect from a trusted PROXY source in 0\.0\.0\.0\/0 \(public addresses such as 8\.8\.8\.8\) may relay without authenticating: their PROXY header may claim any client address, and relay grant 10\.0\.0\.0\/8 at line 6 covers 10\.0\.0\.1; .*Witness: a PROXY header from 8\.8\.8\.8 claiming 10\.0\.0\.1 relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --proxy-from 8\.8\.8\.8 --client 10\.0\.0\.1 --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
    },
    {
      name: 'a forged PROXY header claims the address of a host under a granted domain',
      code: mx('  relay { domain partner.example }\n  proxy-protocol { 64.0.0.0/2 }'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 33, message: /relay grant domain partner\.example at line 5 covers .*--ptr relay-probe\.partner\.example/ }],
    },
    {
      name: 'a relay grant that covers a declared gateway: everyone behind it relays',
      code: mx('  relay { 172.16.0.0/12 }\n  gateways { 172.17.0.1 }'),
      findings: [
        {
          line: 5, column: 11, endLine: 5, endColumn: 24,
          message: /^every client behind gateway 172\.17\.0\.1 \(anyone who reaches it, such as 8\.8\.8\.8\) may relay without authenticating: the server sees them all as 172\.17\.0\.1, which relay grant 172\.16\.0\.0\/12 at line 5 covers; .*--via-gateway 172\.17\.0\.1 --client 8\.8\.8\.8 /,
        },
      ],
    },
  ],
});
