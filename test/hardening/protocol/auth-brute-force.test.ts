// AUTH brute force: guessing from one address is slowed, then locked out, across sessions
// and in parallel sessions; guessing many user names is locked out per address; and the
// lockout is no denial of service: the real user, from another address, still logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { mechanismConfig, src } from '../../runtime/fixtures/config-builder.js';
import { greetedClient } from '../../helpers/greeted-client.js';
import { plainAuth } from '../../helpers/smtp-client.js';
import { writePasswordFile } from '../../helpers/password-file.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { abuseConfig } from './abuse-helpers.js';

const USER = 'demo@example.test';
const PASSWORD = 'correct horse battery staple';
const LIMIT = 3;

async function authServer(t: TestContext, maxConnectionsPerAddress = 10): Promise<RunningServer> {
  const dir = tempDir(t, 'smtppolicy-auth-');
  await writePasswordFile(dir, { [USER]: PASSWORD, 'other@example.test': 'other-password' });
  const config = abuseConfig(dir, {
    auth: { mechanisms: [mechanismConfig('PLAIN'), mechanismConfig('LOGIN')], anonymous: true, senderMustMatch: false, source: src(30) },
    limits: { authFailures: LIMIT, authFailureWindowMs: 60_000, maxConnectionsPerAddress },
  }, { userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }] });
  return runServer(t, config, { dir });
}

/** Password checks the server made (each logged once, accepted or refused). */
const passwordChecks = (running: RunningServer, from: string) => running.logs.filter((l) => l.event === 'auth' && l.client === from);

test('guesses over many sessions from one address: slowed, then 421 and no more password checks', { timeout: 30000 }, async (t) => {
  const running = await authServer(t);
  const replies: string[] = [];
  for (let i = 0; i < 6; i++) {
    const client = await greetedClient(t, running.port(), '127.0.0.80');
    const reply = await client.command(`AUTH PLAIN ${plainAuth(USER, `guess-${i}`)}`, 15000);
    replies.push(reply?.text ?? 'closed');
    client.close();
  }
  assert.match(replies[0]!, /^535 5\.7\.8 /);
  assert.match(replies[1]!, /^535 5\.7\.8 /);
  for (const reply of replies.slice(2)) assert.match(reply, /^421 4\.7\.0 .*too many failed authentication attempts/);
  assert.equal(passwordChecks(running, '127.0.0.80').length, LIMIT, 'after the limit no password is even checked');
  // even the right password is refused from the locked-out address within the window
  const again = await greetedClient(t, running.port(), '127.0.0.80');
  assert.match((await again.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^421 4\.7\.0 /);
  assert.equal(passwordChecks(running, '127.0.0.80').length, LIMIT);
});

test('guesses fired in parallel sessions from one address get no more than the limit of password checks', { timeout: 30000 }, async (t) => {
  const running = await authServer(t, 10);
  const clients = await Promise.all(Array.from({ length: 10 }, () => greetedClient(t, running.port(), '127.0.0.81')));
  const replies = await Promise.all(clients.map((c, i) => c.command(`AUTH PLAIN ${plainAuth(USER, `parallel-${i}`)}`, 20000)));
  const codes = replies.map((r) => r?.code);
  assert.equal(codes.filter((c) => c === 235).length, 0);
  assert.ok(codes.every((c) => c === 535 || c === 421), codes.join(','));
  assert.ok(passwordChecks(running, '127.0.0.81').length <= LIMIT, `${passwordChecks(running, '127.0.0.81').length} password checks for a limit of ${LIMIT}`);
  assert.equal(codes.filter((c) => c === 421).length >= 10 - LIMIT, true, codes.join(','));
});

test('many user names from one address are locked out per address; LOGIN counts like PLAIN', { timeout: 30000 }, async (t) => {
  const running = await authServer(t);
  const client = await greetedClient(t, running.port(), '127.0.0.82');
  assert.match((await client.command(`AUTH PLAIN ${plainAuth('alice@example.test', 'x')}`, 15000))?.text ?? '', /^535 /);
  assert.match((await client.command(`AUTH PLAIN ${plainAuth('bob@example.test', 'x')}`, 15000))?.text ?? '', /^535 /);
  assert.equal((await client.command('AUTH LOGIN'))?.code, 334);
  assert.equal((await client.command(Buffer.from('carol@example.test').toString('base64')))?.code, 334);
  assert.match((await client.command(Buffer.from('x').toString('base64'), 15000))?.text ?? '', /^421 4\.7\.0 /);
  await client.waitClosed();
  const other = await greetedClient(t, running.port(), '127.0.0.82');
  assert.match((await other.command(`AUTH PLAIN ${plainAuth('other@example.test', 'other-password')}`))?.text ?? '', /^421 4\.7\.0 /, 'the whole address is locked out');
});

test('no denial of service by lockout: guessing one user from many addresses leaves the user able to log in from theirs', { timeout: 60000 }, async (t) => {
  const running = await authServer(t);
  // an attacker spread over 4 addresses spends each address's budget on the user
  await Promise.all(['127.0.0.90', '127.0.0.91', '127.0.0.92', '127.0.0.93'].map(async (address) => {
    const client = await greetedClient(t, running.port(), address);
    for (let i = 0; i < LIMIT; i++) {
      const reply = await client.command(`AUTH PLAIN ${plainAuth(USER, `spread-${address}-${i}`)}`, 20000);
      assert.ok(reply && [535, 421].includes(reply.code), reply?.text);
      // locked out (per address, or as one more network guessing at a user under attack)
      if (reply.code === 421) break;
    }
    await client.waitClosed();
  }));
  // every attacker address is now locked out…
  const locked = await greetedClient(t, running.port(), '127.0.0.90');
  assert.match((await locked.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^421 4\.7\.0 /);
  // …but the user, from their own address, logs in and sends mail
  const owner = await greetedClient(t, running.port(), '127.0.0.99');
  assert.match((await owner.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^235 2\.7\.0 /);
  assert.equal((await owner.command(`MAIL FROM:<${USER}>`))?.code, 250);
  assert.equal((await owner.command('RCPT TO:<someone@outside.example>'))?.code, 250, 'authenticated relay works');
  // and a success does not reset the attacker's lockout
  const stillLocked = await greetedClient(t, running.port(), '127.0.0.91');
  assert.match((await stillLocked.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^421 4\.7\.0 /);
});

test('guessing one user from 15 addresses with the default limits: bounded per user, and the real user still logs in', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-auth-');
  await writePasswordFile(dir, { [USER]: PASSWORD });
  // the default limits: 5 failures per window of 15 minutes
  const running = await runServer(t, abuseConfig(dir, {
    auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) },
  }, { userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }] }), { dir });
  const limit = 5;
  const port = running.port();
  // the user logged in from their usual address before the attack
  const usual = await greetedClient(t, port, '127.0.41.2');
  assert.equal((await usual.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.code, 235);
  usual.close();

  // 60 guesses: 4 from each of 15 addresses, each address guessing in its own sessions
  const attackers = Array.from({ length: 15 }, (_, i) => `127.0.40.${i + 1}`);
  const replies: number[] = [];
  await Promise.all(attackers.map(async (address) => {
    for (let i = 0; i < 4; i++) {
      const client = await greetedClient(t, port, address);
      replies.push((await client.command(`AUTH PLAIN ${plainAuth(USER, `guess-${address}-${i}`)}`, 20000))?.code ?? 0);
      client.close();
    }
  }));
  const checked = running.logs.filter((l) => l.event === 'auth' && attackers.includes(String(l.client))).length;
  t.diagnostic(`${checked} of 60 distributed guesses were checked (bound: ${limit} + 15 - 1)`);
  assert.equal(replies.length, 60);
  assert.ok(replies.every((code) => code === 535 || code === 421), replies.join(','));
  assert.ok(checked <= limit + attackers.length - 1, `${checked} password checks`);

  // the real user: from a fresh address, and from their usual one even after a typo
  const fresh = await greetedClient(t, port, '127.0.41.1');
  assert.match((await fresh.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^235 2\.7\.0 /);
  const own = await greetedClient(t, port, '127.0.41.2');
  assert.match((await own.command(`AUTH PLAIN ${plainAuth(USER, 'typo')}`, 20000))?.text ?? '', /^535 5\.7\.8 /);
  assert.match((await own.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^235 2\.7\.0 /);
  // while a guessing address stays refused without a check, even with the right password
  const guesser = await greetedClient(t, port, attackers[0]!);
  assert.match((await guesser.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`))?.text ?? '', /^421 4\.7\.0 /);
});
