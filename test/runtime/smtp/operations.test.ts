// Failed-auth throttling, reload, drain and the admin listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRuntimeConfig, domainItem, mechanismConfig, addressItems, src } from '../fixtures/config-builder.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient, plainAuth } from '../../helpers/smtp-client.js';
import { writePasswordFile } from '../../helpers/password-file.js';

function authConfig(dir: string, authFailures = 3): RuntimeConfig {
  return makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    admin: { listen: [{ address: '127.0.0.1', port: 9725 }], source: src(6) },
    servers: [{
      auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) },
      limits: { authFailures, authFailureWindowMs: 60_000 },
      localDomains: [domainItem('example.test')],
    }],
  });
}

async function login(port: number, localAddress: string, password: string): Promise<{ client: RawSmtpClient; code: number | undefined; text: string | undefined }> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  await client.read();
  await client.command('EHLO client.example');
  const reply = await client.command(`AUTH PLAIN ${plainAuth('demo@example.test', password)}`, 15000);
  return { client, code: reply?.code, text: reply?.text };
}

test('failed logins slow down, then 421 and disconnect; the user can still log in from elsewhere', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  await writePasswordFile(dir, { 'demo@example.test': 'demo-password' });
  const running = await runServer(t, authConfig(dir), { dir });
  const attacker = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.70' });
  t.after(() => attacker.close());
  await attacker.read();
  await attacker.command('EHLO attacker.example');
  const started = Date.now();
  assert.match((await attacker.command(`AUTH PLAIN ${plainAuth('demo@example.test', 'guess1')}`))!.text, /^535 5\.7\.8 /);
  assert.match((await attacker.command(`AUTH PLAIN ${plainAuth('demo@example.test', 'guess2')}`))!.text, /^535 5\.7\.8 /);
  assert.ok(Date.now() - started >= 700, 'failures are answered with increasing delays');
  assert.match((await attacker.command(`AUTH PLAIN ${plainAuth('demo@example.test', 'guess3')}`))!.text, /^421 4\.7\.0 /);
  await attacker.waitClosed();
  const again = await login(running.port(), '127.0.0.70', 'demo-password');
  t.after(() => again.client.close());
  assert.equal(again.code, 421, 'the guessing address stays locked out within the window');
  const owner = await login(running.port(), '127.0.0.71', 'demo-password');
  t.after(() => owner.client.close());
  assert.equal(owner.code, 235, 'the real user, elsewhere, is not locked out');
  assert.ok(running.logs.filter((l) => l.event === 'auth' && l.outcome === 'refuse').length >= 3);
  const metrics = await (await fetch(`http://127.0.0.1:${running.handle.adminAddresses()[0]!.port}/metrics`)).text();
  assert.match(metrics, /smtppolicy_auth_failures_total\{server="default",mechanism="PLAIN"\} 3/);
  assert.match(metrics, /smtppolicy_queue_depth 0/);
});

test('the password file is reloaded when it changes', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  await writePasswordFile(dir, { 'demo@example.test': 'old-password' });
  const running = await runServer(t, authConfig(dir, 10), { dir });
  await writePasswordFile(dir, { 'demo@example.test': 'new-password' });
  let code: number | undefined;
  for (let i = 0; i < 40 && code !== 235; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const attempt = await login(running.port(), `127.0.0.${80 + (i % 10)}`, 'new-password');
    attempt.client.close();
    code = attempt.code;
  }
  assert.equal(code, 235);
});

test('reload: new sessions get the new policy, a session in flight keeps the old; a bad config is refused', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const before = makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test')] }] });
  const running = await runServer(t, before, { dir });
  const inFlight = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.90' });
  t.after(() => inFlight.close());
  assert.equal((await inFlight.read())?.code, 220);

  const after = makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test')], connections: { mode: 'deny-list', entries: addressItems('127.0.0.90/32'), source: src(40) } }] });
  await running.handle.reload(after, dir);
  const fresh = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.90' });
  t.after(() => fresh.close());
  assert.equal((await fresh.read())?.code, 554, 'new session: new policy');
  await inFlight.command('EHLO client.example');
  assert.equal((await inFlight.command('MAIL FROM:<a@outside.example>'))?.code, 250, 'old session: old policy');

  writeFileSync(join(dir, 'garbage.crt'), 'not a certificate');
  const broken = makeRuntimeConfig({ storageDir: dir, servers: [{ tls: { certificates: [{ certificate: 'garbage.crt', key: 'garbage.crt', serverNames: [], source: src(21) }] } }] });
  await assert.rejects(running.handle.reload(broken, dir), /fixture\.smtppolicy:21:1: .*garbage\.crt/);
  const still = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.91' });
  t.after(() => still.close());
  assert.equal((await still.read())?.code, 220, 'the previous config stays in force');
});

test('drain lets a transaction in flight finish, refuses new work, then closes', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const running = await runServer(t, makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test')] }] }), { dir });
  const port = running.port();
  const client = await RawSmtpClient.connect({ port });
  t.after(() => client.close());
  await client.read();
  await client.command('EHLO client.example');
  await client.command('MAIL FROM:<a@outside.example>');
  await client.command('RCPT TO:<user@example.test>');
  const drained = running.handle.drain(3000);
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(RawSmtpClient.connect({ port }), /ECONNREFUSED/);
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.equal((await client.command('Subject: x\r\n\r\nbody\r\n.'))?.code, 250, 'the transaction in flight completes');
  assert.match((await client.command('MAIL FROM:<b@outside.example>'))!.text, /^421 4\.3\.2 /);
  await drained;
  assert.equal(await running.handle.spool.count(), 1);
});
