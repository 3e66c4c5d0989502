import { makeCertificate } from '../../helpers/certificates.js';
import { ruleTests } from './rule-tester.js';

const pair = makeCertificate({ commonName: 'mail.example.test', rsaBits: 2048, days: 30 });
const srv = `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls {\n    certificate "certs/c.pem"\n    key "certs/k.pem"\n    require\n  }\n}\n`;

ruleTests('certificate-not-found', {
  valid: [{ name: 'both present (relative to the policy file)', code: srv, files: { 'certs/c.pem': pair.cert, 'certs/k.pem': pair.key } }],
  invalid: [
    { name: 'neither present: one warning at the certificate', code: srv, findings: [{ line: 5, column: 17, endLine: 5, endColumn: 30, message: /certificate 'certs\/c\.pem' and key 'certs\/k\.pem' of server 's' do not exist on this machine/ }] },
    { name: 'key missing', code: srv, files: { 'certs/c.pem': pair.cert }, findings: [{ line: 6, column: 9, endLine: 6, endColumn: 22, message: /^key 'certs\/k\.pem'/ }] },
  ],
});
