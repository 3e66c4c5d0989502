import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { makeHarness } from './helpers/worker-harness.js';
import { waitFor } from './helpers/smarthost-fixture.js';
import { messageText } from './helpers/spool-fixtures.js';
import { SpoolWriteError } from '../../../runtime/delivery/spool.js';

test('when the spool becomes unwritable, accept rejects and the worker keeps running and recovers', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    h.start();
    const id = await h.accept(messageText('first'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    await waitFor('the hold', async () => (await h.spool.readState(id))?.recipients[0]?.heldReason ?? undefined);
    // A file where tmp/ should be: every new write fails, as on a full or broken disk.
    await rm(h.spool.tmpDir, { recursive: true });
    await writeFile(h.spool.tmpDir, 'in the way');
    await assert.rejects(h.accept(messageText('refused')), SpoolWriteError);
    await h.spool.requestRetry(id);
    await waitFor('the worker to report the failure', () => h.logger.lines.some((l) => l.level === 'error') || undefined);
    assert.equal(await h.spool.count(), 1, 'nothing lost');
    await rm(h.spool.tmpDir);
    await mkdir(h.spool.tmpDir);
    await h.accept(messageText('later'), { recipients: [{ address: 'alice@example.test', route: 'local' }] });
    await waitFor('local delivery after recovery, and its message removed', async () => (await h.spool.count()) === 1);
    assert.equal((await h.mailbox('alice@example.test')).length, 1);
    assert.equal((await h.spool.ids())[0], id, 'the held message is still queued');
  } finally {
    await h.cleanup();
  }
});
