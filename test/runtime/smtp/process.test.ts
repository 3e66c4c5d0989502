// `smtppolicy serve` as an operator runs it: a process that reloads its policy on SIGHUP
// (keeping the running one when the new one is bad), drains on SIGTERM and exits 0, and
// refuses to start with one clear line on stderr when it cannot serve.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeRuntimeConfig, makeTlsConfig, src } from '../fixtures/config-builder.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { freePort, spawnCli } from '../../helpers/serve-process.js';
import { Spool } from '../../../runtime/delivery/spool.js';

function policy(port: number, excluded: string[]): string {
  return `storage {
  spool "spool"
  maildir "mail"
}

server inbound {
  listen 127.0.0.1:${port}
  hostname mx.example.test
  connections except {
${excluded.map((a) => `    ${a}`).join('\n')}
  }
  local-domains example.test
  relay { }
}
`;
}

async function greeting(port: number, localAddress: string): Promise<string> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  try {
    const reply = await client.read(15000);
    return reply?.text ?? '(closed)';
  } finally {
    client.close();
  }
}

/** What a new client gets from a draining server: refused, reset, or a 421 (never a 220). */
async function newSessionWhileDraining(port: number): Promise<string> {
  let client: RawSmtpClient;
  try {
    client = await RawSmtpClient.connect({ port, localAddress: '127.0.0.32' });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  try {
    return (await client.read(15000))?.text ?? 'closed';
  } finally {
    client.close();
  }
}

test('SIGHUP reloads a changed policy for new sessions; a bad policy is refused and the old one kept', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-process-');
  const port = await freePort();
  const file = join(dir, 'policy.smtppolicy');
  await writeFile(file, policy(port, ['127.0.0.66']));
  const serve = spawnCli(t, ['serve', file]);
  await serve.waitListening(1);
  assert.match(await greeting(port, '127.0.0.77'), /^220 mx\.example\.test ESMTP/);

  await writeFile(file, policy(port, ['127.0.0.66', '127.0.0.77']));
  serve.child.kill('SIGHUP');
  await serve.waitForLog((l) => l.event === 'reloaded', 'the reload');
  assert.match(await greeting(port, '127.0.0.77'), /^554 5\.7\.1 /, 'the newly excluded address is refused');
  assert.match(await greeting(port, '127.0.0.78'), /^220 /, 'others are still served');

  await writeFile(file, `${policy(port, ['127.0.0.78'])}\nserver {\n`);
  serve.child.kill('SIGHUP');
  const refused = await serve.waitForLog((l) => l.event === 'reload-refused', 'the refused reload');
  assert.match(String(refused.msg), /reload refused, keeping the running configuration/);
  assert.match(String(refused.error), /policy has errors/);
  // the positions are in the log line itself: a daemon's stderr is often nowhere to be seen
  const positions = refused.diagnostics as { file: string; line: number; column: number; ruleId: string; message: string }[];
  assert.ok(Array.isArray(positions) && positions.length > 0, `no positions in ${JSON.stringify(refused)}`);
  assert.deepEqual(Object.keys(positions[0]!).sort(), ['column', 'file', 'line', 'message', 'ruleId']);
  assert.ok(positions.every((d) => d.file.endsWith('policy.smtppolicy') && d.line >= 1 && d.column >= 1 && d.ruleId === 'syntax'), JSON.stringify(positions));
  assert.equal(serve.stderr(), '', 'nothing of the refused reload goes to stderr');
  assert.match(await greeting(port, '127.0.0.78'), /^220 /, 'the bad policy did not apply');
  assert.match(await greeting(port, '127.0.0.77'), /^554 5\.7\.1 /, 'the running policy is still in force');
  assert.equal(serve.child.exitCode, null, 'still running');
});

/** Starts `serve` as a process and leaves one client in the middle of DATA, for the drain tests. */
async function serveWithSessionInData(t: TestContext, drainSeconds: number, localAddress: string) {
  const dir = tempDir(t, 'smtppolicy-process-');
  const port = await freePort();
  const file = join(dir, 'policy.smtppolicy');
  await writeFile(file, policy(port, []));
  const serve = spawnCli(t, ['serve', file, '--drain-timeout', String(drainSeconds)]);
  await serve.waitListening(1);

  const client = await RawSmtpClient.connect({ port, localAddress });
  t.after(() => client.close());
  assert.equal((await client.read(15000))?.code, 220);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<a@sender.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<box@example.test>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.code, 354);
  return { dir, port, serve, client };
}

test('SIGTERM lets a message in the middle of DATA complete, then the process exits 0 within the drain timeout', { timeout: 90_000 }, async (t) => {
  const { dir, port, serve, client } = await serveWithSessionInData(t, 20, '127.0.0.31');
  client.write('Subject: drained\r\nX-Test: drain\r\n\r\nfirst half\r\n');

  const signalledAt = Date.now();
  serve.child.kill('SIGTERM');
  await serve.waitForLog((l) => l.event === 'draining', 'draining');
  assert.doesNotMatch(await newSessionWhileDraining(port), /^220 /, 'no new sessions while draining');

  client.write('second half\r\n.\r\n');
  assert.match((await client.read(15000))?.text ?? '', /^250 2\.0\.0 Ok: queued as /);
  assert.equal((await client.command('QUIT'))?.code, 221);
  const exit = await serve.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(Date.now() - signalledAt < 20_000, 'exited before the drain deadline');
  const queued = await new Spool(join(dir, 'spool')).ids().catch(() => []);
  const delivered = await readdir(join(dir, 'mail', 'example.test', 'box', 'new')).catch(() => []);
  assert.equal(queued.length + delivered.length, 1, 'the drained message is kept (queued or delivered)');
  assert.ok(serve.logs.some((l) => l.event === 'stopped'));
});

test('startup refusals are I/O errors, exit 2 with one line: a missing certificate, a port in use', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-process-');
  const port = await freePort();
  const missingCert = makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      listen: [{ address: '127.0.0.1', port, tlsMode: 'starttls', source: src(11) }],
      tls: makeTlsConfig({ certificates: [{ certificate: 'tls/missing.crt', key: 'tls/missing.key', serverNames: [], source: src(21) }] }),
    }],
  });
  const certFile = join(dir, 'missing-cert.json');
  await writeFile(certFile, JSON.stringify(missingCert));
  const noCert = spawnCli(t, ['serve', certFile]);
  const noCertExit = await noCert.exited;
  assert.equal(noCertExit.code, 2, 'an I/O error, as the README says');
  const certLines = noCert.stderr().trim().split('\n');
  assert.equal(certLines.length, 1, `one line: ${noCert.stderr()}`);
  assert.match(certLines[0]!, /^smtppolicy serve: .*missing\.crt/);

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const busy = makeRuntimeConfig({ storageDir: dir, servers: [{ listen: [{ address: '127.0.0.1', port, tlsMode: 'starttls', source: src(11) }] }] });
  const busyFile = join(dir, 'busy.json');
  await writeFile(busyFile, JSON.stringify(busy));
  const inUse = spawnCli(t, ['serve', busyFile]);
  const inUseExit = await inUse.exited;
  assert.equal(inUseExit.code, 2, 'an I/O error, as the README says');
  const busyLines = inUse.stderr().trim().split('\n');
  assert.equal(busyLines.length, 1, `one line: ${inUse.stderr()}`);
  assert.match(busyLines[0]!, new RegExp(`^smtppolicy serve: .*cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
  assert.equal(inUse.logs.filter((l) => l.event === 'listening').length, 0, 'nothing was served');
});

test('a policy that declares no server is refused with one line, exit 1: nothing would be served', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-process-');
  const file = join(dir, 'lists.smtppolicy');
  await writeFile(file, 'list partners { 192.0.2.0/24 }\n');
  const serve = spawnCli(t, ['serve', file]);
  assert.deepEqual(await serve.exited, { code: 1, signal: null });
  assert.equal(serve.stderr(), `smtppolicy serve: ${file} declares no server: nothing to serve (is it an include file?)\n`);
  assert.equal(serve.logs.filter((l) => l.event === 'listening').length, 0);
});

test('SIGTERM with a session stuck in DATA: at the drain deadline it gets 421, nothing partial is kept, the process exits 0', { timeout: 90_000 }, async (t) => {
  const { dir, serve, client } = await serveWithSessionInData(t, 2, '127.0.0.33');
  client.write('Subject: never finished\r\n\r\nhalf a message\r\n');

  serve.child.kill('SIGTERM');
  // the process serving the session (with --workers, the worker that has it) drains 1 session
  await serve.waitForLog((l) => l.event === 'draining' && l.sessions === 1, 'the drain of the stuck session');
  assert.match((await client.read(15000))?.text ?? '', /^421 4\.3\.2 /, 'the stuck session is told the server is shutting down');
  assert.deepEqual(await serve.exited, { code: 0, signal: null });
  const queued = await new Spool(join(dir, 'spool')).ids().catch(() => []);
  assert.deepEqual(queued, [], 'the unfinished message was not queued');
  assert.deepEqual(await readdir(join(dir, 'spool', 'tmp')), [], 'no partial file is left in the spool');
});
