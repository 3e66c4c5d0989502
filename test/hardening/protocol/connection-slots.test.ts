// An attacker spread over several networks, with the DEFAULT limits: it can take the open
// slots (nine tenths) but not the ones reserved for clients that sent mail before, and once
// the server is under stress (half of the slots taken) its trickling sessions are cut within
// the stress idle timeout instead of the configured five minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, openTransaction, waitUntil } from './abuse-helpers.js';
import { STRESS_IDLE_MS } from '../../../runtime/smtp/connection-slots.js';

interface Trickler {
  socket: Socket;
  received: string;
  greetedAt: number;
  closedAt: number;
}

/** Greeted, then one byte every 500 ms that never completes a command. */
function trickler(port: number, localAddress: string): Trickler {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  const slow: Trickler = { socket, received: '', greetedAt: 0, closedAt: 0 };
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    slow.received += data;
    if (!slow.greetedAt && /^220 /.test(slow.received)) {
      slow.greetedAt = Date.now();
      // after the greeting: a byte before it would be refused as an early talker
      timer = setInterval(() => socket.write('EHLO slow.example'[sent++ % 17]!), 500);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    clearInterval(timer);
    slow.closedAt = Date.now();
  });
  return slow;
}

async function deliver(t: Parameters<typeof openTransaction>[0], port: number, address: string): Promise<void> {
  const client = await openTransaction(t, port, address);
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.match((await client.command('Subject: hi\r\n\r\nhello\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  assert.equal((await client.command('QUIT'))?.code, 221);
}

test('default limits: slots reserved for known clients, and trickling sessions cut within the stress idle timeout while half of the slots are taken', { timeout: 40000 }, async (t) => {
  const running = await startAbuseServer(t);
  const port = running.port();
  // a client that sent mail before the attack
  await deliver(t, port, '127.0.30.1');

  // 90 trickling sessions from five /24s (two addresses each, nine connections per address)
  const slow: Trickler[] = [];
  t.after(() => slow.forEach((s) => s.socket.destroy()));
  for (let network = 11; network <= 15; network++) {
    for (const host of [1, 2]) for (let k = 0; k < 9; k++) slow.push(trickler(port, `127.0.${network}.${host}`));
  }
  await waitUntil('90 greetings', () => slow.every((s) => s.greetedAt > 0), 15000);
  const attackStarted = Math.min(...slow.map((s) => s.greetedAt));

  // a fresh client finds the server full: the last ten slots are reserved
  const fresh = await RawSmtpClient.connect({ port, localAddress: '127.0.20.1' });
  t.after(() => fresh.close());
  assert.match((await fresh.read())?.text ?? '', /^421 4\.7\.0 .*too many connections$/);
  // the client that sent mail before takes a reserved slot and delivers
  await deliver(t, port, '127.0.30.1');

  // under stress the trickle, which never completes a command, is cut within seconds, until
  // the server is below half of its slots again (then the configured idle timeout applies)
  const open = () => slow.filter((s) => s.closedAt === 0).length;
  await waitUntil('the trickling sessions to be cut down to half of the slots', () => open() < 50, STRESS_IDLE_MS + 10000);
  const cut = slow.filter((s) => s.closedAt > 0);
  const cutAfter = Math.max(...cut.map((s) => s.closedAt)) - attackStarted;
  t.diagnostic(`${cut.length} of 90 trickling sessions cut within ${cutAfter} ms of the first greeting (stress idle timeout ${STRESS_IDLE_MS} ms)`);
  // measured on the server's clock (its log lines): on a loaded machine this process may read
  // a greeting late, which would make a cut look early
  const greeted = new Map(running.logs.filter((l) => l.event === 'decision' && l.stage === 'connect').map((l) => [l.session, Date.parse(String(l.time))]));
  const cuts = running.logs.filter((l) => l.event === 'timeout' && l.kind === 'stress-idle');
  assert.equal(cuts.length, cut.length, 'every cut is logged as a stress timeout');
  for (const line of cuts) {
    const idleMs = Date.parse(String(line.time)) - greeted.get(line.session)!;
    assert.ok(idleMs >= STRESS_IDLE_MS - 5, `a session was cut after ${idleMs} ms, before the stress idle timeout`);
  }
  assert.ok(cut.every((s) => /\r\n421 4\.4\.2 .*timeout exceeded\r\n$/.test(s.received)), 'each was told why');
  await new Promise((r) => setTimeout(r, 1000));
  // a cut frees its slot at once, so exactly 41 go: below half of the slots the other 49
  // keep the configured idle timeout
  assert.equal(open(), 49);

  // and the slots are free again for anyone
  await deliver(t, port, '127.0.20.1');
});

test('below half of the slots there is no stress: an idle session keeps the configured idle timeout', { timeout: 20000 }, async (t) => {
  const running = await startAbuseServer(t);
  const idle = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.21.1' });
  t.after(() => idle.close());
  assert.equal((await idle.read())?.code, 220);
  await new Promise((r) => setTimeout(r, STRESS_IDLE_MS + 1500));
  assert.equal(idle.closed, false, 'still connected after the stress idle timeout');
  assert.equal((await idle.command('NOOP'))?.code, 250);
});
