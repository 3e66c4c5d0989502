// The smart host is down (connection refused) or hung (accepts TCP, never greets) while the
// server runs with its delivery worker: clients still get 250 for relayed mail (it is
// queued, not lost), local mail is delivered meanwhile, the queue says why relayed mail
// waits, and once the smart host is back every message arrives exactly once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeRuntimeConfig, cidrItem, domainItem, src } from '../../runtime/fixtures/config-builder.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startSmarthost, waitFor } from '../../runtime/delivery/helpers/smarthost-fixture.js';

/** A TCP listener that accepts and says nothing: a hung smart host. Returns its port. */
async function hungListener(t: TestContext): Promise<{ server: Server; port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  t.after(close);
  return { server, port, connections: () => connections, close };
}

const SMARTHOST_TIMEOUT_MS = 4000;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function send(t: TestContext, port: number, rcpt: string, subject: string) {
  const client = await RawSmtpClient.connect({ port, localAddress: '127.0.0.5' });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  assert.equal((await client.command('EHLO client.test'))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<sender@client.test>'))?.code, 250);
  const to = await client.command(`RCPT TO:<${rcpt}>`);
  assert.equal(to?.code, 250, to?.text);
  assert.equal((await client.command('DATA'))?.code, 354);
  const queued = await client.command(`Subject: ${subject}\r\nMessage-ID: <${subject}@client.test>\r\n\r\nbody of ${subject}\r\n.`);
  await client.command('QUIT');
  return queued;
}

function maildirMessages(maildir: string, domain: string, user: string): string[] {
  const folder = join(maildir, domain, user, 'new');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8'));
}

for (const fault of ['down', 'hung'] as const) {
  test(`smart host ${fault}: relayed mail is acknowledged and queued with the reason, local mail still delivered, all delivered once when it is back`, { timeout: 40_000 }, async (t) => {
    const hung = fault === 'hung' ? await hungListener(t) : undefined;
    const port = hung?.port ?? await closedPort();
    const dir = tempDir(t, 'smtppolicy-smarthost-fault-');
    const config = makeRuntimeConfig({
      storageDir: dir,
      servers: [{
        relay: { anyone: false, authenticated: true, entries: [cidrItem('127.0.0.5/32', src(61))], source: src(60) },
        localDomains: [domainItem('example.test', src(70))],
        relayTo: { kind: 'smarthost', host: '127.0.0.1', port, tls: 'none', verifyCertificate: true, user: null, password: null, source: src(40) },
      }],
    });
    const running = await runServer(t, config, { dir, delivery: true, pollIntervalMs: 100, smarthostTimeoutMs: SMARTHOST_TIMEOUT_MS });
    const smtpPort = running.port();
    const spool = running.handle.spool;

    // more relayed messages than the worker delivers at once (4), all queued before the local one
    const relayed = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const subject of relayed) {
      const reply = await send(t, smtpPort, `bob@remote.test`, subject);
      assert.equal(reply?.code, 250, reply?.text);
    }
    // local delivery goes on while relayed mail waits: it does not queue behind smart-host attempts
    assert.equal((await send(t, smtpPort, 'alice@example.test', 'local'))?.code, 250);
    const localSent = performance.now();
    const local = await waitFor('local delivery', () => {
      const found = maildirMessages(join(dir, 'mail'), 'example.test', 'alice');
      return found.length > 0 ? found : undefined;
    }, 15_000);
    const localMs = performance.now() - localSent;
    assert.ok(localMs < SMARTHOST_TIMEOUT_MS / 2, `local delivery waited ${Math.round(localMs)} ms behind the smart host`);
    assert.equal(local.length, 1);
    assert.match(local[0]!, /Subject: local/);

    // every relayed message is deferred with a reason an operator can act on
    const deferred = await waitFor('three deferrals', async () => {
      const states = await Promise.all((await spool.ids()).map((id) => spool.readState(id)));
      const errors = states.map((s) => s?.recipients[0]?.lastError).filter((e) => e !== undefined && e !== null);
      return errors.length === relayed.length ? errors : undefined;
    }, 20_000);
    for (const error of deferred) {
      assert.match(error!.status, /^4\./);
      assert.match(error!.diagnostic, new RegExp(`127\\.0\\.0\\.1:${port}`));
    }
    await waitFor('only the relayed messages to stay queued', async () => (await spool.count()) === relayed.length);
    if (hung) assert.ok(hung.connections() >= 1, 'the worker did try the hung smart host');

    // the server still accepts while the smart host is unreachable
    assert.equal((await send(t, smtpPort, 'carol@remote.test', 'seven'))?.code, 250);

    // the smart host comes back (on the same port) and the operator asks for a retry
    if (hung) await hung.close();
    const smarthost = await startSmarthost({ port });
    t.after(() => smarthost.close());
    await spool.requestRetry('all');
    await waitFor('the queue to empty', async () => (await spool.count()) === 0, 20_000);

    const subjects = smarthost.received.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]).sort();
    assert.deepEqual(subjects, [...relayed, 'seven'].sort(), 'each relayed message exactly once');
    for (const message of smarthost.received) {
      assert.equal(message.from, 'sender@client.test');
      assert.equal(message.to.length, 1);
      assert.match(message.raw.toString(), /\r\n\r\nbody of /);
    }
    assert.equal(maildirMessages(join(dir, 'mail'), 'example.test', 'alice').length, 1, 'the local message was not delivered twice');

    // an operator watching /metrics sees the same story: one local delivery, relayed mail
    // deferred while the smart host was away, then delivered, each attempt timed
    const metrics = await running.handle.metrics.registry.metrics();
    const count = (route: string, outcome: string) =>
      Number(new RegExp(`^smtppolicy_deliveries_total\\{route="${route}",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    assert.equal(count('local', 'delivered'), 1);
    assert.equal(count('relay', 'delivered'), relayed.length + 1);
    assert.ok(count('relay', 'deferred') >= relayed.length, `every relayed message was deferred at least once:\n${metrics}`);
    assert.equal(count('relay', 'failed'), 0);
    assert.match(metrics, /^smtppolicy_delivery_attempt_seconds_count\{route="local"\} 1$/m);
    assert.ok(running.logs.some((l) => l.event === 'delivery-deferred' && l.route === 'relay'));
  });
}
