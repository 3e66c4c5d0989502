import { ruleTests } from './rule-tester.js';

const srv = (listen: string, extra = '', mode = 'require') => `server s {\n  listen ${listen}\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  ${mode} }\n${extra}}\n`;

ruleTests('tls-required-on-port-25', {
  valid: [
    { name: 'port 587', code: srv('0.0.0.0:587') },
    { name: 'port 25, internal clients only', code: srv('0.0.0.0:25', '  connections only { 10.0.0.0/8  fd00::/8 }\n') },
  ],
  invalid: [
    {
      name: 'public MX: the fix makes TLS optional',
      code: srv('0.0.0.0:25'),
      findings: [{ line: 4, column: 43, endLine: 4, endColumn: 50, message: /public addresses such as 8\.8\.8\.8/ }],
      output: srv('0.0.0.0:25', '', 'optional'),
    },
    {
      name: 'port 25 and 587 on one server: no fix, optional would lower TLS on 587 too',
      code: srv('0.0.0.0:25, 0.0.0.0:587'),
      findings: [{ line: 4, column: 43, endLine: 4, endColumn: 50, message: /public addresses/ }],
    },
    { name: 'allow-list that includes a public range', code: srv('[::]:25', '  connections only { 2001:4860::/32 }\n'), findings: [{ line: 4, column: 43, endLine: 4, endColumn: 50, message: /such as 2001:4860:4860::8888/ }], output: srv('[::]:25', '  connections only { 2001:4860::/32 }\n', 'optional') },
  ],
});
