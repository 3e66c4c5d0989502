import { ruleTests } from './rule-tester.js';

const mx = (body: string) => `resolver { reverse-zone 113.0.203.in-addr.arpa }\nserver mx {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

ruleTests('public-suffix-domain-entry', {
  valid: [
    { name: "a partner's registrable domain", code: mx('  relay { domain partner.co.uk }') },
    { name: 'a name under a reserved TLD (not on the list)', code: mx('  relay { domain partner.example }') },
    { name: 'a deny-list entry at a suffix keeps people out, it lets no one in', code: mx('  connections except { domain com }') },
    { name: 'a grant at a suffix, but MAIL needs a login', code: 'users u file "u.passwd"\n' + mx('  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users u }\n  relay { domain com }') },
  ],
  invalid: [
    {
      name: 'relay { domain com }',
      code: mx('  relay { domain com }'),
      findings: [
        {
          line: 6, column: 11, endLine: 6, endColumn: 21,
          message: /^relay grant domain com of server 'mx' is a public suffix: anyone can register a name under com, .* Witness: a client at 8\.8\.8\.8 \(PTR mail\.anyone-registers\.com\) relays; replay it with `smtppolicy explain policy\.smtppolicy --server mx --client 8\.8\.8\.8 --ptr mail\.anyone-registers\.com --rcpt probe@relay-probe\.invalid`$/,
        },
      ],
    },
    { name: 'a two-label ICANN suffix', code: mx('  relay { domain co.uk }'), findings: [{ line: 6, column: 11, endLine: 6, endColumn: 23, message: /PTR mail\.anyone-registers\.co\.uk/ }] },
    { name: 'a private-section suffix', code: mx('  relay { domain github.io }'), findings: [{ line: 6, column: 11, endLine: 6, endColumn: 27, message: /relay grant domain github\.io/ }] },
    {
      name: 'a connection allow-list entry, through a named list',
      code: `list partners { domain com }\n${mx('  connections only { 10.0.0.0/8  @partners }')}`,
      findings: [{ line: 1, column: 17, endLine: 1, endColumn: 27, message: /^connection allow-list entry domain com of server 'mx' is a public suffix: .* Witness: a client at 10\.0\.0\.1 \(PTR mail\.anyone-registers\.com\) connects/ }],
    },
  ],
});
