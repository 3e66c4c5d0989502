import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeHarness } from './helpers/worker-harness.js';
import { waitFor } from './helpers/smarthost-fixture.js';
import { messageText, listFiles } from './helpers/spool-fixtures.js';
import { parseDsn } from './helpers/dsn-parse.js';

test('local recipients get the exact message in Maildir new/, with Return-Path and Delivered-To first', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    h.start();
    const message = messageText('local', 'line one\r\n..two dots kept\r\n');
    const id = await h.accept(message, {
      recipients: [
        { address: 'alice@example.test', route: 'local' },
        { address: 'Bob@Example.TEST', route: 'local' },
      ],
    });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    for (const [address, folder] of [['alice@example.test', 'alice@example.test'], ['Bob@Example.TEST', 'bob@example.test']] as const) {
      const delivered = await h.mailbox(folder);
      assert.equal(delivered.length, 1, `${address} gets one copy`);
      assert.equal(delivered[0], `Return-Path: <sender@remote.test>\r\nDelivered-To: ${address}\r\n${message}`);
    }
    const names = await readdir(join(h.config.storage.maildir, 'example.test', 'alice', 'new'));
    assert.match(names[0]!, /^\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}\./);
    assert.deepEqual(await readdir(join(h.config.storage.maildir, 'example.test', 'alice', 'tmp')), []);
    // remove() deletes the envelope first (the commit point), then the message and the state.
    await waitFor('the state to be removed with the message', async () => (await h.spool.readState(id)) === null);
  } finally {
    await h.cleanup();
  }
});

test('recipients whose address would escape the mail root are refused permanently and bounced', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    h.start();
    const hostile = ['../../escape@example.test', 'a/b@example.test', '.hidden@example.test', 'back\\slash@example.test', 'nul\u0000x@example.test', 'tab\tx@example.test', 'x@../example.test', `${'l'.repeat(65)}@example.test`];
    await h.accept(messageText('hostile'), {
      mailFrom: 'postmaster@example.test',
      recipients: [...hostile.map((address) => ({ address, route: 'local' as const })), { address: 'carol@example.test', route: 'local' }],
    });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal((await h.mailbox('carol@example.test')).length, 1, 'the valid recipient is delivered');
    const files = await listFiles(h.dir);
    assert.ok(files.every((f) => f.startsWith('mail/example.test/') || f.startsWith('spool/')), files.join('\n'));
    const bounces = await h.mailbox('postmaster@example.test');
    assert.equal(bounces.length, 1, 'one DSN for all refused recipients');
    assert.match(bounces[0]!, /^Return-Path: <>\r\nDelivered-To: postmaster@example.test\r\n/);
    const dsn = parseDsn(bounces[0]!.replace(/^Return-Path: <>\r\nDelivered-To: [^\r]*\r\n/, ''));
    assert.equal(dsn.perRecipient.length, hostile.length);
    for (const group of dsn.perRecipient) {
      assert.equal(group.get('action'), 'failed');
      assert.equal(group.get('status'), '5.1.3');
      assert.match(group.get('diagnostic-code') ?? '', /^x-smtppolicy; bad destination mailbox address/);
      assert.ok(!/[\x00-\x1f]/.test(group.get('final-recipient')!), 'no control characters reach the report');
    }
  } finally {
    await h.cleanup();
  }
});

test('a bounce is never bounced: a failure for a null sender is dropped without a DSN', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    h.start();
    await h.accept(messageText('bounce'), { mailFrom: '', recipients: [{ address: '../x@example.test', route: 'local' }] });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.deepEqual((await listFiles(h.dir)).filter((f) => f.startsWith('mail/')), []);
    assert.ok(h.logger.lines.some((l) => l.msg === 'delivery: failed permanently'));
  } finally {
    await h.cleanup();
  }
});
