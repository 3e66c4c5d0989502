import { ruleTests } from './rule-tester.js';

const users = 'users staff file "staff.passwd"\n';

ruleTests('basic-auth-without-tls', {
  valid: [
    {
      name: 'basic auth with TLS required',
      code: `${users}server s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users staff }\n}\n`,
    },
    {
      name: 'TLS optional: the policy holds PLAIN/LOGIN back until STARTTLS',
      code: `${users}server s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  optional }\n  auth { basic users staff }\n}\n`,
    },
    {
      name: 'only implicit-TLS listeners',
      code: `${users}server s {\n  listen 127.0.0.1:465 implicit-tls\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key" }\n  auth { basic users staff }\n}\n`,
    },
    {
      // implicit-tls needs a tls block (an error without one), which gives the plain listener STARTTLS too
      name: 'a plain listener next to an implicit-TLS one: PLAIN waits for STARTTLS on the plain one',
      code: `${users}server s {\n  listen 127.0.0.1:25, 127.0.0.1:465 implicit-tls\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key" }\n  auth { basic users staff  anonymous }\n}\n`,
    },
    { name: 'challenge-response only', code: `${users}server s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  auth { challenge-response users staff }\n}\n` },
  ],
  invalid: [
    {
      name: 'no tls block: reported at the basic method',
      code: `${users}server s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  auth { basic users staff }\n}\n`,
      findings: [{ line: 5, column: 10, endLine: 5, endColumn: 27, message: /offers PLAIN and LOGIN on unencrypted connections/ }],
    },
  ],
});
