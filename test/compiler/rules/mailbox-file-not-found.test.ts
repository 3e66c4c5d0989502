import { ruleTests } from './rule-tester.js';

const srv = `server mx {\n  listen 10.0.0.25:25\n  hostname mx.example.test\n  local-domains example.test\n  recipients example.test {\n    mailboxes file "lists/example.mailboxes"\n  }\n}\n`;

ruleTests('mailbox-file-not-found', {
  valid: [{ name: 'the list exists (relative to the policy file)', code: srv, files: { 'lists/example.mailboxes': 'alice@example.test\n' } }],
  invalid: [
    {
      name: 'missing: reported at the path, with where it was looked for',
      code: srv,
      findings: [{ line: 6, column: 20, endLine: 6, endColumn: 45, message: /^mailbox list 'lists\/example\.mailboxes' of example\.test \(server 'mx'\) does not exist on this machine \(.*lists\/example\.mailboxes\): the server will not start without it/ }],
    },
  ],
});
