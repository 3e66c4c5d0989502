import { ruleTests } from './rule-tester.js';

const srv = (v: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require  min-version ${v} }\n}\n`;

ruleTests('tls-min-version-too-low', {
  valid: [{ name: '1.2', code: srv('1.2') }, { name: '1.3', code: srv('1.3') }],
  invalid: [
    { name: '1.0', code: srv('1.0'), findings: [{ line: 4, column: 64, endLine: 4, endColumn: 67, message: /min-version 1\.0 lets clients negotiate deprecated TLS/ }], output: srv('1.2') },
    { name: 'TLSv1.1 spelling', code: srv('TLSv1.1'), findings: [{ line: 4, column: 64, endLine: 4, endColumn: 71 }], output: srv('1.2') },
  ],
});
