// What explain says equals what the client sees: the same reply line (code, enhanced code
// and text) on the wire, in explain and in the server's `decision` log line, and no reply
// at all where the server's TLS refuses the handshake.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCertificate } from '../helpers/certificates.js';
import { runServer, tempDir } from '../helpers/server-fixture.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { domainItem, makeRuntimeConfig } from '../runtime/fixtures/config-builder.js';
import { runCli } from './run-cli.js';

async function explainJson(configFile: string, args: string[]) {
  const result = await runCli(['explain', configFile, '--client', '127.0.0.1', '--format', 'json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as { decision: string; stage: string; reply: string | null };
}

test('an accepted MAIL and RCPT: the client, explain and the decision log line show the same reply', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-explain-wire-');
  const config = makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test')] }] });
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config));
  const running = await runServer(t, config, { dir });

  const client = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  await client.command('EHLO client.example');
  const mail = (await client.command('MAIL FROM:<a@outside.example>'))?.text;
  const rcpt = (await client.command('RCPT TO:<u@example.test>'))?.text;

  const explained = await explainJson(configFile, ['--mail-from', 'a@outside.example', '--rcpt', 'u@example.test']);
  assert.equal(explained.decision, 'accept');
  assert.equal(rcpt, explained.reply, 'the client gets what explain says');
  assert.equal(rcpt, '250 2.1.5 Ok');
  const logged = (stage: string) => running.logs.find((l) => l.event === 'decision' && l.stage === stage)?.reply;
  assert.equal(logged('rcpt'), rcpt, 'the decision log line says what the client got');
  assert.equal(logged('mail'), mail);
  assert.equal(mail, '250 2.1.0 Ok');
});

test('a TLS version below min-version: explain says the handshake fails with no reply, and the real handshake does fail', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t, 'smtppolicy-explain-wire-');
  const cert = makeCertificate({ dir });
  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      localDomains: [domainItem('example.test')],
      tls: { mode: 'required', minVersion: 'TLSv1.2', certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: 'fixture.smtppolicy:21:1' }] },
    }],
  });
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config));
  const running = await runServer(t, config, { dir });

  const explained = await explainJson(configFile, ['--tls', '--tls-version', 'TLSv1.1', '--rcpt', 'u@example.test']);
  assert.deepEqual([explained.decision, explained.stage, explained.reply], ['refuse', 'tls', null]);
  const pretty = await runCli(['explain', configFile, '--client', '127.0.0.1', '--tls', '--tls-version', 'TLSv1.1', '--rcpt', 'u@example.test']);
  assert.match(pretty.stdout, /^reply: {4}none: the TLS handshake fails, the client gets no SMTP reply$/m);
  assert.doesNotMatch(pretty.stdout, /538/);

  const client = await RawSmtpClient.connect({ port: running.port() });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  await client.command('EHLO client.example');
  assert.equal((await client.command('STARTTLS'))?.code, 220);
  // SECLEVEL=0: this side must be willing to offer TLS 1.1, or the test would prove nothing about the server
  await assert.rejects(client.upgrade({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), /protocol version|unsupported protocol|no protocols available/i);
});
