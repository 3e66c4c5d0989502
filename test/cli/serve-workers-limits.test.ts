// `serve --workers 2`: the limits of the policy hold for the host, not per worker. Every
// slot and failed-login decision is the primary's (runtime/state), so a per-address limit of
// 5 admits exactly 5 of 20 simultaneous connections whichever worker each one reaches, and
// failed logins counted on one worker lock the address out on the other. Each test checks
// that both workers took part, or it would prove nothing about sharing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mechanismConfig, src } from '../runtime/fixtures/config-builder.js';
import { plainAuth, type RawSmtpClient } from '../helpers/smtp-client.js';
import { writePasswordFile } from '../helpers/password-file.js';
import { connectFrom, startWorkers, workersThatSaw } from '../helpers/workers-fixture.js';

test('a per-address limit of 5 holds exactly across 2 workers: 20 simultaneous connections, 5 greeted, 15 get 421 4.7.0', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t, { server: { limits: { maxConnectionsPerAddress: 5 } } });
  const client = '127.0.22.10';
  const clients = await Promise.all(Array.from({ length: 20 }, () => connectFrom(t, server, client)));
  const first = await Promise.all(clients.map((c) => c.read(60_000)));
  const greeted = clients.filter((_, i) => first[i]?.code === 220);
  const refused = first.filter((r) => r?.code === 421);
  assert.equal(greeted.length, 5, `greeted: ${first.map((r) => r?.text ?? 'closed').join(' | ')}`);
  assert.equal(refused.length, 15);
  for (const reply of refused) assert.match(reply!.text, /^421 4\.7\.0 .*too many connections from 127\.0\.22\.10/);
  // 5 accepted at connect, 15 refused: 20 lines, each from the worker that had the connection
  const accepted = await workersThatSaw(server, client, 'decision', 5);
  const refusing = await workersThatSaw(server, client, 'refused', 15);
  assert.equal(new Set([...accepted, ...refusing]).size, 2, 'both workers handled connections of the client');

  // the slots come free when the sessions end, whichever worker held them
  for (const c of greeted) assert.equal((await c.command('QUIT', 30_000))?.code, 221);
  let again: RawSmtpClient[] = [];
  for (const deadline = Date.now() + 60_000; ;) {
    again = await Promise.all(Array.from({ length: 5 }, () => connectFrom(t, server, client)));
    const replies = await Promise.all(again.map((c) => c.read(60_000)));
    if (replies.every((r) => r?.code === 220)) break;
    for (const c of again) c.close();
    assert.ok(Date.now() < deadline, `the 5 slots were not released: ${replies.map((r) => r?.text).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const sixth = await connectFrom(t, server, client);
  assert.match((await sixth.read(60_000))?.text ?? 'closed', /^421 4\.7\.0 /);
});

test('failed logins are counted for the host: 5 failures spread over 2 workers lock the address out on both (default limits)', { timeout: 240_000 }, async (t) => {
  const user = 'demo@example.test';
  const password = 'correct horse battery staple';
  const server = await startWorkers(t, {
    prepare: async (dir) => void await writePasswordFile(dir, { [user]: password }),
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    server: { auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) } },
  });
  const guesser = '127.0.22.20';
  const replies: string[] = [];
  // one session per guess: the primary hands them to the workers in turn
  for (let i = 0; i < 5; i++) {
    const client = await connectFrom(t, server, guesser);
    assert.equal((await client.read(60_000))?.code, 220);
    assert.equal((await client.command('EHLO guesser.example', 30_000))?.code, 250);
    replies.push((await client.command(`AUTH PLAIN ${plainAuth(user, `guess-${i}`)}`, 60_000))?.text ?? 'closed');
    client.close();
  }
  for (const reply of replies.slice(0, 4)) assert.match(reply, /^535 5\.7\.8 /);
  assert.match(replies[4]!, /^421 4\.7\.0 .*too many failed authentication attempts/);
  assert.equal((await workersThatSaw(server, guesser, 'auth', 5)).size, 2, 'both workers checked passwords of the guesser');

  // every worker refuses AUTH from the address now, before any password check
  const checks = server.serve.logs.filter((l) => l.event === 'auth' && l.client === guesser).length;
  for (let i = 0; i < 4; i++) {
    const client = await connectFrom(t, server, guesser);
    assert.equal((await client.read(60_000))?.code, 220);
    assert.equal((await client.command('EHLO guesser.example', 30_000))?.code, 250);
    assert.match((await client.command(`AUTH PLAIN ${plainAuth(user, password)}`, 60_000))?.text ?? 'closed', /^421 4\.7\.0 /);
    client.close();
  }
  assert.equal((await workersThatSaw(server, guesser, 'auth-locked-out', 4)).size, 2, 'both workers refused the locked-out address');
  assert.equal(server.serve.logs.filter((l) => l.event === 'auth' && l.client === guesser).length, checks, 'no password was checked after the lockout');

  // the lockout is the guesser's: the user still logs in from an address that never guessed
  const owner = await connectFrom(t, server, '127.0.22.21');
  assert.equal((await owner.read(60_000))?.code, 220);
  assert.equal((await owner.command('EHLO owner.example', 30_000))?.code, 250);
  assert.match((await owner.command(`AUTH PLAIN ${plainAuth(user, password)}`, 60_000))?.text ?? 'closed', /^235 /);
});
