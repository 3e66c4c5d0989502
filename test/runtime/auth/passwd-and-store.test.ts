import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { run as passwd } from '../../../cli/passwd.js';
import { CredentialStore } from '../../../runtime/auth/credential-store.js';
import { parsePasswordFile, PasswordFileError } from '../../../runtime/auth/password-file.js';
import { tempDir } from '../../helpers/server-fixture.js';

function io(cwd: string, input: string) {
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (d) => (errors += String(d)));
  return { io: { stdout: new PassThrough(), stderr, stdin: Readable.from([input]), cwd, env: {} }, errors: () => errors };
}

test('passwd adds and changes users; the store verifies them in constant time and rejects others', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  assert.equal(await passwd(['users.passwd', 'demo@example.test'], io(dir, 'demo-password\n').io), 0);
  assert.equal(await passwd(['users.passwd', 'other@example.test'], io(dir, 'other-password\n').io), 0);
  const store = new CredentialStore('users', join(dir, 'users.passwd'));
  await store.load();
  assert.equal(await store.verify('DEMO@example.test', 'demo-password'), 'demo@example.test');
  assert.equal(await store.verify('demo@example.test', 'wrong'), null);
  assert.equal(await store.verify('nobody@example.test', 'demo-password'), null);
  assert.equal(await passwd(['users.passwd', 'demo@example.test'], io(dir, 'changed-password\n').io), 0);
  await store.load();
  assert.equal(store.size, 2);
  assert.equal(await store.verify('demo@example.test', 'changed-password'), 'demo@example.test');
  assert.match(readFileSync(join(dir, 'users.passwd'), 'utf8'), /^demo@example\.test:scrypt\$32768\$8\$1\$/m);
});

test('a malformed password file is reported with file and line', () => {
  assert.throws(() => parsePasswordFile('# users\nalice:scrypt$1$2\n', 'users.passwd'), (error: Error) => {
    assert.ok(error instanceof PasswordFileError);
    assert.match(error.message, /^users\.passwd:2:7: invalid hash for 'alice'/);
    return true;
  });
});

test('a short password is refused', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(passwd(['users.passwd', 'demo@example.test'], io(dir, 'short\n').io), /at least 8 characters/);
  writeFileSync(join(dir, 'x'), '');
});
