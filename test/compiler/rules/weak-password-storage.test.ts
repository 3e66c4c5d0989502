import { ruleTests } from './rule-tester.js';

const srv = 'users staff file "users.passwd"\nserver s {\n  listen 127.0.0.1:587\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  require }\n  auth { basic users staff }\n}\n';
const scrypt = (n: number) => `scrypt$${n}$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;

ruleTests('weak-password-storage', {
  valid: [
    { name: 'scrypt hashes', code: srv, files: { 'users.passwd': `# staff\nalice@example.test:${scrypt(32768)}\n` } },
    { name: 'file not deployed here', code: srv },
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
  ],
});
