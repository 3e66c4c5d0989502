import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { makeCertificate } from '../../helpers/certificates.js';
import { ruleTests } from './rule-tester.js';

const good = makeCertificate({ commonName: 'mail.example.test', rsaBits: 2048, days: 30 });
const other = makeCertificate({ commonName: 'mail.example.test', rsaBits: 2048, days: 30 });
const weak = makeCertificate({ commonName: 'mail.example.test', rsaBits: 1024, days: 30 });
const srv = `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls {\n    certificate "c.pem"\n    key "k.pem"\n    require\n  }\n}\n`;
const DAY = 24 * 3600 * 1000;
const root = process.getuid?.() === 0;

ruleTests('certificate-invalid', {
  valid: [
    { name: 'a matching, current, 2048-bit pair', code: srv, files: { 'c.pem': good.cert, 'k.pem': good.key } },
    { name: 'files not deployed here (certificate-not-found says so)', code: srv },
  ],
  invalid: [
    { name: 'key of another certificate', code: srv, files: { 'c.pem': good.cert, 'k.pem': other.key }, findings: [{ line: 6, column: 9, endLine: 6, endColumn: 16, message: /key 'k\.pem' does not belong to certificate 'c\.pem'/ }] },
    { name: 'expired', code: srv, files: { 'c.pem': good.cert, 'k.pem': good.key }, now: new Date(Date.now() + 60 * DAY), findings: [{ line: 5, column: 17, endLine: 5, endColumn: 24, message: /expired on/ }] },
    { name: 'not yet valid', code: srv, files: { 'c.pem': good.cert, 'k.pem': good.key }, now: new Date(Date.now() - 2 * DAY), findings: [{ line: 5, column: 17, endLine: 5, endColumn: 24, message: /is not valid before/ }] },
    { name: 'RSA 1024', code: srv, files: { 'c.pem': weak.cert, 'k.pem': weak.key }, findings: [{ line: 5, column: 17, endLine: 5, endColumn: 24, message: /1024-bit RSA key/ }] },
    {
      name: 'not a certificate, not a key',
      code: srv,
      files: { 'c.pem': 'hello', 'k.pem': 'world' },
      findings: [
        { line: 5, column: 17, endLine: 5, endColumn: 24, message: /certificate 'c\.pem' is not a PEM or DER certificate/ },
        { line: 6, column: 9, endLine: 6, endColumn: 16, message: /key 'k\.pem' is not an unencrypted private key/ },
      ],
    },
    // root reads any file, so an unreadable file cannot be made for it
    ...(root
      ? []
      : [{ name: 'unreadable certificate', code: srv, files: { 'c.pem': good.cert, 'k.pem': good.key }, prepare: (dir: string) => chmod(join(dir, 'c.pem'), 0), findings: [{ line: 5, column: 17, endLine: 5, endColumn: 24, message: /cannot read certificate 'c\.pem': permission denied/ }] }]),
  ],
});
