import { makeCertificate } from '../../helpers/certificates.js';
import { ruleTests } from './rule-tester.js';

const mail = makeCertificate({ commonName: 'mail.example.test', rsaBits: 2048, days: 30 });
const other = makeCertificate({ commonName: 'other.example.test', rsaBits: 2048, days: 30 });
const srv = (sni = '') => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls {\n    certificate "c.pem"  key "k.pem"  require\n${sni}  }\n}\n`;
const files = { 'c.pem': mail.cert, 'k.pem': mail.key, 'o.pem': other.cert, 'o.key': other.key };

ruleTests('certificate-hostname-mismatch', {
  valid: [
    { name: 'certificate for the hostname', code: srv(), files },
    { name: 'SNI certificate for its own name', code: srv('    sni other.example.test { certificate "o.pem"  key "o.key" }\n'), files },
  ],
  invalid: [
    {
      name: 'certificate for another host',
      code: srv(),
      files: { 'c.pem': other.cert, 'k.pem': other.key },
      findings: [{ line: 5, column: 17, endLine: 5, endColumn: 24, message: /certificate 'c\.pem' does not cover mail\.example\.test.*DNS:other\.example\.test/ }],
    },
    {
      name: 'SNI certificate for the wrong name',
      code: srv('    sni smtp.example.test { certificate "o.pem"  key "o.key" }\n'),
      files,
      findings: [{ line: 6, column: 41, endLine: 6, endColumn: 48, message: /does not cover smtp\.example\.test/ }],
    },
  ],
});
