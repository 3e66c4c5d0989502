// Password files for tests, with cheap scrypt parameters so that a test spends its time on
// the protocol, not on hashing (the format and the code path are the production ones).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../runtime/auth/password-hash.js';

export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export async function writePasswordFile(dir: string, users: Record<string, string>, name = 'users.passwd'): Promise<string> {
  const lines: string[] = [];
  for (const [user, password] of Object.entries(users)) lines.push(`${user}:${await hashPassword(password, TEST_SCRYPT)}`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return path;
}
