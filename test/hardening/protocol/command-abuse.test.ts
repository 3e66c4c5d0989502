// Abuse of the command phase: pipelined floods, over-long lines, 10,000 recipients, and
// addresses carrying invalid UTF-8, control characters and path tricks. Each test checks
// the replies the client saw and what the server stored, delivered and logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, openTransaction, spooled, filesBelow, waitUntil, rawControlInLogs } from './abuse-helpers.js';

/** Reads `count` replies, failing if the server closes first. */
async function readReplies(client: RawSmtpClient, count: number, timeoutMs = 20000) {
  const replies = [];
  for (let i = 0; i < count; i++) {
    const reply = await client.read(timeoutMs);
    if (!reply) assert.fail(`the server closed after ${i} of ${count} replies`);
    replies.push(reply);
  }
  return replies;
}

/**
 * A bare socket that counts final reply lines as they arrive, in linear time: the flood's
 * own client must not be what blocks the event loop this in-process server shares.
 */
function floodSocket(port: number, localAddress: string) {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  const codes: number[] = [];
  let partial = '';
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    const lines = (partial + data).split('\r\n');
    partial = lines.pop()!;
    for (const line of lines) if (/^\d{3} /.test(line)) codes.push(Number(line.slice(0, 3)));
  });
  socket.on('error', () => {});
  return { socket, codes };
}

test('20,000 pipelined commands in one write are answered in order; another client is served meanwhile', { timeout: 30000 }, async (t) => {
  const running = await startAbuseServer(t, { limits: { recipientsPerMessage: 20_000 } });
  const flood = floodSocket(running.port(), '127.0.0.60');
  t.after(() => flood.socket.destroy());
  await waitUntil('the greeting', () => flood.codes.length === 1);
  const commands: string[] = ['EHLO flood.example', 'MAIL FROM:<flood@outside.example>'];
  for (let i = 0; i < 19_997; i++) commands.push(i % 2 === 0 ? `RCPT TO:<u${i}@example.test>` : 'NOOP');
  commands.push('RSET');
  flood.socket.write(`${commands.join('\r\n')}\r\n`);
  await waitUntil('the flood to be under way', () => flood.codes.length > 50);

  // a normal client, while the flood is being answered
  const started = Date.now();
  const normal = await openTransaction(t, running.port(), '127.0.0.61');
  assert.equal((await normal.command('DATA'))?.code, 354);
  assert.match((await normal.command('Subject: hi\r\n\r\nhello\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  const normalMs = Date.now() - started;
  // fairness, not speed (the machine may be loaded): the flood is answered in batches with
  // a yield to the event loop between them, so the normal client (whose every round trip
  // here costs several loop turns, being in this process) finishes before the flood does
  const floodAnsweredMeanwhile = flood.codes.length;
  assert.ok(floodAnsweredMeanwhile < commands.length / 4, `the normal client waited for ${floodAnsweredMeanwhile} flood replies`);

  await waitUntil('every flood reply', () => flood.codes.length === commands.length + 1, 20000);
  assert.ok(flood.codes.slice(1).every((code) => code === 250), 'every pipelined command got its own 250');
  flood.socket.write('NOOP\r\n');
  await waitUntil('the NOOP reply', () => flood.codes.length === commands.length + 2);
  assert.equal(flood.codes.at(-1), 250, 'the session is still in step after the flood');
  t.diagnostic(`normal client served in ${normalMs} ms during the flood, after ${floodAnsweredMeanwhile} flood replies`);
  const messages = await spooled(running);
  assert.equal(messages.length, 1, 'only the normal client sent a message (the flood was reset)');
});

test('10,000 recipients: the first recipientsPerMessage are accepted, the rest get 452 4.5.3, the message keeps exactly those', { timeout: 30000 }, async (t) => {
  const running = await startAbuseServer(t, { limits: { recipientsPerMessage: 100 } });
  const client = await openTransaction(t, running.port(), '127.0.0.62', 'r0@example.test');
  const rcpts = Array.from({ length: 9_999 }, (_, i) => `RCPT TO:<r${i + 1}@example.test>`);
  client.write(`${rcpts.join('\r\n')}\r\n`);
  const replies = await readReplies(client, rcpts.length);
  assert.equal(replies.filter((r) => r.code === 250).length, 99);
  assert.ok(replies.slice(99).every((r) => /^452 4\.5\.3 /.test(r.text)), 'every recipient beyond the limit gets 452 4.5.3');
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.match((await client.command('Subject: many\r\n\r\nbody\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  const [message] = await spooled(running);
  assert.deepEqual(message!.envelope.recipients.map((r) => r.address), Array.from({ length: 100 }, (_, i) => `r${i}@example.test`));
});

test('an over-long command line is refused with 421 and the session closed; a 1 MB line without a newline too', { timeout: 20000 }, async (t) => {
  const running = await startAbuseServer(t);
  for (const [name, payload] of [
    ['a 20 kB MAIL line', `MAIL FROM:<${'a'.repeat(20_000)}@outside.example>\r\n`],
    ['1 MB without a line end', `EHLO ${'x'.repeat(1 << 20)}`],
  ] as const) {
    const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.63' });
    t.after(() => client.close());
    await client.read();
    await client.command('EHLO client.example');
    client.write(payload);
    const reply = await client.read(10000);
    assert.match(reply?.text ?? '', /^421 .*too long/i, `${name}: ${reply?.text}`);
    await client.waitClosed();
  }
  // a long-but-legal hostname is answered, an over-long one refused without closing
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.64' });
  t.after(() => client.close());
  await client.read();
  assert.match((await client.command(`EHLO ${'h'.repeat(300)}`))?.text ?? '', /^501 5\.5\.4 /);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  assert.deepEqual(await spooled(running), []);
});

test('ten unknown commands end the session; HTTP requests are refused at once', { timeout: 15000 }, async (t) => {
  const running = await startAbuseServer(t);
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.65' });
  t.after(() => client.close());
  await client.read();
  client.write(Array.from({ length: 12 }, (_, i) => `XBOGUS${i}\r\n`).join(''));
  const replies = [];
  for (let reply = await client.read(); reply; reply = await client.read()) replies.push(reply);
  assert.equal(replies.length, 10);
  assert.ok(replies.slice(0, 9).every((r) => r.code === 500));
  assert.equal(replies[9]!.code, 421);
  const http = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.66' });
  t.after(() => http.close());
  await http.read();
  assert.equal((await http.command('POST / HTTP/1.1'))?.code, 421);
  await http.waitClosed();
});

// What a client can put into an address, and what must never come out of it raw: a log
// line (forged entries, terminal escapes), a file path (traversal out of the Maildir), or a
// changed address (invalid UTF-8 silently replaced). Expected replies to MAIL and to RCPT,
// with bare line endings refused (the default) and allowed.
interface Hostile {
  address: Buffer;
  mail: RegExp;
  rcpt: RegExp;
  lenientMail?: RegExp;
  lenientRcpt?: RegExp;
  /** With bare line endings allowed, a second reply after MAIL and after RCPT (the line was split). */
  lenientSecond?: RegExp;
}
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const BAD_UTF8 = /^500 5\.5\.2 Error: bad UTF-8 syntax$/;
const BAD_SENDER = /^501 5\.1\.7 /;
const BAD_RCPT_SYNTAX = /^501 5\.1\.3 /;
const NO_MAILBOX = /^550 5\.1\.3 Error: bad destination mailbox address$/;
const OK_MAIL = /^250 2\.1\.0 /;
const HOSTILE: Hostile[] = [
  { address: latin1('bad\xff\xfeutf8@example.test'), mail: BAD_UTF8, rcpt: BAD_UTF8 },
  { address: latin1('\xc3\x28@example.test'), mail: BAD_UTF8, rcpt: BAD_UTF8 },
  { address: latin1('over\xc0\xaflong@example.test'), mail: BAD_UTF8, rcpt: BAD_UTF8 },
  { address: latin1('esc\x1b[31mred@example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  // a NUL anywhere ends the session, whatever the bare line ending setting
  { address: latin1('nul\x00byte@example.test'), mail: /^554 5\.5\.2 NUL character received in a command$/, rcpt: /^$/ },
  { address: latin1('tab\tx@example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  { address: latin1('../../../../tmp/escape@example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  { address: latin1('"quoted local"@example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  { address: latin1('x@../../example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  { address: latin1('a/b@example.test'), mail: OK_MAIL, rcpt: NO_MAILBOX },
  { address: latin1('back\\slash@example.test'), mail: OK_MAIL, rcpt: NO_MAILBOX },
  { address: latin1('.hidden@example.test'), mail: BAD_SENDER, rcpt: BAD_RCPT_SYNTAX },
  // non-ASCII without the SMTPUTF8 parameter (RFC 6531 3.7.4.1); smtputf8.test.ts has it with
  { address: Buffer.from('\u00fcnicode@example.test', 'utf8'), mail: /^553 5\.6\.7 /, rcpt: /^553 5\.6\.7 / },
  { address: latin1('x@[127.0.0.1]'), mail: OK_MAIL, rcpt: /^554 5\.7\.1 / },
  { address: latin1(`${'l'.repeat(65)}@example.test`), mail: OK_MAIL, rcpt: NO_MAILBOX },
  {
    address: latin1('cr\rinside@example.test'), mail: /^554 5\.5\.2 Bare <CR>/, rcpt: /^$/,
    lenientMail: BAD_SENDER, lenientRcpt: BAD_RCPT_SYNTAX,
  },
  {
    // an allowed bare LF ends the command line: "MAIL FROM:<lf" is a syntax error, "inside…>" an unknown command
    address: latin1('lf\ninside@example.test'), mail: /^554 5\.5\.2 Bare <LF>/, rcpt: /^$/,
    lenientMail: BAD_SENDER, lenientRcpt: BAD_RCPT_SYNTAX, lenientSecond: /^500 5\.5\.2 /,
  },
];

for (const strict of [true, false]) {
  const mode = strict ? 'bare line endings refused' : 'bare line endings allowed';
  test(`hostile addresses (${mode}): refused where they arrive, nothing raw in a log line, no stray file`, { timeout: 30000 }, async (t) => {
    const running = await startAbuseServer(t, { rejectBareLineEndings: strict }, { delivery: true });
    let accepted = 0;
    for (const hostile of HOSTILE) {
      const shown = JSON.stringify(hostile.address.toString('latin1'));
      const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.67' });
      await client.read();
      await client.command('EHLO client.example');
      client.write(Buffer.concat([latin1('MAIL FROM:<'), hostile.address, latin1('>\r\n')]));
      const mail = await client.read();
      const expectedMail = strict ? hostile.mail : (hostile.lenientMail ?? hostile.mail);
      assert.match(mail?.text ?? '', expectedMail, `MAIL ${shown}`);
      const second = strict ? undefined : hostile.lenientSecond;
      if (second) assert.match((await client.read())?.text ?? '', second, `the rest of the split MAIL ${shown}`);
      if (mail && mail.code !== 554) {
        if (mail.code !== 250) assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
        client.write(Buffer.concat([latin1('RCPT TO:<'), hostile.address, latin1('>\r\n')]));
        const rcpt = await client.read();
        assert.match(rcpt?.text ?? '', strict ? hostile.rcpt : (hostile.lenientRcpt ?? hostile.rcpt), `RCPT ${shown}`);
        if (second) assert.match((await client.read())?.text ?? '', second, `the rest of the split RCPT ${shown}`);
        // the session goes on: a valid recipient, and a message that reaches only it
        assert.equal((await client.command('RCPT TO:<valid@example.test>'))?.code, 250, shown);
        assert.equal((await client.command('DATA'))?.code, 354);
        assert.match((await client.command('Subject: hostile\r\n\r\nbody\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
        accepted++;
      } else {
        await client.waitClosed();
      }
      client.close();
    }
    // the envelope goes first (the commit point), then the message and its state
    await waitUntil('delivery of every accepted message', async () => (await filesBelow(running.dir)).every((f) => !/^spool\/(queue|state)\//.test(f)), 20000);
    const files = await filesBelow(running.dir);
    const delivered = files.filter((f) => f.startsWith('mail/'));
    assert.ok(delivered.every((f) => /^mail\/example\.test\/valid\/(new|cur|tmp)\/[^/]+$/.test(f)), `only the valid mailbox was written:\n${delivered.join('\n')}`);
    assert.equal(delivered.filter((f) => f.startsWith('mail/example.test/valid/new/')).length, accepted, 'one copy per accepted message, no bounces');
    assert.ok(files.every((f) => f.startsWith('mail/') || f.startsWith('spool/')), files.join('\n'));
    assert.deepEqual(rawControlInLogs(running), []);
  });
}

test('hostile HELO names and AUTH user names: refused or escaped, never raw in a log line or a stored header', { timeout: 30000 }, async (t) => {
  const running = await startAbuseServer(t, {
    auth: { mechanisms: [{ mechanism: 'PLAIN', userStore: null, source: 'fixture.smtppolicy:30:1' }], anonymous: true, senderMustMatch: false, source: 'fixture.smtppolicy:30:1' },
    limits: { authFailures: 50 },
  });
  // the hostile names are refused at HELO; the last, plain one carries the AUTH and the message
  const helos = ['evil\x1b[2Jhost', 'nul\x00host', 'del\x7fhost', '\xff\xfehost', 'tab\thost', 'client.example'];
  for (const helo of helos) {
    const client = await RawSmtpClient.connect({ port: running.port(), localAddress: '127.0.0.68' });
    t.after(() => client.close());
    await client.read();
    const reply = await client.command(`HELO ${helo}`);
    if (helo === 'client.example') {
      assert.equal(reply?.code, 250);
      // user names with a line break or a terminal escape are refused before any check
      for (const forged of ['forged\r\nlevel=info', 'forged\x1b[31mred', 'nul\x00']) {
        const refused = await client.command(`AUTH PLAIN ${Buffer.from(`\0${forged}\0pw`, 'latin1').toString('base64')}`, 15000);
        assert.match(refused?.text ?? '', /^501 5\.5\.4 /, JSON.stringify(forged));
      }
      // an ordinary wrong login is checked, fails, and is logged
      const auth = await client.command(`AUTH PLAIN ${Buffer.from('\0someone@example.test\0pw', 'latin1').toString('base64')}`, 15000);
      assert.match(auth?.text ?? '', /^535 5\.7\.8 /);
      assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
      assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250);
      assert.equal((await client.command('DATA'))?.code, 354);
      assert.match((await client.command('Subject: helo\r\n\r\nbody\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
    } else {
      const expected = helo.includes('\x00') ? /^554 5\.5\.2 NUL character received in a command$/ : /^50[01] /;
      assert.match(reply?.text ?? '', expected, `${JSON.stringify(helo)}: ${reply?.text}`);
    }
    client.close();
  }
  const stored = await spooled(running);
  assert.equal(stored.length, 1);
  for (const message of stored) {
    const received = message.text.slice(0, message.text.indexOf('\r\n\r\n'));
    assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(received), `raw control character in ${JSON.stringify(received)}`);
    assert.ok(received.split('\r\n').every((line, i) => i === 0 || /^[\t ]|^Subject: /.test(line)), 'no header was injected');
  }
  assert.equal(running.logs.filter((l) => l.event === 'auth').length, 1, 'only the ordinary login reached a password check');
  assert.deepEqual(rawControlInLogs(running), []);
});
