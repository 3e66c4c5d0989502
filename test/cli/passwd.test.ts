import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli.js';
import { tempDir } from '../helpers/server-fixture.js';
import { CredentialStore } from '../../runtime/auth/credential-store.js';

const USER = 'alice@example.test';
const CHALLENGE = '<42.1764316800@mail.example.test>';
const cram = (password: string) => createHmac('md5', password).update(CHALLENGE).digest('hex');

async function load(dir: string): Promise<CredentialStore> {
  const store = new CredentialStore('users', join(dir, 'users.passwd'));
  await store.load();
  return store;
}

test('passwd --cram-md5 stores a CRAM-MD5 secret next to the password, warns on stderr, and keeps mode 0600', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const result = await runCli(['passwd', '--cram-md5', 'users.passwd', USER], { cwd: dir, stdin: 'first-password\n' });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^warning: the CRAM-MD5 secret in users\.passwd is password-equivalent for CRAM-MD5/m);
  const text = readFileSync(join(dir, 'users.passwd'), 'utf8');
  assert.match(text, /^alice@example\.test:scrypt\$[^:]+:cram-md5\$[0-9a-f]{32}\$[0-9a-f]{32}\n$/);
  assert.ok(!text.includes('first-password'));
  assert.equal(statSync(join(dir, 'users.passwd')).mode & 0o777, 0o600);
  let store = await load(dir);
  assert.equal(store.verifyCramMd5(USER, CHALLENGE, cram('first-password')), USER);
  assert.equal(await store.verify(USER, 'first-password'), USER);

  // a plain password change renews the CRAM-MD5 secret too: the old password stops working everywhere
  const change = await runCli(['passwd', 'users.passwd', USER], { cwd: dir, stdin: 'second-password\n' });
  assert.equal(change.code, 0, change.stderr);
  assert.match(change.stderr, /changed alice@example\.test in users\.passwd \(password and CRAM-MD5 secret\)/);
  store = await load(dir);
  assert.equal(store.verifyCramMd5(USER, CHALLENGE, cram('first-password')), null);
  assert.equal(store.verifyCramMd5(USER, CHALLENGE, cram('second-password')), USER);
});

test('passwd --token prints a new token once on stdout, stores only its hash, and keeps the password', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  assert.equal((await runCli(['passwd', 'users.passwd', USER], { cwd: dir, stdin: 'alice-password\n' })).code, 0);
  const first = await runCli(['passwd', '--token', 'users.passwd', USER], { cwd: dir, stdin: 'ignored\n' });
  assert.equal(first.code, 0, first.stderr);
  const token = first.stdout.trim();
  assert.match(first.stdout, /^[A-Za-z0-9_-]{43}\n$/);
  assert.match(first.stderr, /shown only this once/);
  const text = readFileSync(join(dir, 'users.passwd'), 'utf8');
  assert.ok(!text.includes(token), 'the token itself is not stored');
  assert.match(text, /^alice@example\.test:scrypt\$[^:]+:token\$sha256\$[A-Za-z0-9+/]{43}=\n$/);
  let store = await load(dir);
  assert.equal(store.verifyToken(USER, token), USER);
  assert.equal(await store.verify(USER, 'alice-password'), USER);

  const second = await runCli(['passwd', '--token', 'users.passwd', USER], { cwd: dir });
  assert.notEqual(second.stdout.trim(), token);
  store = await load(dir);
  assert.equal(store.verifyToken(USER, token), null, 'a new token replaces the old one');
  assert.equal(store.verifyToken(USER, second.stdout.trim()), USER);
});

test('passwd --remove removes one secret or the whole user, and refuses to leave a user without any', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  assert.equal((await runCli(['passwd', '--cram-md5', 'users.passwd', USER], { cwd: dir, stdin: 'alice-password\n' })).code, 0);
  assert.equal((await runCli(['passwd', '--token', 'users.passwd', 'bob@example.test'], { cwd: dir })).code, 0);
  const file = join(dir, 'users.passwd');

  assert.equal((await runCli(['passwd', '--remove', '--password', 'users.passwd', USER], { cwd: dir })).code, 0);
  assert.match(readFileSync(file, 'utf8'), /^alice@example\.test:cram-md5\$[0-9a-f]{32}\$[0-9a-f]{32}$/m, 'a CRAM-MD5-only user');
  const store = await load(dir);
  assert.equal(await store.verify(USER, 'alice-password'), null);
  assert.equal(store.verifyCramMd5(USER, CHALLENGE, cram('alice-password')), USER);

  const last = await runCli(['passwd', '--remove', '--cram-md5', 'users.passwd', USER], { cwd: dir });
  assert.equal(last.code, 2);
  assert.match(last.stderr, /that is the only secret of 'alice@example\.test': use --remove alone/);
  const missing = await runCli(['passwd', '--remove', '--token', 'users.passwd', USER], { cwd: dir });
  assert.match(missing.stderr, /'alice@example\.test' has no token secret in users\.passwd/);

  assert.equal((await runCli(['passwd', '--remove', 'users.passwd', 'BOB@example.test'], { cwd: dir })).code, 0);
  assert.doesNotMatch(readFileSync(file, 'utf8'), /bob@/);
  const unknown = await runCli(['passwd', '--remove', 'users.passwd', 'bob@example.test'], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /users\.passwd has no user 'bob@example\.test'/);
});

test('passwd refuses conflicting flags and documents every flag in its help', async () => {
  const help = await runCli(['passwd', '--help']);
  for (const flag of ['--cram-md5', '--token', '--remove', '--password']) assert.match(help.stdout, new RegExp(`^  ${flag} `, 'm'));
  assert.match(help.stdout, /password-equivalent/);
  const both = await runCli(['passwd', '--token', '--cram-md5', 'users.passwd', USER]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--token and --cram-md5 cannot be combined/);
  const stray = await runCli(['passwd', '--password', 'users.passwd', USER]);
  assert.match(stray.stderr, /--password only goes with --remove/);
});
