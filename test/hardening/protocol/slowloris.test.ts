// Slowloris with the DEFAULT limits (100 slots, 10 per address, 5 min idle): 1,000
// connections from 100 addresses of one /24 trickle one byte at a time, a command that never
// ends, and reconnect whenever they are refused or cut. A real client from another network
// must still deliver a message within 2 s: the per-network limit keeps the attacker to a
// fifth of the slots however many of its addresses it uses. The attacker runs in a child
// process at a lower priority (slowloris-attacker.ts): a remote one would not take the
// server's CPU time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, openTransaction, spooled, waitUntil } from './abuse-helpers.js';
import type { AttackReport } from './slowloris-attacker.js';

const ADDRESSES = 100;
const PER_ADDRESS = 10;
/** The attacker's reconnections are bounded so that the test ends whatever the server does. */
const MAX_ATTEMPTS = 20_000;

test('1,000 slow clients from 100 addresses with the default limits: a real client from another network delivers within 2 s', { timeout: 60000 }, async (t) => {
  const running = await startAbuseServer(t);
  const port = running.port();
  // at a lower CPU priority: a remote attacker's own work does not slow the server down
  const attacker = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', fileURLToPath(new URL('./slowloris-attacker.ts', import.meta.url)),
    ...[port, ADDRESSES, PER_ADDRESS, MAX_ATTEMPTS].map(String)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  t.after(() => attacker.kill());
  let report: AttackReport = { attempts: 0, greeted: 0, refusals: [] };
  attacker.on('message', (message) => (report = message as AttackReport));
  // the attacker holds what it can and has started reconnecting its refused clients
  await waitUntil('the attacker to hold every slot it can get and reconnect', () => report.greeted >= 20 && report.attempts >= 1100, 40000);
  const attemptsBefore = report.attempts;

  // the real client, from a fresh address of another network, while the attack goes on
  const started = Date.now();
  const normal = await openTransaction(t, port, '127.0.2.1');
  assert.equal((await normal.command('DATA'))?.code, 354);
  assert.match((await normal.command('Subject: hello\r\n\r\nserved\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  const servedMs = Date.now() - started;
  assert.equal((await normal.command('QUIT'))?.code, 221);
  const held = report.greeted;
  const stopped = new Promise<void>((resolve) => attacker.once('disconnect', resolve));
  attacker.send('stop');
  await stopped;
  t.diagnostic(`real client delivered in ${servedMs} ms; the attacker held ${held} sessions after ${report.attempts} connection attempts (${report.attempts - attemptsBefore} during the delivery and the stop)`);
  assert.ok(servedMs < 2000, `the real client took ${servedMs} ms`);

  // the attacker holds one network's share of the slots (a fifth) and is told why it gets no more
  assert.ok(held <= 20, `the attacker's /24 holds ${held} sessions`);
  assert.ok(report.refusals.every((r) => /^421 4\.7\.0 .*too many connections from 127\.0\.1\.0\/24$/.test(r)), report.refusals[0]);
  assert.ok(running.logs.some((l) => l.event === 'refused' && l.reason === 'max-connections-per-network'), 'refusals are logged with their reason');
  assert.equal((await spooled(running)).length, 1, 'only the real client\'s message was stored');
});

test('a client that keeps the session busy with complete commands is still cut at the whole-session deadline', { timeout: 20000 }, async (t) => {
  const SESSION_MS = 2500;
  const running = await startAbuseServer(t, { limits: { idleTimeoutMs: 1000, sessionTimeoutMs: SESSION_MS } });
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.3' });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  const started = Date.now();
  // a NOOP every 300 ms restarts the idle timer each time: only the session deadline can end this
  let last: string | undefined;
  while (Date.now() - started < SESSION_MS + 5000) {
    // the 421 comes unasked, between two NOOPs: read it before sending another
    last = client.closed ? (await client.read())?.text : (await client.command('NOOP', 5000))?.text;
    if (!last || !/^250 /.test(last)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const endedAfter = Date.now() - started;
  assert.match(last ?? '', /^421 4\.4\.2 .*session time limit exceeded$/);
  assert.ok(endedAfter >= SESSION_MS - 100, `cut after ${endedAfter} ms, before the deadline`);
  await client.waitClosed();
  assert.ok(running.logs.some((l) => l.event === 'timeout' && l.kind === 'session' && l.client === '127.0.0.3'), 'the cut is logged with its kind');
});
