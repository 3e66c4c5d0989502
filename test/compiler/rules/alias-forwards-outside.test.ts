import { ruleTests } from './rule-tester.js';

const srv = (body: string, relay = '') =>
  `users staff file "s.passwd"\nserver mx {\n  listen 10.0.0.25:25\n  hostname mx.example.test\n  local-domains example.test, b.test\n${relay}  recipients example.test {\n    mailboxes users staff\n${body}  }\n}\n`;

ruleTests('alias-forwards-outside', {
  valid: [
    { name: 'targets in the local domains', code: srv('    alias "sales" to "alice", "bob@b.test"\n') },
    { name: 'an open relay (open-relay reports it; nothing to explain here)', code: srv('    alias "sales" to "bob@partner.example"\n', '  relay { anyone }\n') },
  ],
  invalid: [
    {
      name: 'a target outside, relay closed: reported at the target, saying why it is allowed',
      code: srv('    alias "sales" to "alice", "bob@partner.example"\n'),
      findings: [
        {
          line: 8,
          column: 31,
          endLine: 8,
          endColumn: 52,
          message:
            /^alias 'sales@example\.test' forwards to 'bob@partner\.example', outside the local domains of server 'mx', whose relay is closed to clients that may not relay \(a client at 192\.0\.2\.1 that has not logged in gets '554 5\.7\.1 <bob@partner\.example>: Relay access denied' for it\): this is allowed because it is the server's own forwarding of mail it accepted for a local address, not relaying for the client\. The copy goes out through the relay queue \(relay-to hold: it waits there until a smart host is configured\)/,
        },
      ],
    },
  ],
});
