// The intake wakes delivery through the spool (issue 19): each committed message is signalled
// once, after it is durable, with its envelope and (up to HANDOFF_MAX_BYTES) its bytes, and
// the worker starts it from that signal alone, without waiting for a scan of the spool; a
// message delivered at once is removed without a state file ever being written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { HANDOFF_MAX_BYTES, Spool, type StoredMessage } from '../../../runtime/delivery/spool.js';
import { makeEnvelope, makeTempDir, messageText, streamOf } from './helpers/spool-fixtures.js';
import { makeHarness } from './helpers/worker-harness.js';
import { waitFor } from './helpers/smarthost-fixture.js';

test('a committed message is signalled once, after it is in the queue, with its envelope and bytes', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('handoff');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const seen: Array<StoredMessage & { committed: boolean }> = [];
    spool.onStored((message) => {
      // a listener runs before accept() resolves: the message must already be committed
      const committed = Promise.all([spool.readMessage(message.envelope.id), spool.readEnvelope(message.envelope.id)]).then(() => true, () => false);
      seen.push({ ...message, committed: false });
      void committed.then((ok) => (seen.find((s) => s.envelope.id === message.envelope.id)!.committed = ok));
    });
    const small = Buffer.from(messageText('small'));
    const { id } = await spool.accept(makeEnvelope(), streamOf(small));
    const large = Buffer.alloc(HANDOFF_MAX_BYTES + 1, 0x61);
    const { id: largeId } = await spool.accept(makeEnvelope(), Readable.from([large.subarray(0, 70_000), large.subarray(70_000)]));
    const failing = new Readable({ read() { this.destroy(new Error('client went away')); } });
    await assert.rejects(spool.accept(makeEnvelope(), failing));
    await waitFor('the checks to finish', () => seen.every((s) => s.committed));
    assert.deepEqual(seen.map((s) => s.envelope.id), [id, largeId], 'one signal per committed message, none for the failed one');
    assert.deepEqual(seen[0]!.envelope, await spool.readEnvelope(id));
    assert.deepEqual(seen[0]!.bytes, small);
    assert.deepEqual(seen[0]!.bytes, await spool.readMessage(id));
    assert.equal(seen[1]!.bytes, null, 'a message over the hand-off size is read back from its file');
  } finally {
    await cleanup();
  }
});

test('the worker delivers a message the intake stored without a scan, and writes no state for it', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    const writes: string[] = [];
    const writeState = h.spool.writeState.bind(h.spool);
    h.spool.writeState = async (state) => {
      writes.push(state.id);
      await writeState(state);
    };
    // no scan during the test: only the first one, at start, on an empty spool
    h.start({ pollIntervalMs: 600_000 });
    await new Promise((r) => setTimeout(r, 100));
    const message = messageText('woken');
    // straight into the spool, as the intake does, without the harness's kick()
    await h.spool.accept(makeEnvelope({ server: 'default', receivedAt: new Date().toISOString() }), streamOf(message));
    await waitFor('the message in the Maildir', async () => (await h.mailbox('alice@example.test')).length === 1, 5000);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0, 5000);
    assert.equal((await h.mailbox('alice@example.test'))[0], `Return-Path: <sender@remote.test>\r\nDelivered-To: alice@example.test\r\n${message}`);
    assert.deepEqual(writes, [], 'no state file for a message delivered in one attempt');
  } finally {
    await h.cleanup();
  }
});
