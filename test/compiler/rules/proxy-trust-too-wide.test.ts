import { ruleTests } from './rule-tester.js';

const mx = (body: string) => `server mx {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

ruleTests('proxy-trust-too-wide', {
  valid: [
    { name: 'one balancer on the private network', code: mx('  relay { 192.168.0.0/24 }\n  proxy-protocol { 10.0.0.10 }') },
    { name: 'a public pool of balancers (/28)', code: mx('  proxy-protocol { 5.10.16.0/28 }') },
    { name: 'a private /24 of balancers', code: mx('  proxy-protocol { 10.0.5.0/24 }') },
    { name: 'an IPv6 /64 of balancers', code: mx('  proxy-protocol { 2a00:1450:4001:1::/64 }') },
    { name: 'the balancer is in a relay grant, but nobody relays without a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 10.0.0.10 }') },
  ],
  invalid: [
    {
      name: 'the whole Internet is trusted to name the client',
      code: mx('  proxy-protocol { 0.0.0.0/0 }'),
      findings: [
        {
          line: 5, column: 20, endLine: 5, endColumn: 29,
          message: /^server 'mx' believes PROXY headers from 0\.0\.0\.0\/0, 3,[0-9,]+ public addresses: anyone who holds one of them can claim any client address .* Witness: a PROXY header from 8\.8\.8\.8 claiming 0\.0\.0\.1 is believed; replay it with `smtppolicy explain policy\.smtppolicy --server mx --proxy-from 8\.8\.8\.8 --client 0\.0\.0\.1 --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
    },
    {
      name: 'a cloud provider range: every tenant in it can claim a granted address',
      code: mx('  relay { 192.168.1.0/24 }\n  proxy-protocol { 52.0.0.0/11 }'),
      findings: [{ line: 6, column: 20, endLine: 6, endColumn: 31, message: /52\.0\.0\.0\/11, 2,097,152 public addresses.*claiming 192\.168\.1\.1 is believed/ }],
    },
    {
      name: 'a whole private network may speak for others',
      code: mx('  proxy-protocol { 10.0.0.0/8 }'),
      findings: [{ line: 5, column: 20, endLine: 5, endColumn: 30, message: /^server 'mx' believes PROXY headers from every host in 10\.0\.0\.0\/8 \(16,777,216 addresses\)/ }],
    },
    {
      name: 'the balancer is also granted relay: its own LOCAL sessions relay',
      code: mx('  relay { 10.0.0.0/24 }\n  proxy-protocol { 10.0.0.10 }'),
      findings: [
        {
          line: 6, column: 20, endLine: 6, endColumn: 29,
          message: /^server 'mx' both believes PROXY headers from 10\.0\.0\.10\/32 and grants relay without login to 10\.0\.0\.10\/32 \(relay grant 10\.0\.0\.0\/24\).* Witness: a PROXY v2 LOCAL session from 10\.0\.0\.10 \(the balancer's own\) relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --client 10\.0\.0\.10 --proxy-local --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
    },
  ],
});
