import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CredentialStore } from '../../../runtime/auth/credential-store.js';
import { cramMd5Secret, formatCramMd5Secret } from '../../../runtime/auth/cram-md5.js';
import { formatTokenSecret, generateBearerToken } from '../../../runtime/auth/bearer-token.js';
import { hashPassword } from '../../../runtime/auth/password-hash.js';
import { findMissingSecrets } from '../../../runtime/auth/missing-secrets.js';
import { TEST_SCRYPT } from '../../helpers/password-file.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { mechanismConfig, src } from '../fixtures/config-builder.js';

const CHALLENGE = '<0123456789abcdef.1764316800@mail.example.test>';
const cramResponse = (password: string, challenge = CHALLENGE) => createHmac('md5', password).update(challenge).digest('hex');

async function storeWith(t: Parameters<typeof tempDir>[0], lines: string[]): Promise<CredentialStore> {
  const file = join(tempDir(t), 'users.passwd');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  const store = new CredentialStore('staff', file);
  await store.load();
  return store;
}

test('CRAM-MD5: the right response logs in (canonical spelling); wrong password, other challenge, unknown user, no secret fail', async (t) => {
  const store = await storeWith(t, [
    `Alice@example.test:${await hashPassword('alice-password', TEST_SCRYPT)}:${formatCramMd5Secret(cramMd5Secret('alice-password'))}`,
    `bob@example.test:${await hashPassword('bob-password', TEST_SCRYPT)}`,
  ]);
  assert.equal(store.verifyCramMd5('alice@EXAMPLE.test', CHALLENGE, cramResponse('alice-password')), 'Alice@example.test');
  assert.equal(store.verifyCramMd5('alice@example.test', CHALLENGE, cramResponse('wrong-password')), null);
  assert.equal(store.verifyCramMd5('alice@example.test', '<other@mail.example.test>', cramResponse('alice-password')), null, 'a replayed response fails for a new challenge');
  assert.equal(store.verifyCramMd5('alice@example.test', CHALLENGE, 'not hex at all'), null);
  assert.equal(store.verifyCramMd5('nobody@example.test', CHALLENGE, cramResponse('alice-password')), null);
  assert.equal(store.verifyCramMd5('bob@example.test', CHALLENGE, cramResponse('bob-password')), null, 'a user without a CRAM-MD5 secret cannot use CRAM-MD5');
  // the CRAM-MD5 secret is not a password: PLAIN with it, or with nothing, fails
  assert.equal(await store.verify('alice@example.test', 'alice-password'), 'Alice@example.test');
  assert.equal(await store.verify('alice@example.test', formatCramMd5Secret(cramMd5Secret('alice-password'))), null);
});

test('XOAUTH2: the user\'s token logs in; another token, another user\'s token, unknown user fail; token-only users have no password', async (t) => {
  const token = generateBearerToken();
  const otherToken = generateBearerToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');
  const store = await storeWith(t, [
    `carol@example.test:${formatTokenSecret(token)}`,
    `dave@example.test:${formatTokenSecret(otherToken)}`,
  ]);
  assert.equal(store.verifyToken('CAROL@example.test', token), 'carol@example.test');
  assert.equal(store.verifyToken('carol@example.test', otherToken), null);
  assert.equal(store.verifyToken('carol@example.test', `${token}x`), null);
  assert.equal(store.verifyToken('nobody@example.test', token), null);
  assert.equal(await store.verify('carol@example.test', token), null, 'the token is not a PLAIN password');
  assert.equal(store.verifyCramMd5('carol@example.test', CHALLENGE, cramResponse(token)), null);
});

test('a store that lacks the secret an offered mechanism needs is reported with the store, the mechanism and the fix', async (t) => {
  const store = await storeWith(t, [`erin@example.test:${await hashPassword('erin-password', TEST_SCRYPT)}`]);
  assert.equal(store.usersWithSecret('scrypt'), 1);
  assert.equal(store.usersWithSecret('cram-md5'), 0);
  const missing = findMissingSecrets(store, [
    mechanismConfig('PLAIN', 'staff', src(30)),
    mechanismConfig('CRAM-MD5', 'staff', src(31)),
    mechanismConfig('XOAUTH2', 'staff', src(32)),
  ]);
  assert.deepEqual(missing.map((m) => m.mechanism), ['CRAM-MD5', 'XOAUTH2']);
  assert.match(missing[0]!.message, /^fixture\.smtppolicy:31:1: CRAM-MD5 is offered with user store 'staff', but no user in .*users\.passwd has a cram-md5 secret, so every CRAM-MD5 login fails; add one with 'smtppolicy passwd --cram-md5 .*users\.passwd <user>'$/);
  assert.match(missing[1]!.message, /'smtppolicy passwd --token .*users\.passwd <user>'$/);
});
