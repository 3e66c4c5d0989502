import { ruleTests } from './rule-tester.js';

const srv = (tls: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  ${tls} }\n}\n`;

ruleTests('cipher-bits-without-required-tls', {
  valid: [
    { name: 'required', code: srv('require  min-cipher-bits 128') },
    { name: 'optional, no minimum written', code: srv('optional') },
  ],
  invalid: [
    {
      name: 'optional with 128 bits',
      code: srv('optional  min-cipher-bits 128'),
      findings: [{ line: 4, column: 53, endLine: 4, endColumn: 72, message: /min-cipher-bits 128 only applies to encrypted sessions/ }],
      output: srv('require  min-cipher-bits 128'),
    },
    {
      name: 'no mode written: require is added after the last setting',
      code: srv('min-cipher-bits 256'),
      findings: [{ line: 4, column: 43, endLine: 4, endColumn: 62 }],
      output: srv('min-cipher-bits 256  require'),
    },
  ],
});
