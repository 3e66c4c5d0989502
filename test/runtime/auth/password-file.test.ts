import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cramMd5Secret, formatCramMd5Secret } from '../../../runtime/auth/cram-md5.js';
import { bearerTokenDigest, formatTokenSecret } from '../../../runtime/auth/bearer-token.js';
import { hashPassword } from '../../../runtime/auth/password-hash.js';
import { parsePasswordFile, PasswordFileError, removePasswordLine, updatePasswordLine, upsertPasswordLine } from '../../../runtime/auth/password-file.js';
import { TEST_SCRYPT } from '../../helpers/password-file.js';

const SCRYPT = await hashPassword('alice-password', TEST_SCRYPT);
const CRAM = formatCramMd5Secret(cramMd5Secret('alice-password'));
const TOKEN = formatTokenSecret('the-token');

function problems(text: string): string[] {
  try {
    parsePasswordFile(text, 'users.passwd');
  } catch (error) {
    assert.ok(error instanceof PasswordFileError);
    return error.message.split('\n');
  }
  assert.fail('expected the file to be refused');
}

test('a line may carry scrypt, cram-md5 and token secrets in any order; old scrypt-only lines stay valid', () => {
  const users = parsePasswordFile([
    '# staff',
    `old@example.test:${SCRYPT}`,
    `all@example.test:${TOKEN}:${SCRYPT}:${CRAM}`,
    `cram@example.test:${CRAM}`,
    `  token@example.test:${TOKEN}`,
    '',
  ].join('\n'), 'users.passwd');
  const old = users.get('old@example.test')!;
  assert.ok(old.scrypt);
  assert.equal(old.cramMd5, null);
  assert.equal(old.token, null);
  const all = users.get('all@example.test')!;
  assert.ok(all.scrypt && all.cramMd5);
  assert.deepEqual(all.token, bearerTokenDigest('the-token'));
  assert.deepEqual(users.get('cram@example.test')!.cramMd5, cramMd5Secret('alice-password'));
  assert.equal(users.get('cram@example.test')!.scrypt, null);
  assert.equal(users.get('token@example.test')!.line, 5);
});

test('malformed secrets are reported with file, line and the column of the field', () => {
  const user = 'bob@example.test';
  const col = (prefix: string) => prefix.length + 1;
  assert.deepEqual(problems(`${user}:${SCRYPT}:cram-md5$12$34\n`), [
    `users.passwd:1:${col(`${user}:${SCRYPT}:`)}: invalid cram-md5 secret for '${user}': each CRAM-MD5 state must be 32 lowercase hex digits`,
  ]);
  assert.deepEqual(problems(`# x\n${user}:${SCRYPT}:${CRAM}:${CRAM}\n`), [
    `users.passwd:2:${col(`${user}:${SCRYPT}:${CRAM}:`)}: '${user}' has a second cram-md5 secret (each kind at most once)`,
  ]);
  assert.deepEqual(problems(`${user}:md5$abc\n`), [
    `users.passwd:1:${col(`${user}:`)}: unknown secret 'md5' for '${user}': expected scrypt$…, cram-md5$… or token$sha256$…`,
  ]);
  assert.deepEqual(problems(`${user}:\n`), [
    `users.passwd:1:${col(`${user}:`)}: expected a secret (scrypt$…, cram-md5$… or token$sha256$…) for '${user}'`,
  ]);
  assert.deepEqual(problems(`  ${user}:${SCRYPT}:token$sha256$tooshort\n`), [
    `users.passwd:1:${col(`  ${user}:${SCRYPT}:`)}: invalid token secret for '${user}': the token digest must be 32 bytes in base64`,
  ]);
  assert.deepEqual(problems(`${user}:${CRAM}\nBOB@example.test:${TOKEN}\n`), [
    `users.passwd:2:1: user 'BOB@example.test' is already defined on line 1`,
  ]);
});

test('updating a line changes only the named secrets and keeps the others, comments and other users', () => {
  const start = `# staff\nalice@example.test:${SCRYPT}\nbob@example.test:${TOKEN}\n`;
  const withCram = updatePasswordLine(start, 'alice@example.test', { 'cram-md5': CRAM });
  assert.equal(withCram, `# staff\nalice@example.test:${SCRYPT}:${CRAM}\nbob@example.test:${TOKEN}\n`);
  const newPassword = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  const changed = upsertPasswordLine(withCram, 'ALICE@example.test', newPassword);
  assert.equal(changed, `# staff\nALICE@example.test:${newPassword}:${CRAM}\nbob@example.test:${TOKEN}\n`);
  const bobWithPassword = updatePasswordLine(changed, 'bob@example.test', { scrypt: SCRYPT });
  assert.match(bobWithPassword, new RegExp(`^bob@example\\.test:${escape(SCRYPT)}:${escape(TOKEN)}$`, 'm'), 'fields are written in canonical order');
  const withoutCram = updatePasswordLine(bobWithPassword, 'alice@example.test', { 'cram-md5': null });
  assert.match(withoutCram, new RegExp(`^alice@example\\.test:${escape(newPassword)}$`, 'm'), 'the spelling given last is written');
  assert.equal(removePasswordLine(withoutCram, 'bob@example.test'), `# staff\nalice@example.test:${newPassword}\n`);
  assert.equal(updatePasswordLine('', 'carol@example.test', { token: TOKEN }), `carol@example.test:${TOKEN}\n`);
  for (const text of [withCram, changed, bobWithPassword, withoutCram]) parsePasswordFile(text, 'users.passwd');
});

function escape(text: string): string {
  return text.replace(/[$+/.=]/g, (c) => `\\${c}`);
}
