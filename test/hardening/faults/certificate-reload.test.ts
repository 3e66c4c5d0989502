// The certificate file is replaced by something unusable (garbage, a truncated PEM, a
// certificate whose key is elsewhere) and the operator reloads: the reload is refused with
// the file and the policy location named, and the server goes on presenting the old
// certificate, over STARTTLS and implicit TLS, with mail still accepted. A good replacement
// is then picked up by the next reload.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { makeRuntimeConfig, domainItem, mechanismConfig, src } from '../../runtime/fixtures/config-builder.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient, plainAuth } from '../../helpers/smtp-client.js';
import { writePasswordFile } from '../../helpers/password-file.js';
import { makeCertificate, type TestCertificate } from '../../helpers/certificates.js';

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

async function starttlsPeer(t: TestContext, port: number): Promise<{ client: RawSmtpClient; fingerprint: string }> {
  const client = await RawSmtpClient.connect({ port });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  const ehlo = await client.command('EHLO client.test');
  assert.ok(ehlo?.lines.includes('STARTTLS'), ehlo?.text);
  assert.equal((await client.command('STARTTLS'))?.code, 220);
  const secure = await client.upgrade({ servername: 'mail.example.test' });
  return { client, fingerprint: secure.getPeerX509Certificate()!.fingerprint256 };
}

async function implicitPeer(t: TestContext, port: number): Promise<string> {
  const client = await RawSmtpClient.connect({ port, tls: { servername: 'mail.example.test' } });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  const fp = (client.socket as import('node:tls').TLSSocket).getPeerX509Certificate()!.fingerprint256;
  await client.command('QUIT');
  return fp;
}

async function sendOver(client: RawSmtpClient, subject: string) {
  assert.equal((await client.command('EHLO client.test'))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<sender@client.test>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<alice@example.test>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.code, 354);
  return client.command(`Subject: ${subject}\r\n\r\nbody\r\n.`);
}

test('a certificate replaced by garbage before a reload: reload refused, the old certificate keeps serving; a good one is picked up', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-cert-fault-');
  const tlsDir = join(dir, 'tls');
  mkdirSync(tlsDir);
  const original: TestCertificate = makeCertificate({ dir: tlsDir, name: 'server' });
  const replacement = makeCertificate({ dir: tlsDir, name: 'replacement' });
  const certPath = join(tlsDir, 'server.crt');
  const keyPath = join(tlsDir, 'server.key');
  const originalKey = readFileSync(keyPath, 'utf8');

  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      tls: { mode: 'required', certificates: [{ certificate: 'tls/server.crt', key: 'tls/server.key', serverNames: [], source: src(21) }] },
      listen: [
        { address: '127.0.0.1', port: 2525, tlsMode: 'starttls', source: src(11) },
        { address: '127.0.0.1', port: 2465, tlsMode: 'implicit', source: src(12) },
      ],
      localDomains: [domainItem('example.test', src(70))],
    }],
  });
  const running = await runServer(t, config, { dir });
  const starttlsPort = running.port(undefined, 'starttls');
  const implicitPort = running.port(undefined, 'implicit');
  const old = fingerprint(original.cert);
  assert.equal((await starttlsPeer(t, starttlsPort)).fingerprint, old);

  // a session that is open across all the reloads below
  const longLived = await starttlsPeer(t, starttlsPort);

  const broken: { what: string; cert: string; key: string; error: RegExp }[] = [
    { what: 'garbage', cert: 'this is not a certificate\n', key: originalKey, error: /fixture\.smtppolicy:21:1: tls\/server\.crt is not a PEM certificate/ },
    { what: 'a truncated PEM', cert: original.cert.slice(0, Math.floor(original.cert.length / 2)), key: originalKey, error: /fixture\.smtppolicy:21:1: tls\/server\.crt is not a PEM certificate/ },
    { what: 'an empty file', cert: '', key: originalKey, error: /fixture\.smtppolicy:21:1: tls\/server\.crt is not a PEM certificate/ },
    { what: 'a certificate without its key', cert: replacement.cert, key: originalKey, error: /fixture\.smtppolicy:21:1: the key tls\/server\.key does not match the certificate tls\/server\.crt/ },
    { what: 'a garbage key', cert: original.cert, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', error: /fixture\.smtppolicy:21:1: tls\/server\.key is not a usable private key/ },
  ];
  let accepted = 0;
  for (const { what, cert, key, error } of broken) {
    writeFileSync(certPath, cert);
    writeFileSync(keyPath, key);
    await assert.rejects(running.handle.reload(config, dir), error, what);
    // the old certificate is still what clients get, on both kinds of listener
    const after = await starttlsPeer(t, starttlsPort);
    assert.equal(after.fingerprint, old, `after ${what}: STARTTLS presents the old certificate`);
    assert.equal(await implicitPeer(t, implicitPort), old, `after ${what}: implicit TLS presents the old certificate`);
    const queued = await sendOver(after.client, `after ${what}`);
    assert.equal(queued?.code, 250, `after ${what}: ${queued?.text}`);
    accepted++;
  }

  // the fixed files are picked up by the next reload; the long-lived session is unaffected
  writeFileSync(certPath, replacement.cert);
  writeFileSync(keyPath, readFileSync(replacement.keyPath));
  await running.handle.reload(config, dir);
  const fresh = fingerprint(replacement.cert);
  assert.equal((await starttlsPeer(t, starttlsPort)).fingerprint, fresh);
  assert.equal(await implicitPeer(t, implicitPort), fresh);
  assert.equal((await sendOver(longLived.client, 'long-lived'))?.code, 250);
  accepted++;

  assert.equal(await running.handle.spool.count(), accepted, 'every acknowledged message is in the spool');
  assert.ok(running.logs.some((l) => l.event === 'reloaded'), 'the good reload is logged');
});

test('a refused reload changes nothing: failed-login counts survive it and the next good reload', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-cert-fault-');
  const passwordFile = await writePasswordFile(dir, { 'demo@example.test': 'demo-password' });
  writeFileSync(join(dir, 'garbage.crt'), 'not a certificate\n');
  const withLimit = (authFailures: number, tls: boolean) => makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: passwordFile, source: src(5) }],
    // two virtual servers, like the quickstart's submission and inbound: the broken
    // certificate belongs to the second, after the first has been rebuilt
    servers: [{
      name: 'submission',
      auth: { mechanisms: [mechanismConfig('PLAIN', 'users')], anonymous: true, senderMustMatch: false, source: src(30) },
      limits: { authFailures, authFailureWindowMs: 60_000 },
    }, {
      name: 'inbound',
      listen: [{ address: '127.0.0.1', port: 25, tlsMode: 'starttls', source: src(40) }],
      ...(tls ? { tls: { certificates: [{ certificate: 'garbage.crt', key: 'garbage.crt', serverNames: [], source: src(21) }] } } : {}),
    }],
  });
  const good = withLimit(3, false);
  const running = await runServer(t, good, { dir });
  const guess = async (password: string) => {
    const client = await RawSmtpClient.connect({ port: running.port('submission'), localAddress: '127.0.0.77' });
    t.after(() => client.close());
    assert.equal((await client.read())?.code, 220);
    await client.command('EHLO guesser.test');
    const reply = await client.command(`AUTH PLAIN ${plainAuth('demo@example.test', password)}`, 15_000);
    client.close();
    return reply;
  };
  assert.match((await guess('guess1'))!.text, /^535 5\.7\.8 /);
  assert.match((await guess('guess2'))!.text, /^535 5\.7\.8 /);

  // a reload with other limits and a broken certificate is refused ...
  await assert.rejects(running.handle.reload(withLimit(5, true), dir), /garbage\.crt/);
  // ... and the operator then reloads the fixed, unchanged policy
  await running.handle.reload(good, dir);
  const third = await guess('guess3');
  assert.match(third!.text, /^421 4\.7\.0 /, 'the third failure within the window still locks the address out');
});
