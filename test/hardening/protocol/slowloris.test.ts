// Slowloris: 1,000 connections from 200 addresses trickle one byte every two seconds, a
// command that never ends. A normal client must still be served within a second, the
// per-address limit must hold for a sixth connection, and the trickled bytes must not
// keep the slow sessions alive past the idle timeout (it restarts on complete commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, openTransaction, spooled, waitUntil } from './abuse-helpers.js';

const ADDRESSES = 200;
const PER_ADDRESS = 5;
const IDLE_MS = 8000;

interface Slow {
  socket: Socket;
  replies: string[];
  closed: boolean;
  greetedAt: number;
}

function slowConnection(port: number, localAddress: string): Slow {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  const slow: Slow = { socket, replies: [], closed: false, greetedAt: Infinity };
  let partial = '';
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    const lines = (partial + data).split('\r\n');
    partial = lines.pop()!;
    if (slow.replies.length === 0 && lines.length > 0) slow.greetedAt = Date.now();
    slow.replies.push(...lines);
  });
  socket.on('error', () => {});
  socket.on('close', () => (slow.closed = true));
  return slow;
}

/** 127.0.1.1 … 127.0.1.200, five connections each, in order: the first address fills up first. */
const addressOf = (i: number) => `127.0.1.${Math.floor(i / PER_ADDRESS) + 1}`;

test('1,000 trickling connections: a normal client is served within a second, per-address limits hold, the trickle is cut at the idle timeout', { timeout: 60000 }, async (t) => {
  const running = await startAbuseServer(t, {
    limits: { maxConnections: 1500, maxConnectionsPerAddress: PER_ADDRESS, idleTimeoutMs: IDLE_MS, sessionTimeoutMs: 60_000 },
  });
  const port = running.port();
  const slow: Slow[] = [];
  t.after(() => slow.forEach((s) => s.socket.destroy()));
  for (let i = 0; i < ADDRESSES * PER_ADDRESS; i++) {
    slow.push(slowConnection(port, addressOf(i)));
    if (i === PER_ADDRESS - 1) {
      // the per-address limit holds: a sixth from the first (now full) address is refused
      await waitUntil('the first address\'s greetings', () => slow.every((s) => s.replies.length > 0), 20000);
      const sixth = await RawSmtpClient.connect({ port, localAddress: addressOf(0) });
      t.after(() => sixth.close());
      assert.match((await sixth.read(10000))?.text ?? '', /^421 4\.7\.0 .*too many connections from 127\.0\.1\.1$/);
      await sixth.waitClosed();
    }
    if (i % 100 === 99) await waitUntil('the greetings so far', () => slow.every((s) => s.replies.length > 0), 20000);
  }
  await waitUntil('1,000 greetings', () => slow.every((s) => s.replies.length > 0), 20000);
  const greetedAt = Date.now();
  assert.ok(slow.every((s) => /^220 /.test(s.replies[0]!)), 'all 1,000 are greeted: the limits were raised for them');

  // one byte every two seconds per connection, spread over the interval
  const command = 'EHLO slow.example';
  let tick = 0;
  const trickle = setInterval(() => {
    const byte = command[Math.floor(tick / slow.length) % command.length]!;
    for (let k = 0; k < slow.length / 20; k++, tick++) {
      const s = slow[tick % slow.length]!;
      if (!s.closed) s.socket.write(byte);
    }
  }, 100);
  t.after(() => clearInterval(trickle));

  // a normal client, from elsewhere, is served within a second while they trickle
  await new Promise((r) => setTimeout(r, 1500));
  const started = Date.now();
  const normal = await openTransaction(t, port, '127.0.0.2');
  assert.equal((await normal.command('DATA'))?.code, 354);
  assert.match((await normal.command('Subject: hello\r\n\r\nserved\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  const servedMs = Date.now() - started;
  assert.equal((await normal.command('QUIT'))?.code, 221);
  assert.ok(servedMs < 1000, `the normal client was served in ${servedMs} ms`);
  t.diagnostic(`normal client served in ${servedMs} ms beside 1,000 trickling connections`);
  // every slow session still within its idle time was kept open meanwhile (on a loaded
  // machine the first ones greeted may have reached it while the rest connected)
  const withinIdle = slow.filter((s) => started - s.greetedAt < IDLE_MS - 1000);
  assert.ok(withinIdle.length >= 500, `only ${withinIdle.length} slow connections were within their idle time`);
  assert.ok(withinIdle.every((s) => !s.closed), 'no slow session was dropped before its idle timeout');

  // trickled bytes never complete a command, so the idle timeout ends every slow session
  await waitUntil('every slow session to be closed', () => slow.every((s) => s.closed), IDLE_MS + 15000);
  const closedAfter = Date.now() - greetedAt;
  clearInterval(trickle);
  assert.ok(closedAfter >= IDLE_MS - 200, `closed after ${closedAfter} ms, before the idle timeout`);
  assert.ok(slow.every((s) => s.replies.slice(1).some((l) => /^421 4\.4\.2 .*timeout exceeded/.test(l))), 'each was told why');
  assert.ok(slow.every((s) => s.replies.length === 2), 'and nothing else: no trickled command was ever run');

  // every slot was released: the busy address may connect again
  const after = await RawSmtpClient.connect({ port, localAddress: addressOf(0) });
  t.after(() => after.close());
  assert.equal((await after.read())?.code, 220);
  assert.equal((await spooled(running)).length, 1, 'only the normal client\'s message was stored');
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
