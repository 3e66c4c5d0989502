// The spool disk fills up while the server runs (a small tmpfs mounted over the spool
// folder): the client whose message does not fit gets 452 4.3.1 and nothing of it is
// stored, the session and the server keep serving, operators see it in the log and the
// metrics, and once space is freed the same running server accepts again. The Maildir disk
// filling up defers local delivery instead of bouncing or half-delivering.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { makeRuntimeConfig, domainItem, src } from '../../runtime/fixtures/config-builder.js';
import { runServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { waitFor } from '../../runtime/delivery/helpers/smarthost-fixture.js';

/** Mounts a tmpfs of `size` at dir; on a machine that cannot, skips (fails under CI=true). */
function mountTmpfs(t: TestContext, dir: string, size: string): boolean {
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    const message = `cannot mount a tmpfs (needs root): ${mounted.stderr?.trim() || mounted.error?.message}`;
    if (process.env.CI === 'true') throw new Error(message);
    t.skip(message);
    return false;
  }
  t.after(() => {
    spawnSync('umount', ['-l', dir]);
  });
  return true;
}

async function send(client: RawSmtpClient, rcpt: string, body: string) {
  const mail = await client.command('MAIL FROM:<sender@client.test>');
  assert.equal(mail?.code, 250, mail?.text);
  const to = await client.command(`RCPT TO:<${rcpt}>`);
  assert.equal(to?.code, 250, to?.text);
  const data = await client.command('DATA');
  assert.equal(data?.code, 354, data?.text);
  return client.command(`${body}\r\n.`, 10_000);
}

function message(subject: string, size: number): string {
  const line = `${subject} `.padEnd(76, 'x');
  const lines = Array.from({ length: Math.ceil(size / 78) }, () => line);
  return `Subject: ${subject}\r\nMessage-ID: <${subject}@client.test>\r\n\r\n${lines.join('\r\n')}`;
}

test('spool disk full while running: 452 4.3.1, nothing partial stored, the server keeps serving and recovers when space is freed', { timeout: 30_000 }, async (t) => {
  // not tempDir(): the tmpfs must be unmounted before the folder is removed
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-spool-full-'));
  const spoolDir = join(dir, 'spool');
  mkdirSync(spoolDir);
  const mounted = mountTmpfs(t, spoolDir, '512k');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  if (!mounted) return;
  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [{ localDomains: [domainItem('example.test', src(70))] }],
  });
  const running = await runServer(t, config, { dir });
  const port = running.port();
  const connect = async (localAddress: string) => {
    const client = await RawSmtpClient.connect({ port, localAddress });
    t.after(() => client.close());
    assert.equal((await client.read())?.code, 220);
    assert.equal((await client.command('EHLO client.test'))?.code, 250);
    return client;
  };

  const first = await connect('127.0.0.2');
  const before = await send(first, 'alice@example.test', message('before', 1000));
  assert.equal(before?.code, 250, before?.text);

  // fill the disk behind the server's back, leaving less room than the next message needs
  const filler = join(spoolDir, 'filler');
  writeFileSync(filler, Buffer.alloc(512 * 1024 - 64 * 1024));

  const tooBig = await send(first, 'alice@example.test', message('does-not-fit', 150 * 1024));
  assert.equal(tooBig?.code, 452, tooBig?.text);
  assert.match(tooBig!.text, /^452 4\.3\.1 Insufficient system storage$/);

  // the same session goes on: a message that fits is accepted
  const small = await send(first, 'alice@example.test', message('fits', 2000));
  assert.equal(small?.code, 250, small?.text);

  // a new client is served meanwhile
  const second = await connect('127.0.0.3');
  const other = await send(second, 'bob@example.test', message('other-client', 1000));
  assert.equal(other?.code, 250, other?.text);
  const stillTooBig = await send(second, 'bob@example.test', message('still-no-room', 150 * 1024));
  assert.equal(stillTooBig?.code, 452, stillTooBig?.text);

  // space comes back: the running server accepts the big message without a restart
  rmSync(filler);
  const after = await send(second, 'bob@example.test', message('after-space-freed', 150 * 1024));
  assert.equal(after?.code, 250, after?.text);
  assert.equal((await first.command('QUIT'))?.code, 221);
  assert.equal((await second.command('QUIT'))?.code, 221);

  // what was stored: exactly the four acknowledged messages, complete, and no leftovers
  const ids = await running.handle.spool.ids();
  const texts = await Promise.all(ids.map(async (id) => (await running.handle.spool.readMessage(id)).toString('utf8')));
  const subjects = texts.map((text) => /^Subject: (.*)$/m.exec(text)?.[1]).sort();
  assert.deepEqual(subjects, ['after-space-freed', 'before', 'fits', 'other-client']);
  for (const stored of texts) {
    const subject = /^Subject: (.*)$/m.exec(stored)![1]!;
    const size = subject === 'after-space-freed' ? 150 * 1024 : subject === 'fits' ? 2000 : 1000;
    assert.ok(stored.endsWith(`${message(subject, size)}\r\n`), `${subject} is stored complete`);
  }
  assert.deepEqual(readdirSync(join(spoolDir, 'tmp')), [], 'no half-written file left in tmp/');
  assert.equal(readdirSync(join(spoolDir, 'queue')).length, ids.length, 'only committed messages in queue/');

  // what operators see
  const failures = running.logs.filter((l) => l.event === 'spool-failure');
  assert.equal(failures.length, 2);
  assert.match(String(failures[0]!.error), /ENOSPC|no space/i);
  const metrics = await running.handle.metrics.registry.metrics();
  assert.match(metrics, /smtppolicy_messages_refused_total\{server="default",reason="spool-failure"\} 2/);
  assert.match(metrics, /smtppolicy_messages_accepted_total\{server="default"\} 4/);
});

test('Maildir disk full: local delivery is deferred, nothing partial in the mailbox, delivered exactly once when space returns', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-maildir-full-'));
  const maildir = join(dir, 'mail');
  mkdirSync(maildir);
  const mounted = mountTmpfs(t, maildir, '256k');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  if (!mounted) return;
  const config = makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test', src(70))] }] });
  const running = await runServer(t, config, { dir, delivery: true, pollIntervalMs: 50 });
  const filler = join(maildir, 'filler');
  writeFileSync(filler, Buffer.alloc(256 * 1024 - 32 * 1024));

  const client = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  assert.equal((await client.command('EHLO client.test'))?.code, 250);
  const queued = await send(client, 'alice@example.test', message('big-local', 100 * 1024));
  assert.equal(queued?.code, 250, 'the spool has room: the message is acknowledged');
  await client.command('QUIT');

  const spool = running.handle.spool;
  const [id] = await spool.ids();
  const deferred = await waitFor('a deferral', async () => (await spool.readState(id!))?.recipients[0]?.lastError ?? undefined, 10_000);
  assert.equal(deferred.status, '4.3.0');
  assert.match(deferred.diagnostic, /ENOSPC|no space/i);
  const mailbox = join(maildir, 'example.test', 'alice');
  assert.deepEqual(readdirSync(join(mailbox, 'new')), [], 'nothing half-delivered');
  assert.deepEqual(readdirSync(join(mailbox, 'tmp')), [], 'no partial file left behind');
  assert.equal(await spool.count(), 1, 'the message stays queued, not bounced');

  rmSync(filler);
  await spool.requestRetry('all');
  await waitFor('the queue to empty', async () => (await spool.count()) === 0, 10_000);
  const delivered = readdirSync(join(mailbox, 'new'));
  assert.equal(delivered.length, 1);
  assert.ok(readFileSync(join(mailbox, 'new', delivered[0]!), 'utf8').endsWith(`${message('big-local', 100 * 1024)}\r\n`));
});
