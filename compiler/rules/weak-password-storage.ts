// A credential store should hold only slow salted hashes (scrypt, as `smtppolicy passwd`
// writes them: runtime/auth/password-file.ts). A plaintext password or a fast hash (MD5,
// SHA-1, crypt) turns a copied file into every user's password. The server refuses such
// files at start; the linter says which lines and why, before deployment.

import { parseHash } from '../../runtime/auth/password-hash.js';
import { readPolicyFile } from '../lint/certificate-files.js';
import { defineRule } from '../lint/rule.js';

/** scrypt cost below 2^14 (16 MiB) is far under what `passwd` writes (2^15) and OWASP's floor. */
const MIN_SCRYPT_N = 2 ** 14;

export default defineRule({
  meta: {
    id: 'weak-password-storage',
    category: 'credentials',
    defaultSeverity: 'error',
    description: 'a credential store holds plaintext passwords or weak hashes instead of scrypt',
    messages: {
      weak: "password file '{{file}}' of user store '{{store}}' holds {{problems}}: recreate those users with 'smtppolicy passwd' (scrypt)",
    },
    fixable: false,
    readsFiles: true,
  },
  check(context) {
    for (const store of context.model.config.userStores) {
      const located = context.model.userStores.get(store.name);
      if (!located?.node.file || !store.file) continue;
      const state = readPolicyFile(context.model, store.file);
      if (state.kind !== 'read') continue; // not deployed here: nothing to judge
      const problems = weakLines(state.data.toString('utf8'));
      if (problems.length === 0) continue;
      const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
      context.report({
        at: { node: located.node.file, file: located.file },
        messageId: 'weak',
        data: { file: located.node.file.value, store: store.name, problems: shown },
      });
    }
  },
});

/** `line 3 (alice): a plaintext password`, one per weak line. */
export function weakLines(text: string): string[] {
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return; // not a user line at all: the server's parser reports it
    const user = line.slice(0, colon);
    const secret = line.slice(colon + 1);
    const verdict = judge(secret);
    if (verdict) problems.push(`line ${index + 1} (${user}): ${verdict}`);
  });
  return problems;
}

function judge(secret: string): string | undefined {
  if (secret.startsWith('scrypt$')) {
    const parsed = parseHash(secret);
    if (typeof parsed === 'string') return `a malformed scrypt hash (${parsed})`;
    return parsed.params.N < MIN_SCRYPT_N ? `an scrypt hash with cost N=${parsed.params.N} (at least ${MIN_SCRYPT_N})` : undefined;
  }
  if (/^\$1\$/.test(secret)) return 'an MD5-crypt hash';
  if (/^\$(5|6)\$/.test(secret)) return 'a SHA-crypt hash (fast, not memory-hard)';
  if (/^\$2[aby]?\$/.test(secret)) return 'a bcrypt hash (not the scrypt format the server reads)';
  if (/^\{(SHA|SSHA|MD5|SMD5|PLAIN|CLEARTEXT|CRYPT)\}/i.test(secret)) return `a ${/^\{(\w+)\}/.exec(secret)![1]!.toUpperCase()} scheme password`;
  if (/^[0-9a-f]{32}$/i.test(secret)) return 'what looks like an unsalted MD5 hash';
  if (/^[0-9a-f]{40}$/i.test(secret)) return 'what looks like an unsalted SHA-1 hash';
  if (/^[0-9a-f]{64}$/i.test(secret)) return 'what looks like an unsalted SHA-256 hash';
  return 'a plaintext password';
}
