// STARTTLS command injection (CVE-2011-0411 and kin): commands a man in the middle
// pipelines behind STARTTLS arrive in plaintext but would run inside the TLS session,
// with its trust. RFC 3207 4.2 says the server must discard them. Here they are sent in
// the same segment as STARTTLS, and in a segment of their own before the 220; after the
// handshake the client's first command must get the first reply, and nothing injected
// may have changed the session or been stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCertificate } from '../../helpers/certificates.js';
import { src } from '../../runtime/fixtures/config-builder.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, spooled } from './abuse-helpers.js';
import type { TestContext } from 'node:test';
import { rmSync } from 'node:fs';

const INJECTED = [
  'MAIL FROM:<injected@outside.example>',
  'RCPT TO:<victim@example.test>',
  'DATA',
  'Subject: injected',
  '',
  'injected body',
  '.',
  'RSET',
  'MAIL FROM:<second@outside.example>',
].join('\r\n') + '\r\n';

async function tlsServer(t: TestContext, mode: 'optional' | 'required') {
  const cert = makeCertificate({ commonName: 'mail.example.test' });
  t.after(() => rmSync(cert.dir, { recursive: true, force: true }));
  return startAbuseServer(t, {
    tls: { mode, certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: src(21) }] },
  });
}

async function injectAndUpgrade(t: TestContext, port: number): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port, localAddress: '127.0.0.41' });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  const ehlo = await client.command('EHLO client.example');
  assert.ok(ehlo?.lines.includes('STARTTLS'), ehlo?.text);
  client.write(`STARTTLS\r\n${INJECTED}`);
  const ready = await client.read();
  assert.match(ready?.text ?? '', /^220 /);
  await client.upgrade({ servername: 'mail.example.test' });
  return client;
}

for (const mode of ['optional', 'required'] as const) {
  test(`TLS ${mode}: commands pipelined behind STARTTLS are discarded`, { timeout: 15000 }, async (t) => {
    const running = await tlsServer(t, mode);
    const client = await injectAndUpgrade(t, running.port());
    // the first reply inside TLS answers our EHLO, not an injected command
    const ehlo = await client.command('EHLO client.example');
    assert.equal(ehlo?.code, 250, ehlo?.text);
    assert.match(ehlo!.lines[0]!, /^mail\.example\.test Hello /);
    assert.ok(!ehlo!.lines.includes('STARTTLS'), 'STARTTLS is not offered twice');
    // no transaction was opened by the injected MAIL: a new one is accepted, and the
    // injected recipient is not part of it
    assert.equal((await client.command('MAIL FROM:<real@outside.example>'))?.code, 250);
    assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250);
    assert.equal((await client.command('DATA'))?.code, 354);
    const queued = await client.command('Subject: real\r\n\r\nreal body\r\n.');
    assert.match(queued?.text ?? '', /^250 2\.0\.0 /);
    assert.equal((await client.command('QUIT'))?.code, 221);
    const messages = await spooled(running);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.envelope.mailFrom, 'real@outside.example');
    assert.deepEqual(messages[0]!.envelope.recipients.map((r) => r.address), ['user@example.test']);
    assert.ok(!messages[0]!.text.includes('injected'), 'nothing injected reached the message');
    assert.ok(messages[0]!.envelope.client.tls, 'the message was received over TLS');
    const decisions = running.logs.filter((l) => l.event === 'decision' && (l.stage === 'mail' || l.stage === 'rcpt'));
    assert.ok(decisions.every((l) => !JSON.stringify(l).includes('injected') && !JSON.stringify(l).includes('victim')), 'no injected command was even decided on');
  });
}

test('plaintext commands sent after the 220 to STARTTLS break the handshake; nothing runs', { timeout: 15000 }, async (t) => {
  const running = await tlsServer(t, 'optional');
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.43' });
  t.after(() => client.close());
  await client.read();
  await client.command('EHLO client.example');
  assert.match((await client.command('STARTTLS'))?.text ?? '', /^220 /);
  client.write(INJECTED);
  await assert.rejects(client.upgrade({ servername: 'mail.example.test' }), 'the server reads them as a broken ClientHello');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await spooled(running), []);
  assert.ok(running.logs.every((l) => !JSON.stringify(l).includes('injected')), 'no injected command was decided on');
});

test('a STARTTLS with a pipelined AUTH does not authenticate the TLS session', { timeout: 15000 }, async (t) => {
  const running = await tlsServer(t, 'required');
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.42' });
  t.after(() => client.close());
  await client.read();
  await client.command('EHLO client.example');
  client.write(`STARTTLS\r\nAUTH PLAIN ${Buffer.from('\0a@example.test\0x').toString('base64')}\r\nEHLO injected.example\r\n`);
  assert.match((await client.read())?.text ?? '', /^220 /);
  await client.upgrade({ servername: 'mail.example.test' });
  // without an EHLO inside TLS the session knows no client name: MAIL must be refused
  const mail = await client.command('MAIL FROM:<real@outside.example>');
  assert.equal(mail?.code, 503, `the injected EHLO did not count: ${mail?.text}`);
  assert.equal(running.logs.filter((l) => l.event === 'auth').length, 0, 'the injected AUTH was never checked');
});
