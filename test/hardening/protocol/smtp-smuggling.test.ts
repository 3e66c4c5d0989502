// SMTP smuggling (SEC Consult, 2023): a sender hides a second message behind an
// end-of-data sequence that this server and some other receiver disagree about. Every
// variant from the published research is sent here with a complete second transaction
// behind it; whatever the variant, the server must never store or acknowledge a second
// message. With the default (rejectBareLineEndings) a bare CR or LF ends the session with
// 554 5.5.2 and nothing is stored; a NUL ends the session with 554 5.6.0 whatever the
// settings (a next hop that cuts lines at NUL would see `\r\n\0.\r\n` as the end of data);
// a variant with neither (a space before the dot) is just content, so the one message keeps
// it; and an operator who allows bare line endings still gets exactly one message with
// every byte of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAbuseServer, openTransaction, spooled } from './abuse-helpers.js';
import type { RawSmtpClient } from '../../helpers/smtp-client.js';

const SMUGGLED = 'MAIL FROM:<admin@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nFrom: admin@example.test\r\nSubject: smuggled\r\n\r\nsmuggled body\r\n';

/** End-of-data look-alikes with a bare CR or LF in them. */
const BARE_VARIANTS: Record<string, string> = {
  'LF . LF': '\n.\n',
  'LF . CRLF': '\n.\r\n',
  'CR . CR': '\r.\r',
  'CRLF . CR': '\r\n.\r',
  'CR . CRLF': '\r.\r\n',
  'CRLF . LF': '\r\n.\n',
  'LF . CR': '\n.\r',
  'CR . LF': '\r.\n',
  'CR LF . LF (split)': '\r\n.\n',
  'CR CR LF . CR CR LF': '\r\r\n.\r\r\n',
  'CRLF . CR CRLF': '\r\n.\r\r\n',
};

/** Look-alikes with a NUL: refused, never stored or relayed. */
const NUL_VARIANTS: Record<string, string> = {
  'CRLF NUL . CRLF': '\r\n\x00.\r\n',
  'CRLF . NUL CRLF': '\r\n.\x00\r\n',
  'NUL alone': 'text\x00text\r\n',
};

/** Look-alikes without a bare line ending or NUL: content, never an end of data. */
const CONTENT_VARIANTS: Record<string, string> = {
  'CRLF SP . CRLF': '\r\n .\r\n',
  'CRLF . SP CRLF': '\r\n. \r\n',
  'CRLF TAB . CRLF': '\r\n\t.\r\n',
};

async function sendSmuggling(client: RawSmtpClient, variant: string, split: boolean): Promise<void> {
  assert.equal((await client.command('DATA'))?.code, 354);
  const head = 'From: sender@outside.example\r\nSubject: first\r\n\r\nfirst body';
  if (split) {
    // the CR and the rest in separate TCP segments: state must carry across chunks
    client.write(`${head}${variant.slice(0, 1)}`);
    await new Promise((r) => setTimeout(r, 60));
    client.write(`${variant.slice(1)}${SMUGGLED}.\r\n`);
  } else {
    client.write(`${head}${variant}${SMUGGLED}.\r\n`);
  }
}

describe('SMTP smuggling with bare line endings refused (the default)', () => {
  for (const [name, variant] of Object.entries(BARE_VARIANTS)) {
    test(`${name}: 554 5.5.2, the session ends, nothing is stored`, { timeout: 10000 }, async (t) => {
      const running = await startAbuseServer(t);
      const client = await openTransaction(t, running.port());
      await sendSmuggling(client, variant, name.includes('split'));
      const reply = await client.read();
      assert.match(reply?.text ?? '', /^554 5\.5\.2 Bare <(CR|LF)> received/);
      await client.waitClosed();
      assert.equal(await client.read(), null, 'no reply to any smuggled command');
      assert.deepEqual(await spooled(running), []);
      const refused = running.logs.find((l) => l.event === 'bare-line-ending');
      assert.equal(refused?.inData, true, 'the log says where the bare line ending was');
    });
  }
});

describe('NUL in message data or commands is refused, whatever the bare line ending setting', () => {
  for (const [name, variant] of Object.entries(NUL_VARIANTS)) {
    for (const rejectBareLineEndings of [true, false]) {
      test(`${name} (rejectBareLineEndings ${rejectBareLineEndings}): 554 5.6.0, the session ends, nothing is stored`, { timeout: 10000 }, async (t) => {
        const running = await startAbuseServer(t, { rejectBareLineEndings });
        const client = await openTransaction(t, running.port());
        await sendSmuggling(client, variant, false);
        assert.match((await client.read())?.text ?? '', /^554 5\.6\.0 NUL character received in message data/);
        await client.waitClosed();
        assert.equal(await client.read(), null, 'no reply to any smuggled command');
        assert.deepEqual(await spooled(running), []);
        assert.equal(running.logs.find((l) => l.event === 'nul-character')?.inData, true);
      });
    }
  }

  test('a NUL in a command: 554 5.5.2 and the session ends', { timeout: 10000 }, async (t) => {
    const running = await startAbuseServer(t);
    const client = await openTransaction(t, running.port());
    assert.match((await client.command('RCPT TO:<other\x00@example.test>'))?.text ?? '', /^554 5\.5\.2 NUL character received in a command$/);
    await client.waitClosed();
    assert.equal(running.logs.find((l) => l.event === 'nul-character')?.inData, false);
  });
});

describe('SMTP smuggling with look-alikes that contain no bare line ending', () => {
  for (const [name, variant] of Object.entries(CONTENT_VARIANTS)) {
    test(`${name}: one message, the smuggled text stays its content`, { timeout: 10000 }, async (t) => {
      const running = await startAbuseServer(t);
      const client = await openTransaction(t, running.port());
      await sendSmuggling(client, variant, false);
      const reply = await client.read();
      assert.match(reply?.text ?? '', /^250 2\.0\.0 Ok: queued as /);
      assert.equal((await client.command('QUIT'))?.code, 221, 'the next reply answers QUIT: nothing was run from the data');
      const messages = await spooled(running);
      assert.equal(messages.length, 1);
      const [message] = messages;
      assert.deepEqual(message!.envelope.recipients.map((r) => r.address), ['user@example.test']);
      assert.equal(message!.envelope.mailFrom, 'sender@outside.example');
      assert.ok(message!.text.includes(`first body${variant}MAIL FROM:<admin@example.test>`), 'the look-alike and what follows are kept as content');
      assert.ok(message!.text.endsWith('smuggled body\r\n'));
    });
  }
});

describe('SMTP smuggling when the operator allows bare line endings', () => {
  for (const [name, variant] of Object.entries(BARE_VARIANTS)) {
    test(`${name}: still exactly one message, nothing lost`, { timeout: 10000 }, async (t) => {
      const running = await startAbuseServer(t, { rejectBareLineEndings: false });
      const client = await openTransaction(t, running.port());
      await sendSmuggling(client, variant, name.includes('split'));
      const reply = await client.read();
      assert.match(reply?.text ?? '', /^250 2\.0\.0 Ok: queued as /);
      assert.equal((await client.command('QUIT'))?.code, 221);
      const messages = await spooled(running);
      assert.equal(messages.length, 1, 'never a second message');
      assert.deepEqual(messages[0]!.envelope.recipients.map((r) => r.address), ['user@example.test']);
      assert.ok(messages[0]!.text.includes('smuggled body'), 'the hidden text is content of the one message');
    });
  }
});
