// `smtppolicy serve` and the signals an operator (or an init system) sends at awkward
// moments: SIGHUP while the server is still starting must not kill it (the reload is queued),
// and a second SIGTERM/SIGINT during a drain or a start stops at once, exit code 1.
//
// A start-up is held open on purpose by a password file that is a named pipe: the server
// waits reading it (without blocking its event loop) until the test writes the users.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { open, readFile, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeRuntimeConfig, mechanismConfig, src } from '../runtime/fixtures/config-builder.js';
import { tempDir } from '../helpers/server-fixture.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { writePasswordFile } from '../helpers/password-file.js';
import { freePort, spawnCli, type ServeProcess } from '../helpers/serve-process.js';
import { requireTool } from '../helpers/tools.js';

async function writeConfig(dir: string, port: number): Promise<string> {
  const config = makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    servers: [{
      listen: [{ address: '127.0.0.1', port, tlsMode: 'starttls', source: src(11) }],
      auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) },
    }],
  });
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** A server whose start waits on users.passwd, a symlink to a named pipe nobody writes yet. */
async function serveHeldAtStart(t: TestContext, extraArgs: string[] = []) {
  if (!requireTool(t, 'mkfifo', 'coreutils')) return null;
  const dir = tempDir(t, 'smtppolicy-signals-');
  const port = await freePort();
  const fifo = join(dir, 'users.fifo');
  execFileSync('mkfifo', [fifo]);
  await symlink(fifo, join(dir, 'users.passwd'));
  const file = await writeConfig(dir, port);
  const serve = spawnCli(t, ['serve', file, ...extraArgs]);
  await serve.waitForLog((l) => l.event === 'starting', 'the start of serve');
  return { dir, port, fifo, serve };
}

/**
 * Lets a held start go on: once the server has the pipe open (opening its write end without
 * blocking fails until there is a reader), users.passwd becomes a regular file for the
 * reloads to come, and the pipe delivers the same users.
 */
async function releaseStart(dir: string, fifo: string): Promise<void> {
  const real = await writePasswordFile(dir, { 'demo@example.test': 'secret' }, 'users.real');
  let writer;
  for (const deadline = Date.now() + 20_000; !writer;) {
    try {
      writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const users = await readFile(real);
  await rename(real, join(dir, 'users.passwd'));
  await writer.write(users);
  await writer.close();
}

function stillRunning(serve: ServeProcess): boolean {
  return serve.child.exitCode === null && serve.child.signalCode === null;
}

test('SIGHUP while the server is still starting is queued, not fatal: the reload runs once it has started', { timeout: 60_000 }, async (t) => {
  const held = await serveHeldAtStart(t);
  if (!held) return;
  const { dir, port, fifo, serve } = held;
  serve.child.kill('SIGHUP');
  serve.child.kill('SIGHUP');
  const queued = await serve.waitForLog((l) => l.event === 'signal' && l.signal === 'SIGHUP', 'the SIGHUP to be noted');
  assert.equal(queued.queued, true);
  assert.ok(stillRunning(serve), 'SIGHUP during the start did not end the process');
  assert.equal(serve.logs.filter((l) => l.event === 'listening').length, 0, 'the start is still held');

  await releaseStart(dir, fifo);
  await serve.waitListening(1);
  await serve.waitForLog((l) => l.event === 'reloaded', 'the queued reload');
  // the serving process's line (with --workers, each worker logs its own reload as well)
  assert.equal(serve.logs.filter((l) => l.event === 'reloaded' && l.worker === undefined).length, 1, 'two queued SIGHUPs make one reload');
  const client = await RawSmtpClient.connect({ port, localAddress: '127.0.0.35' });
  t.after(() => client.close());
  assert.match((await client.read(15_000))?.text ?? '', /^220 /);
  client.close();

  serve.child.kill('SIGTERM');
  assert.deepEqual(await serve.exited, { code: 0, signal: null });
});

test('SIGTERM while starting waits for the start; a second one exits 1 at once', { timeout: 60_000 }, async (t) => {
  const held = await serveHeldAtStart(t);
  if (!held) return;
  const { serve, fifo } = held;
  serve.child.kill('SIGTERM');
  await serve.waitForLog((l) => l.event === 'signal' && l.signal === 'SIGTERM' && l.queued === true, 'the first SIGTERM to be queued');
  assert.ok(stillRunning(serve));
  serve.child.kill('SIGINT');
  await serve.waitForLog((l) => l.event === 'signal' && l.signal === 'SIGINT' && l.forced === true, 'the forced stop');
  // Node's exit waits for its I/O threads, and one may still sit in open() on the pipe: a
  // writer that comes and goes lets it return (a real start is not blocked forever)
  await (await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null))?.close();
  assert.deepEqual(await serve.exited, { code: 1, signal: null });
  assert.ok(serve.logs.some((l) => l.event === 'signal' && l.signal === 'SIGINT' && l.forced === true), 'the forced stop is logged');
  assert.equal(serve.logs.filter((l) => l.event === 'listening').length, 0, 'it never served');
});

test('a second SIGTERM during the drain closes the open session with 421 4.3.2 now and exits 1', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-signals-');
  const port = await freePort();
  await writePasswordFile(dir, { 'demo@example.test': 'secret' });
  const file = await writeConfig(dir, port);
  // a drain timeout no test run would reach: only the second signal can end this drain
  const serve = spawnCli(t, ['serve', file, '--drain-timeout', '600']);
  await serve.waitListening(1);
  const client = await RawSmtpClient.connect({ port, localAddress: '127.0.0.36' });
  t.after(() => client.close());
  assert.equal((await client.read(15_000))?.code, 220);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<a@sender.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<postmaster>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.code, 354);
  client.write('Subject: cut short\r\n\r\nhalf a message\r\n');

  serve.child.kill('SIGTERM');
  await serve.waitForLog((l) => l.event === 'draining', 'draining');
  assert.ok(stillRunning(serve), 'the first SIGTERM drains');
  serve.child.kill('SIGTERM');
  assert.match((await client.read(15_000))?.text ?? '', /^421 4\.3\.2 .*shutting down/);
  assert.deepEqual(await serve.exited, { code: 1, signal: null });
  assert.ok(serve.logs.some((l) => l.event === 'signal' && l.forced === true), 'the forced stop is logged');
  assert.ok(serve.logs.some((l) => l.event === 'sessions-closed' && l.sessions === 1));
  const queued = await readdir(join(dir, 'spool', 'queue')).catch(() => []);
  assert.deepEqual(queued, [], 'the unfinished message was not queued');
});
