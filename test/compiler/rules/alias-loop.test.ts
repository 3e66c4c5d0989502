import { ruleTests } from './rule-tester.js';

const srv = (body: string) =>
  `users staff file "s.passwd"\nserver mx {\n  listen 10.0.0.25:25\n  hostname mx.example.test\n  local-domains example.test, b.test\n${body}}\n`;

ruleTests('alias-loop', {
  valid: [
    { name: 'a chain that ends in mailboxes', code: srv('  recipients example.test {\n    mailboxes users staff\n    alias "sales" to "team"\n    alias "team" to "alice", "bob"\n  }\n') },
    { name: 'an alias that keeps a copy for itself', code: srv('  recipients example.test {\n    mailboxes users staff\n    alias "alice" to "alice", "bob"\n  }\n') },
    { name: 'two aliases reaching one mailbox (a diamond, no circle)', code: srv('  recipients example.test {\n    alias "a" to "b", "c"\n    alias "b" to "d"\n    alias "c" to "d"\n    catch-all\n  }\n') },
  ],
  invalid: [
    {
      name: 'two aliases in a circle: reported once, at the first, with the chain',
      code: srv('  recipients example.test {\n    mailboxes users staff\n    alias "sales" to "team"\n    alias "team" to "sales", "alice"\n  }\n'),
      findings: [
        {
          line: 8,
          column: 11,
          endLine: 8,
          endColumn: 18,
          message: /^aliases of server 'mx' form a loop: sales@example\.test → team@example\.test → sales@example\.test\. The server delivers such mail once, to sales@example\.test's own mailbox/,
        },
      ],
    },
    {
      name: 'a circle across two local domains',
      code: srv('  recipients example.test {\n    alias "x" to "y@b.test"\n  }\n  recipients b.test {\n    alias "y" to "x@example.test"\n  }\n'),
      findings: [{ line: 7, column: 11, endLine: 7, endColumn: 14, message: /x@example\.test → y@b\.test → x@example\.test/ }],
    },
  ],
});
