// `smtppolicy passwd` on a password file it cannot read back: a usage error naming the
// file, line and column, and the file left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli.js';
import { tempDir } from '../helpers/server-fixture.js';

test('passwd on a malformed password file is a usage error naming file:line:col, not an internal error, and leaves the file alone', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const original = 'alice@example.test:notahash\n';
  writeFileSync(join(dir, 'users.passwd'), original);
  const result = await runCli(['passwd', 'users.passwd', 'bob@example.test'], { cwd: dir, stdin: 'a-long-password\n' });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^smtppolicy passwd: users\.passwd:1:20: unknown secret 'notahash'/);
  assert.equal(readFileSync(join(dir, 'users.passwd'), 'utf8'), original);
});
