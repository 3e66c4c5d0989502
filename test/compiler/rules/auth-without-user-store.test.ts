import { ruleTests } from './rule-tester.js';

const srv = (auth: string) => `users staff file "s.passwd"\nserver s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n  ${auth}\n}\n`;

ruleTests('auth-without-user-store', {
  valid: [
    { name: 'store named', code: srv('auth { basic users staff }') },
    { name: 'anonymous needs no store', code: srv('auth { anonymous }') },
  ],
  invalid: [
    {
      name: 'basic and token without users',
      code: srv('auth { basic  token users staff  challenge-response }'),
      findings: [
        { line: 6, column: 10, endLine: 6, endColumn: 15, message: /auth method 'basic' of server 's' names no credential store/ },
        { line: 6, column: 36, endLine: 6, endColumn: 54 },
      ],
    },
  ],
});
