// SMTPUTF8 (RFC 6531) both ways, on the wire: a non-ASCII address in a transaction that did
// not ask for SMTPUTF8 is refused with 553 5.6.7 (RFC 6531 3.7.4.1), at MAIL and at RCPT; with
// the parameter, a non-ASCII local part is accepted and delivered to its Maildir folder, both
// Unicode spellings of one name reaching one mailbox. Characters that are not letters, marks
// or digits (symbols, a right-to-left override) still name no mailbox.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawSmtpClient, type SmtpReplyLine } from '../../helpers/smtp-client.js';
import { startAbuseServer, filesBelow, waitUntil } from './abuse-helpers.js';

async function ehlo(t: TestContext, port: number, localAddress: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  assert.match((await client.command('EHLO client.example'))?.text ?? '', /^250-SMTPUTF8$/m);
  return client;
}

/** Sends one command as UTF-8 (the client's `command` sends latin1). */
async function utf8(client: RawSmtpClient, line: string): Promise<string> {
  client.write(Buffer.from(`${line}\r\n`, 'utf8'));
  const reply: SmtpReplyLine | null = await client.read();
  return Buffer.from(reply?.text ?? '', 'latin1').toString('utf8');
}

test('a non-ASCII address without the SMTPUTF8 parameter: 553 5.6.7 at MAIL and at RCPT', { timeout: 15000 }, async (t) => {
  const running = await startAbuseServer(t);
  const client = await ehlo(t, running.port(), '127.0.0.71');
  assert.match(await utf8(client, 'MAIL FROM:<jürgen@outside.example>'), /^553 5\.6\.7 /);
  assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
  assert.match(await utf8(client, 'RCPT TO:<jürgen@example.test>'), /^553 5\.6\.7 /);
  assert.match(await utf8(client, 'RCPT TO:<user@bücher.example>'), /^553 5\.6\.7 /, 'a non-ASCII domain too');
  assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250, 'the transaction goes on');
  assert.ok(running.logs.some((l) => l.event === 'utf8-without-smtputf8' && l.rcptTo === 'jürgen@example.test'));
});

test('with SMTPUTF8 a non-ASCII local part is accepted and delivered; both Unicode spellings reach one mailbox', { timeout: 30000 }, async (t) => {
  const running = await startAbuseServer(t, {}, { delivery: true });
  const client = await ehlo(t, running.port(), '127.0.0.72');
  assert.match(await utf8(client, 'MAIL FROM:<jürgen@outside.example> SMTPUTF8'), /^250 /);
  assert.match(await utf8(client, 'RCPT TO:<Jürgen@example.test>'), /^250 /);
  // u + combining diaeresis: the same name in normal form D
  assert.match(await utf8(client, 'RCPT TO:<ju\u0308rgen@example.test>'), /^250 /);
  assert.match(await utf8(client, 'RCPT TO:<☃@example.test>'), /^550 5\.1\.3 /, 'a symbol names no mailbox');
  assert.match(await utf8(client, 'RCPT TO:<evil\u202egpj@example.test>'), /^550 5\.1\.3 /, 'nor does a right-to-left override');
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.match(await utf8(client, 'Subject: grüße\r\n\r\nhallo\r\n.'), /^250 2\.0\.0 /);
  assert.equal((await client.command('QUIT'))?.code, 221);
  await waitUntil('local delivery', async () => (await filesBelow(running.dir)).some((f) => f.startsWith('mail/')), 15000);
  await waitUntil('the spool to empty', async () => (await filesBelow(running.dir)).every((f) => !/^spool\/(queue|state)\//.test(f)), 15000);
  const delivered = (await filesBelow(running.dir)).filter((f) => f.startsWith('mail/'));
  assert.equal(delivered.length, 1, delivered.join('\n'));
  assert.match(delivered[0]!, /^mail\/example\.test\/jürgen\/new\/[^/]+$/);
});
