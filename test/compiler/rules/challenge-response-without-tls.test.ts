import { ruleTests } from './rule-tester.js';

const head = 'users staff file "staff.passwd"\nserver s {\n  listen 10.0.0.1:587\n  hostname mail.example.test\n';

ruleTests('challenge-response-without-tls', {
  valid: [
    { name: 'TLS required', code: `${head}  tls { certificate "c.pem"  key "c.key"  require }\n  auth { challenge-response users staff }\n}\n` },
    { name: 'basic only (its own rule)', code: `${head}  tls { certificate "c.pem"  key "c.key"  optional }\n  auth { basic users staff }\n}\n` },
  ],
  invalid: [
    {
      name: 'TLS optional: fix turns optional into require',
      code: `${head}  tls {\n    certificate "c.pem"\n    key "c.key"\n    optional\n  }\n  auth { challenge-response users staff }\n}\n`,
      findings: [{ line: 10, column: 10, endLine: 10, endColumn: 40, message: /the password is safe, but the messages/ }],
      output: `${head}  tls {\n    certificate "c.pem"\n    key "c.key"\n    require\n  }\n  auth { challenge-response users staff }\n}\n`,
    },
    {
      name: 'tls block without a mode: fix adds require on its own line',
      code: `${head}  tls {\n    certificate "c.pem"\n    key "c.key"\n  }\n  auth { challenge-response users staff }\n}\n`,
      findings: [{ line: 9, column: 10, endLine: 9, endColumn: 40 }],
      output: `${head}  tls {\n    certificate "c.pem"\n    key "c.key"\n    require\n  }\n  auth { challenge-response users staff }\n}\n`,
    },
    {
      name: 'no tls block: no fix',
      code: `${head}  auth { challenge-response users staff }\n}\n`,
      findings: [{ line: 5, column: 10, endLine: 5, endColumn: 40 }],
    },
  ],
});
