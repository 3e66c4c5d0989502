import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeRuntimeConfig, domainItem } from '../../runtime/fixtures/config-builder.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

const localDomain = [domainItem('example.test')];

test('a local message is spooled before the 250 that acknowledges it', { timeout: 15000 }, async (t) => {
  const dir = tempDir(t);
  const running = await runServer(t, makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: localDomain }] }), { dir });
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.5' });
  t.after(() => client.close());
  const greeting = await client.read();
  assert.equal(greeting?.code, 220);
  assert.match(greeting!.text, /^220 mail\.example\.test ESMTP/);
  const ehlo = await client.command('EHLO client.example');
  assert.equal(ehlo?.code, 250);
  assert.ok(ehlo!.lines.includes('ENHANCEDSTATUSCODES'));
  assert.ok(!ehlo!.lines.some((l) => l.startsWith('STARTTLS')), 'no certificate: no STARTTLS');
  assert.ok(!ehlo!.lines.some((l) => l.startsWith('AUTH')), 'no mechanisms: no AUTH');
  assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.code, 354);
  const done = await client.command('Subject: hi\r\n\r\nhello\r\n.');
  assert.equal(done?.code, 250);
  const id = /queued as (\S+)/.exec(done!.text)?.[1];
  assert.ok(id, done!.text);
  const queued = readdirSync(join(dir, 'spool', 'queue'));
  assert.deepEqual(queued, [`${id}.msg`]);
  assert.equal(await running.handle.spool.count(), 1);
  assert.equal((await client.command('QUIT'))?.code, 221);
});

test('relay to an outside domain is refused with 5.7.1 for an unauthenticated client', { timeout: 15000 }, async (t) => {
  const running = await runServer(t, makeRuntimeConfig({ servers: [{ localDomains: localDomain }] }));
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.9' });
  t.after(() => client.close());
  await client.read();
  await client.command('EHLO outside.example');
  assert.equal((await client.command('MAIL FROM:<spammer@outside.example>'))?.code, 250);
  const rcpt = await client.command('RCPT TO:<victim@elsewhere.example>');
  assert.equal(rcpt?.code, 554);
  assert.match(rcpt!.text, /^554 5\.7\.1 .*Relay access denied/);
  const decision = running.logs.find((l) => l.event === 'decision' && l.stage === 'rcpt');
  assert.equal(decision?.outcome, 'refuse');
});
