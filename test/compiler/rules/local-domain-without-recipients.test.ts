import { ruleTests } from './rule-tester.js';

const srv = (body: string) =>
  `users staff file "s.passwd"\nserver mx {\n  listen 10.0.0.25:25\n  hostname mx.example.test\n  local-domains example.test, other.test\n${body}}\n`;

ruleTests('local-domain-without-recipients', {
  valid: [
    { name: 'every local domain has a recipient list', code: srv('  recipients example.test { mailboxes users staff }\n  recipients other.test { mailboxes file "other.mailboxes" }\n'), files: { 'other.mailboxes': 'a@other.test\n' } },
    { name: 'a catch-all said out loud', code: srv('  recipients example.test { mailboxes users staff }\n  recipients other.test { catch-all }\n') },
    { name: 'a server without local domains', code: 'server outbound {\n  listen 10.0.0.25:587\n  hostname mail.example.test\n}\n' },
  ],
  invalid: [
    {
      name: 'one domain without a list: reported at its name, with the made-up recipient the policy accepts',
      code: srv('  recipients example.test { mailboxes users staff }\n'),
      findings: [
        {
          line: 5,
          column: 31,
          endLine: 5,
          endColumn: 41,
          message: /^local domain 'other\.test' of server 'mx' has no recipients block, so mail for any local part is accepted \(RCPT TO:<no-such-mailbox-7f3a@other\.test> gets 250 2\.1\.5\)/,
        },
      ],
    },
    {
      name: 'no list at all: each domain once',
      code: srv(''),
      findings: [
        { line: 5, column: 17, endLine: 5, endColumn: 29 },
        { line: 5, column: 31, endLine: 5, endColumn: 41 },
      ],
    },
  ],
});
