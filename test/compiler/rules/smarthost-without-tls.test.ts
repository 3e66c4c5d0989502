import { ruleTests } from './rule-tester.js';

const srv = (relayTo: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  relay-to smarthost "smtp.isp.example:587" { ${relayTo} }\n}\n`;

ruleTests('smarthost-without-tls', {
  valid: [
    { name: 'tls require', code: srv('tls require') },
    { name: 'default (require)', code: srv('user "r"  password env P') },
  ],
  invalid: [
    { name: 'none, with credentials', code: srv('tls none  user "r"  password env P'), findings: [{ line: 4, column: 51, endLine: 4, endColumn: 55, message: /relayed mail and the password of 'r' to the smart host smtp\.isp\.example:587 in clear text/ }], output: srv('tls require  user "r"  password env P') },
    { name: 'optional', code: srv('tls optional'), findings: [{ line: 4, column: 51, endLine: 4, endColumn: 59, message: /strip STARTTLS/ }], output: srv('tls require') },
    { name: 'no-verify', code: srv('tls require no-verify'), findings: [{ line: 4, column: 59, endLine: 4, endColumn: 68, message: /accepts any certificate/ }], output: srv('tls require') },
  ],
});
