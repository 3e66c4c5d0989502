import { ruleTests } from './rule-tester.js';
import { cramMd5Secret, formatCramMd5Secret } from '../../../runtime/auth/cram-md5.js';
import { formatTokenSecret } from '../../../runtime/auth/bearer-token.js';

const srv = 'users staff file "users.passwd"\nserver s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users staff }\n}\n';
const scrypt = (n: number) => `scrypt$${n}$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;
// the secrets `smtppolicy passwd --cram-md5` and `--token` write (runtime/auth/password-file.ts)
const cram = formatCramMd5Secret(cramMd5Secret('alice-password'));
const token = formatTokenSecret('a-bearer-token');

ruleTests('weak-password-storage', {
  valid: [
    { name: 'scrypt hashes', code: srv, files: { 'users.passwd': `# staff\nalice@example.test:${scrypt(32768)}\n` } },
    { name: 'file not deployed here', code: srv },
    {
      name: 'every kind of secret passwd writes, alone and together, in any order',
      code: srv,
      files: {
        'users.passwd': [
          `both@example.test:${scrypt(32768)}:${cram}`,
          `cram@example.test:${cram}`,
          `app@example.test:${token}`,
          `all@example.test:${token}:${scrypt(32768)}:${cram}`,
          `  indented@example.test:${scrypt(32768)}:${token}`,
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'plaintext, MD5 hex and a cheap scrypt',
      code: srv,
      files: { 'users.passwd': `alice@example.test:hunter2\n# comment\nbob@example.test:5f4dcc3b5aa765d61d327deb882cf99b\ncarol@example.test:${scrypt(1024)}\ndave@example.test:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n` },
      findings: [
        {
          line: 1, column: 18, endLine: 1, endColumn: 32,
          message: /line 1 \(alice@example\.test\): a plaintext password; line 3 \(bob@example\.test\): what looks like an unsalted MD5 hash; line 4 \(carol@example\.test\): an scrypt hash with cost N=1024 \(at least 16384\); line 5 \(dave@example\.test\): a SHA scheme password/,
        },
      ],
    },
    {
      name: 'a plaintext password next to valid secrets, one with a colon, and a damaged CRAM-MD5 state',
      code: srv,
      files: { 'users.passwd': `alice@example.test:${cram}:hunter2\nbob@example.test:pass:word\ncarol@example.test:${scrypt(32768)}:cram-md5$12$34\n` },
      findings: [
        {
          line: 1, column: 18, endLine: 1, endColumn: 32,
          message: /^password file 'users\.passwd' of user store 'staff' holds line 1 \(alice@example\.test\): a plaintext password; line 2 \(bob@example\.test\): a plaintext password; line 3 \(carol@example\.test\): a malformed cram-md5 secret \(each CRAM-MD5 state must be 32 lowercase hex digits\):/,
        },
      ],
    },
  ],
});
