// The server advertises ENHANCEDSTATUSCODES, so every reply but the greeting, the success
// replies to HELO/EHLO and 3xx continuations carries an RFC 3463 code of its own class
// (RFC 2034 3), including the replies smtp-server writes itself. Each row opens a session,
// sends its commands raw, and checks every line of every reply.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { mechanismConfig, src } from '../fixtures/config-builder.js';
import { RawSmtpClient, plainAuth, type SmtpReplyLine } from '../../helpers/smtp-client.js';
import { writePasswordFile } from '../../helpers/password-file.js';
import { makeCertificate } from '../../helpers/certificates.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { abuseConfig } from '../../hardening/protocol/abuse-helpers.js';

const ENHANCED_LINE = /^(\d{3})[ -]([245])\.\d{1,3}\.\d{1,3} /;

interface Row {
  name: string;
  /** Commands sent before the checked ones, each expecting the given reply code. */
  setup?: [string, number][];
  /** Sent in order; each reply is checked. A string with no CRLF gets one. */
  commands: string[];
  /** The reply code expected for each command, in order. */
  codes: number[];
  /** The whole text expected for the last reply, when the text matters. */
  last?: RegExp;
  /** The server on which the row runs (default: plain). */
  server?: 'plain' | 'tls';
}

const rows: Row[] = [
  { name: 'HELO without a hostname', commands: ['HELO'], codes: [501], last: /^501 5\.5\.4 Error: Syntax: HELO hostname$/ },
  { name: 'HELO with an over-long hostname', commands: [`HELO ${'h'.repeat(256)}`], codes: [501], last: /^501 5\.5\.4 Error: Bad hostname syntax$/ },
  { name: 'EHLO with two arguments', commands: ['EHLO a b'], codes: [501] },
  { name: 'an unknown command', commands: ['XYZZY'], codes: [500] },
  { name: 'MAIL before HELO/EHLO', commands: ['MAIL FROM:<a@outside.example>'], codes: [503] },
  { name: 'bad MAIL syntax', setup: [['EHLO c.example', 250]], commands: ['MAIL FROM:a@outside.example', 'MAIL TO:<a@outside.example>'], codes: [501, 501] },
  { name: 'a MAIL parameter twice', setup: [['EHLO c.example', 250]], commands: ['MAIL FROM:<a@outside.example> SIZE=10 SIZE=20'], codes: [501] },
  { name: 'nested MAIL', setup: [['EHLO c.example', 250], ['MAIL FROM:<a@outside.example>', 250]], commands: ['MAIL FROM:<b@outside.example>'], codes: [503] },
  { name: 'RCPT before MAIL', setup: [['EHLO c.example', 250]], commands: ['RCPT TO:<u@example.test>'], codes: [503] },
  { name: 'bad RCPT syntax', setup: [['EHLO c.example', 250], ['MAIL FROM:<a@outside.example>', 250]], commands: ['RCPT TO:u@example.test', 'RCPT TO:<@>'], codes: [501, 501] },
  { name: 'DATA before RCPT', setup: [['EHLO c.example', 250], ['MAIL FROM:<a@outside.example>', 250]], commands: ['DATA'], codes: [503] },
  { name: 'DATA before MAIL', setup: [['EHLO c.example', 250]], commands: ['DATA'], codes: [503] },
  { name: 'VRFY without an argument', commands: ['VRFY'], codes: [501] },
  { name: 'AUTH before EHLO', commands: [`AUTH PLAIN ${plainAuth('a', 'b')}`], codes: [503] },
  { name: 'AUTH with an unknown mechanism', setup: [['EHLO c.example', 250]], commands: ['AUTH NOSUCH'], codes: [504] },
  { name: 'AUTH PLAIN with two arguments', setup: [['EHLO c.example', 250]], commands: ['AUTH PLAIN a b'], codes: [501] },
  { name: 'AUTH LOGIN with two arguments', setup: [['EHLO c.example', 250]], commands: ['AUTH LOGIN a b'], codes: [501] },
  { name: 'AUTH PLAIN with a token that is not user data', setup: [['EHLO c.example', 250]], commands: ['AUTH PLAIN bm9udWxscw=='], codes: [501] },
  { name: 'AUTH PLAIN aborted', setup: [['EHLO c.example', 250], ['AUTH PLAIN', 334]], commands: ['*'], codes: [501] },
  { name: 'AUTH LOGIN aborted', setup: [['EHLO c.example', 250], ['AUTH LOGIN', 334]], commands: ['*'], codes: [501] },
  { name: 'a wrong password', setup: [['EHLO c.example', 250]], commands: [`AUTH PLAIN ${plainAuth('demo@example.test', 'wrong')}`], codes: [535] },
  { name: 'a bad UTF-8 command', setup: [['EHLO c.example', 250]], commands: ['MAIL FROM:<\xff@outside.example>'], codes: [500] },
  { name: 'relay refused', setup: [['EHLO c.example', 250], ['MAIL FROM:<a@outside.example>', 250]], commands: ['RCPT TO:<x@elsewhere.example>'], codes: [554] },
  { name: 'an over-long command line (the session ends)', setup: [['EHLO c.example', 250]], commands: [`NOOP ${'x'.repeat(20_000)}`], codes: [421], last: /^421 4\.5\.0 Error: Command line too long$/ },
  { name: 'an HTTP request (the session ends)', commands: ['GET / HTTP/1.1'], codes: [421], last: /^421 4\.7\.0 / },
  { name: 'ten unknown commands (the session ends)', commands: Array.from({ length: 10 }, (_, i) => `BOGUS${i}`), codes: [...Array(9).fill(500), 421], last: /^421 4\.7\.0 Error: too many unrecognized commands$/ },
  { name: 'STARTTLS with an argument', server: 'tls', setup: [['EHLO c.example', 250]], commands: ['STARTTLS now'], codes: [501] },
  { name: 'MAIL before STARTTLS where TLS is required', server: 'tls', setup: [['EHLO c.example', 250]], commands: ['MAIL FROM:<a@outside.example>'], codes: [530] },
  { name: 'success replies carry codes too', setup: [['EHLO c.example', 250]], commands: ['NOOP', 'RSET', 'VRFY someone', 'MAIL FROM:<a@outside.example>', 'RCPT TO:<u@example.test>', 'QUIT'], codes: [250, 250, 252, 250, 250, 221] },
];

async function servers(t: TestContext): Promise<Record<'plain' | 'tls', RunningServer>> {
  const dir = tempDir(t, 'smtppolicy-esc-');
  await writePasswordFile(dir, { 'demo@example.test': 'secret' });
  const plain = await runServer(t, abuseConfig(dir, {
    auth: { mechanisms: [mechanismConfig('PLAIN'), mechanismConfig('LOGIN')], anonymous: true, senderMustMatch: false, source: src(30) },
    limits: { authFailures: 100 },
  }, { userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }] }), { dir });
  const cert = makeCertificate({ commonName: 'mail.example.test' });
  t.after(() => rmSync(cert.dir, { recursive: true, force: true }));
  const tlsDir = tempDir(t, 'smtppolicy-esc-tls-');
  const tls = await runServer(t, abuseConfig(tlsDir, {
    tls: { mode: 'required', certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: src(21) }] },
  }), { dir: tlsDir });
  return { plain, tls };
}

/** Every line of a reply that must carry an enhanced code carries one of the reply's class. */
function assertEnhanced(reply: SmtpReplyLine, what: string): void {
  for (const line of reply.text.split('\n')) {
    const match = ENHANCED_LINE.exec(line);
    assert.ok(match, `${what}: no enhanced status code in ${JSON.stringify(line)}`);
    assert.equal(match[2], match[1]![0], `${what}: the enhanced code's class differs from the reply's in ${JSON.stringify(line)}`);
  }
}

test('every reply the server sends after the greeting, but to HELO/EHLO success, carries an enhanced status code', { timeout: 60_000 }, async (t) => {
  const running = await servers(t);
  let address = 100;
  for (const row of rows) {
    const client = await RawSmtpClient.connect({ port: running[row.server ?? 'plain'].port(), localAddress: `127.0.1.${address++}` });
    t.after(() => client.close());
    const greeting = await client.read();
    assert.match(greeting?.text ?? '', /^220 mail\.example\.test ESMTP$/, 'the greeting carries none (RFC 2034)');
    for (const [command, code] of row.setup ?? []) {
      const reply = await client.command(command);
      assert.equal(reply?.code, code, `${row.name}: setup ${command}: ${reply?.text}`);
    }
    let last: SmtpReplyLine | null = null;
    for (const [i, command] of row.commands.entries()) {
      last = await client.command(command, 10_000);
      assert.ok(last, `${row.name}: the server closed before answering ${JSON.stringify(command.slice(0, 40))}`);
      assert.equal(last.code, row.codes[i], `${row.name}: ${last.text}`);
      assertEnhanced(last, row.name);
    }
    if (row.last) assert.match(last!.text, row.last, row.name);
    client.close();
  }
});

test('HELO and EHLO success replies carry no enhanced code; 3xx continuations neither', { timeout: 15_000 }, async (t) => {
  const { plain } = await servers(t);
  const client = await RawSmtpClient.connect({ port: plain.port(), localAddress: '127.0.1.99' });
  t.after(() => client.close());
  await client.read();
  assert.match((await client.command('HELO c.example'))?.text ?? '', /^250 mail\.example\.test Nice to meet you/);
  const ehlo = await client.command('EHLO c.example');
  assert.ok(ehlo!.text.split('\n').every((line) => !/^250[ -][245]\./.test(line)), ehlo!.text);
  assert.equal((await client.command('AUTH LOGIN'))?.text, '334 VXNlcm5hbWU6');
  assert.match((await client.command('*'))?.text ?? '', /^501 5\.\d+\.\d+ Authentication aborted$/);
  assert.equal((await client.command('MAIL FROM:<a@outside.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<u@example.test>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.text, '354 End data with <CR><LF>.<CR><LF>');
});
