import { ruleTests } from './rule-tester.js';

const mx = (body: string) => `server mx {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

ruleTests('open-relay', {
  valid: [
    { name: 'default relay (authenticated only)', code: mx('') },
    { name: 'anyone, but only the private network may connect', code: mx('  connections only { 10.0.0.0/8 }\n  relay { anyone }') },
    { name: 'a partner /24', code: mx('  relay { 5.10.16.0/24 }') },
    { name: 'the whole Internet, but MAIL needs a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { 0.0.0.0/0 }') },
    { name: 'a wide grant that holds only private addresses', code: mx('  relay { 10.0.0.0/8  192.168.0.0/16 }') },
    { name: 'a deny-list that excludes the relay grant', code: mx('  connections except { 64.0.0.0/2 }\n  relay { 64.0.0.0/2 }') },
  ],
  invalid: [
    {
      name: 'relay granted to 0.0.0.0/0, everyone connects',
      code: mx('  relay { 0.0.0.0/0 }'),
      findings: [
        {
          line: 5, column: 11, endLine: 5, endColumn: 20,
          message: /^any client in 0\.0\.0\.0\/0 \(public addresses such as 8\.8\.8\.8\) may relay without authenticating: relay grant 0\.0\.0\.0\/0 at line 5; connections: everyone$/,
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
      name: 'IPv6: ::/0',
      code: mx('  relay { ::/0 }'),
      findings: [{ line: 5, column: 11, endLine: 5, endColumn: 15, message: /such as 2001:4860:4860::8888/ }],
      output: mx('  relay { authenticated }'),
    },
    {
      name: 'deny-list that excludes little, through a named list',
      code: `list everyone { 0.0.0.0/1  128.0.0.0/1 }\n${mx('  connections except { 192.0.2.0/24 }\n  relay { @everyone }')}`,
      findings: [{ line: 7, column: 11, endLine: 7, endColumn: 20, message: /connections: everyone except the 1 entry at line 6/ }],
    },
  ],
});
