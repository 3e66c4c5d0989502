// Limits and protocol defences: bare line endings, size, DATA deadline, recipients, per-address
// connections, idle timeout that trickled bytes cannot extend, early talkers, PROXY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRuntimeConfig, domainItem, addressItems, src } from '../fixtures/config-builder.js';
import type { ServerConfigOverrides } from '../fixtures/config-builder.js';
import { runServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

function server(overrides: ServerConfigOverrides = {}) {
  return makeRuntimeConfig({ servers: [{ localDomains: [domainItem('example.test')], ...overrides }] });
}

async function openTransaction(port: number, localAddress = '127.0.0.40'): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  await client.read();
  await client.command('EHLO client.example');
  assert.equal((await client.command('MAIL FROM:<a@outside.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250);
  return client;
}

test('a bare LF in message data (SMTP smuggling) is refused and nothing is queued', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server());
  const client = await openTransaction(running.port());
  t.after(() => client.close());
  assert.equal((await client.command('DATA'))?.code, 354);
  client.write('Subject: x\r\n\r\nbody\n.\nMAIL FROM:<smuggled@outside.example>\r\n.\r\n');
  const reply = await client.read();
  assert.equal(reply?.text, '554 5.5.2 Bare <LF> received; see RFC 5321 2.3.8');
  await client.waitClosed();
  assert.equal(await running.handle.spool.count(), 0);
});

test('a bare LF in a command is refused; with rejectBareLineEndings false it passes', { timeout: 15000 }, async (t) => {
  const strict = await runServer(t, server());
  const a = await RawSmtpClient.connect({ port: strict.port() });
  t.after(() => a.close());
  await a.read();
  a.write('EHLO client.example\n');
  assert.equal((await a.read())?.code, 554);
  const lenient = await runServer(t, server({ rejectBareLineEndings: false }));
  const b = await RawSmtpClient.connect({ port: lenient.port() });
  t.after(() => b.close());
  await b.read();
  b.write('EHLO client.example\n');
  assert.equal((await b.read())?.code, 250);
});

test('a message over the size limit gets 552 5.3.4 and is not queued', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { messageSizeBytes: 1024 } }));
  const client = await openTransaction(running.port());
  t.after(() => client.close());
  await client.command('DATA');
  client.write(`Subject: big\r\n\r\n${'x'.repeat(100)}\r\n`.repeat(50));
  const reply = await client.command('.');
  assert.match(reply!.text, /^552 5\.3\.4 /);
  assert.equal(await running.handle.spool.count(), 0);
  assert.equal((await client.command('NOOP'))?.code, 250, 'the session goes on');
});

test('DATA that outlasts data-timeout gets 421 4.4.2, the session ends and nothing is queued', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { dataTimeoutMs: 500 } }));
  const client = await openTransaction(running.port());
  t.after(() => client.close());
  await client.command('DATA');
  // a line every 100 ms: the client is never idle, but the message never ends
  const trickle = setInterval(() => client.write('Subject: slow\r\n'), 100);
  t.after(() => clearInterval(trickle));
  const reply = await client.read(5000);
  clearInterval(trickle);
  assert.match(reply!.text, /^421 4\.4\.2 \S+ Error: timeout exceeded while receiving the message$/);
  await client.waitClosed();
  assert.equal(await running.handle.spool.count(), 0);
});

test('recipients beyond the limit get 452 4.5.3', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { recipientsPerMessage: 2 } }));
  const client = await openTransaction(running.port());
  t.after(() => client.close());
  assert.equal((await client.command('RCPT TO:<two@example.test>'))?.code, 250);
  const third = await client.command('RCPT TO:<three@example.test>');
  assert.match(third!.text, /^452 4\.5\.3 /);
});

test('connections per address beyond the limit get 421 4.7.0 at connect', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { maxConnectionsPerAddress: 2 } }));
  const clients: RawSmtpClient[] = [];
  t.after(() => clients.forEach((c) => c.close()));
  for (let i = 0; i < 2; i++) {
    const c = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.50' });
    clients.push(c);
    assert.equal((await c.read())?.code, 220);
  }
  const third = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.50' });
  clients.push(third);
  assert.match((await third.read())!.text, /^421 4\.7\.0 .*too many connections from 127\.0\.0\.50/);
  const other = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.51' });
  clients.push(other);
  assert.equal((await other.read())?.code, 220, 'another address is not affected');
});

test('the idle timeout is not extended by trickled bytes (slowloris)', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { idleTimeoutMs: 400 } }));
  const client = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => client.close());
  await client.read();
  const trickle = setInterval(() => client.write('N'), 100);
  t.after(() => clearInterval(trickle));
  const reply = await client.read(3000);
  clearInterval(trickle);
  assert.match(reply!.text, /^421 4\.4\.2 /);
  await client.waitClosed();
});

test('a client that talks before the greeting is refused', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({ limits: { greetingDelayMs: 300 } }));
  const client = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => client.close());
  client.write('EHLO eager.example\r\n');
  const reply = await client.read();
  assert.match(reply!.text, /^554 5\.5\.1 /);
  await client.waitClosed();
  const patient = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => patient.close());
  assert.equal((await patient.read())?.code, 220);
});

test('PROXY headers: refused from untrusted peers, required from trusted ones, honoured for policy', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, server({
    proxyProtocol: addressItems('127.0.0.60/32'),
    connections: { mode: 'deny-list', entries: addressItems('192.0.2.66/32'), source: src(40) },
  }));
  const untrusted = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.61' });
  t.after(() => untrusted.close());
  await untrusted.read();
  assert.match((await untrusted.command('PROXY TCP4 203.0.113.5 127.0.0.1 1234 25'))!.text, /^554 5\.7\.1 /);

  const missing = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.60' });
  t.after(() => missing.close());
  missing.write('EHLO lb.example\r\n');
  await missing.waitClosed();

  const proxied = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.60' });
  t.after(() => proxied.close());
  proxied.write('PROXY TCP4 192.0.2.66 127.0.0.1 1234 25\r\n');
  assert.match((await proxied.read())!.text, /^554 5\.7\.1 /, 'the proxied address is the one the policy sees');
});
