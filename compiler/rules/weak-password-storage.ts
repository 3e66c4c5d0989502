// A credential store should hold only what `smtppolicy passwd` writes: slow salted scrypt
// hashes, CRAM-MD5 states and SHA-256 token digests (runtime/auth/password-file.ts). A
// plaintext password or a fast hash (MD5, SHA-1, crypt) turns a copied file into every
// user's password. The server refuses such files at start; the linter says which lines and
// why, before deployment. It reads the file with the server's own line reader, so every
// secret the server accepts is accepted here too, and only the fields the server would not
// understand are judged as foreign passwords or hashes.

import { readPasswordLines, type SecretField } from '../../runtime/auth/password-file.js';
import { isDirectoryStore } from '../../runtime/config/types.js';
import { readPolicyFile } from './helpers/certificate-files.js';
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
      if (!located?.node.file || isDirectoryStore(store) || !store.file) continue;
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

/** `line 3 (alice): a plaintext password`, one per weakness of a line. */
export function weakLines(text: string): string[] {
  const problems: string[] = [];
  for (const line of readPasswordLines(text)) {
    if (line.kind !== 'user') continue; // not a user line at all: the server's parser reports it
    // a plaintext password with ':' in it spans several fields: say it once
    const verdicts = new Set(line.fields.map(judge).filter((verdict) => verdict !== undefined));
    for (const verdict of verdicts) problems.push(`line ${line.line} (${line.user}): ${verdict}`);
  }
  return problems;
}

function judge(field: SecretField): string | undefined {
  switch (field.scheme) {
    case 'scrypt': {
      if (field.problem !== null) return `a malformed scrypt hash (${field.problem})`;
      const N = field.value!.scrypt!.params.N;
      return N < MIN_SCRYPT_N ? `an scrypt hash with cost N=${N} (at least ${MIN_SCRYPT_N})` : undefined;
    }
    case 'cram-md5':
    case 'token':
      // what passwd --cram-md5 and --token write (the CRAM-MD5 trade-off is documented there)
      return field.problem !== null ? `a malformed ${field.scheme} secret (${field.problem})` : undefined;
    case null:
      return field.text === '' ? undefined : foreign(field.text); // an empty field: the server's parser reports it
  }
}

/** What a field the server does not understand most likely is. */
function foreign(secret: string): string {
  if (/^\$1\$/.test(secret)) return 'an MD5-crypt hash';
  if (/^\$(5|6)\$/.test(secret)) return 'a SHA-crypt hash (fast, not memory-hard)';
  if (/^\$2[aby]?\$/.test(secret)) return 'a bcrypt hash (not the scrypt format the server reads)';
  if (/^\{(SHA|SSHA|MD5|SMD5|PLAIN|CLEARTEXT|CRYPT)\}/i.test(secret)) return `a ${/^\{(\w+)\}/.exec(secret)![1]!.toUpperCase()} scheme password`;
  if (/^[0-9a-f]{32}$/i.test(secret)) return 'what looks like an unsalted MD5 hash';
  if (/^[0-9a-f]{40}$/i.test(secret)) return 'what looks like an unsalted SHA-1 hash';
  if (/^[0-9a-f]{64}$/i.test(secret)) return 'what looks like an unsalted SHA-256 hash';
  return 'a plaintext password';
}
