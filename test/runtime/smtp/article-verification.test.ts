// The source article's verification steps, against the real server on loopback:
// excluded address refused at connect, no credentials before TLS, TLS 1.1 and weak
// ciphers refused, relay only for authenticated clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer, { type TransportOptions } from 'nodemailer';
import { makeRuntimeConfig, domainItem, mechanismConfig, addressItems, src } from '../../runtime/fixtures/config-builder.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient, plainAuth } from '../../helpers/smtp-client.js';
import { makeCertificate } from '../../helpers/certificates.js';
import { writePasswordFile } from '../../helpers/password-file.js';
import { requireTool, runTool } from '../../helpers/tools.js';

async function submissionConfig(dir: string, overrides: { minCipherBits?: number; connections?: RuntimeConfig['servers'][0]['connections'] } = {}): Promise<RuntimeConfig> {
  const cert = makeCertificate({ dir });
  await writePasswordFile(dir, { 'demo@example.test': 'demo-password' });
  return makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    servers: [{
      name: 'submission',
      listen: [
        { address: '127.0.0.1', port: 2587, tlsMode: 'starttls', source: src(11) },
        { address: '127.0.0.1', port: 2465, tlsMode: 'implicit', source: src(12) },
      ],
      tls: { certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: src(21) }], mode: 'required', minCipherBits: overrides.minCipherBits ?? 128 },
      auth: { mechanisms: [mechanismConfig('PLAIN'), mechanismConfig('LOGIN')], anonymous: false, senderMustMatch: false, source: src(30) },
      localDomains: [domainItem('example.test')],
      ...(overrides.connections ? { connections: overrides.connections } : {}),
    }],
  });
}

test('an excluded address is refused at connect; others are greeted (swaks and raw)', { timeout: 20000 }, async (t) => {
  const config = makeRuntimeConfig({ servers: [{ connections: { mode: 'deny-list', entries: addressItems('127.0.0.7/32'), source: src(40) }, localDomains: [domainItem('example.test')] }] });
  const running = await runServer(t, config);
  const refused = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.7' });
  t.after(() => refused.close());
  const reply = await refused.read();
  assert.equal(reply?.code, 554);
  assert.match(reply!.text, /^554 5\.7\.1 /);
  await refused.waitClosed();
  const logged = running.logs.find((l) => l.event === 'decision' && l.stage === 'connect' && l.outcome === 'refuse');
  assert.equal(logged?.source, src(100), 'the log names the deny-list entry');

  const swaks = requireTool(t, 'swaks', 'swaks');
  if (!swaks) return;
  const ok = await runTool(swaks, ['--server', '127.0.0.1', '--port', String(running.port()), '--local-interface', '127.0.0.8',
    '--from', 'a@outside.example', '--to', 'user@example.test', '--timeout', '5']);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /<- {2}250 2\.0\.0 Ok: queued as/);
  const denied = await runTool(swaks, ['--server', '127.0.0.1', '--port', String(running.port()), '--local-interface', '127.0.0.7',
    '--from', 'a@outside.example', '--to', 'user@example.test', '--timeout', '5']);
  assert.notEqual(denied.status, 0);
  assert.match(denied.stdout, /<\*\* 554 5\.7\.1/);
});

test('credentials are never accepted before TLS when TLS is required', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const running = await runServer(t, await submissionConfig(dir), { dir });
  const client = await RawSmtpClient.connect({ port: running.port('submission', 'starttls'), localAddress: '127.0.0.20' });
  t.after(() => client.close());
  await client.read();
  const ehlo = await client.command('EHLO client.example');
  assert.ok(ehlo!.lines.includes('STARTTLS'));
  assert.ok(!ehlo!.lines.some((l) => l.startsWith('AUTH')), `no AUTH before TLS: ${ehlo!.text}`);
  const auth = await client.command(`AUTH PLAIN ${plainAuth('demo@example.test', 'demo-password')}`);
  assert.ok(auth!.code >= 500 && auth!.code < 600, auth!.text);
  assert.doesNotMatch(auth!.text, /^235/);
  const mail = await client.command('MAIL FROM:<demo@example.test>');
  assert.match(mail!.text, /^530 5\.7\.0 /);

  assert.equal((await client.command('STARTTLS'))?.code, 220);
  await client.upgrade();
  const secureEhlo = await client.command('EHLO client.example');
  assert.ok(secureEhlo!.lines.some((l) => /^AUTH .*PLAIN/.test(l)), secureEhlo!.text);
  assert.ok(!secureEhlo!.lines.includes('STARTTLS'));
  assert.equal((await client.command('MAIL FROM:<demo@example.test>'))?.code, 530, 'anonymous is off: authenticate first');
  const good = await client.command(`AUTH PLAIN ${plainAuth('demo@example.test', 'demo-password')}`);
  assert.equal(good?.code, 235);
  assert.equal((await client.command('MAIL FROM:<demo@example.test>'))?.code, 250);
  const relay = await client.command('RCPT TO:<friend@elsewhere.example>');
  assert.equal(relay?.code, 250, 'an authenticated client may relay');
});

test('authenticated relay with nodemailer succeeds over STARTTLS and implicit TLS; unauthenticated fails with 5.7.1', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const running = await runServer(t, await submissionConfig(dir), { dir });
  for (const [port, secure] of [[running.port('submission', 'starttls'), false], [running.port('submission', 'implicit'), true]] as const) {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port, secure, requireTLS: !secure, localAddress: '127.0.0.21',
      auth: { user: 'demo@example.test', pass: 'demo-password' }, tls: { rejectUnauthorized: false },
    } as TransportOptions);
    const info = await transport.sendMail({ from: 'demo@example.test', to: 'friend@elsewhere.example', subject: 'relay', text: 'hello' });
    assert.deepEqual(info.accepted, ['friend@elsewhere.example']);
    assert.match(info.response, /^250 2\.0\.0 Ok: queued as/);
    transport.close();
  }
  const anonymous = nodemailer.createTransport({ host: '127.0.0.1', port: running.port('submission', 'starttls'), requireTLS: true, localAddress: '127.0.0.22', tls: { rejectUnauthorized: false } } as TransportOptions);
  await assert.rejects(anonymous.sendMail({ from: 'x@outside.example', to: 'friend@elsewhere.example', text: 'x' }), (error: Error & { responseCode?: number; response?: string }) => {
    assert.equal(error.responseCode, 530);
    return true;
  });
  anonymous.close();
  assert.equal(await running.handle.spool.count(), 2);
});

test('TLS 1.1 is refused at the handshake (openssl s_client -tls1_1)', { timeout: 20000 }, async (t) => {
  const openssl = requireTool(t, 'openssl', 'openssl');
  if (!openssl) return;
  const dir = tempDir(t);
  const running = await runServer(t, await submissionConfig(dir), { dir });
  const port = String(running.port('submission', 'implicit'));
  const old = await runTool(openssl, ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'], { input: 'QUIT\n' });
  assert.notEqual(old.status, 0);
  assert.doesNotMatch(old.stdout, /^220 /m, 'no SMTP greeting over TLS 1.1');
  assert.match(old.stdout + old.stderr, /protocol version|no protocols available|unsupported protocol/i);
  // s_client sends its stdin right after the handshake, before the greeting: a client that
  // waits for the greeting, as SMTP requires, shows that TLS 1.2 is served
  const modern = await RawSmtpClient.connect({ port: Number(port), tls: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } });
  t.after(() => modern.close());
  assert.match((await modern.read())?.text ?? '', /^220 mail\.example\.test ESMTP/);
});

test('a 128-bit cipher is refused where 256 bits are required; a 256-bit one is accepted', { timeout: 20000 }, async (t) => {
  const openssl = requireTool(t, 'openssl', 'openssl');
  if (!openssl) return;
  const dir = tempDir(t);
  const running = await runServer(t, await submissionConfig(dir, { minCipherBits: 256 }), { dir });
  const port = String(running.port('submission', 'starttls'));
  const session = (cipher: string) => runTool(openssl, ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'smtp', '-tls1_2', '-cipher', cipher, '-crlf', '-quiet', '-ign_eof'],
    { input: `EHLO client.example\nAUTH PLAIN ${plainAuth('demo@example.test', 'demo-password')}\nMAIL FROM:<demo@example.test>\nQUIT\n` });
  const weak = await session('ECDHE-ECDSA-AES128-GCM-SHA256');
  assert.match(weak.stdout, /^538 5\.7\.11 /m, weak.stdout + weak.stderr);
  assert.doesNotMatch(weak.stdout, /^235 /m);
  const strong = await session('ECDHE-ECDSA-AES256-GCM-SHA384');
  assert.match(strong.stdout, /^235 /m, strong.stdout + strong.stderr);
  assert.match(strong.stdout, /^250 2\.1\.0 /m);
});
