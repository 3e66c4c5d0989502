// Operator actions reaching the delivery worker at the worst moment: while a scan of the
// spool has read a message's envelope and not yet queued it. The scan's read is held back
// here, so the moment is hit every time rather than once in a few dozen runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, smarthostTarget, type Harness } from './helpers/worker-harness.js';
import { startSmarthost, waitFor, type Smarthost } from './helpers/smarthost-fixture.js';
import { messageText } from './helpers/spool-fixtures.js';
import type { DeliveryWorker } from '../../../runtime/delivery/worker.js';
import type { StoredEnvelope } from '../../../runtime/delivery/spool.js';

const HOUR = 3_600_000;

/**
 * A message deferred for an hour (its smart host was down), now held and released by the
 * operator, so that the next scan reads its envelope; that read waits until `open()`.
 */
async function releasedWhileScanned(): Promise<{ h: Harness; worker: DeliveryWorker; id: string; up: Smarthost; scanReading: Promise<void>; open(): void }> {
  const down = await startSmarthost();
  await down.close();
  const h = await makeHarness(smarthostTarget(down.port));
  const worker = h.start({ retry: { initialMs: HOUR, maxMs: HOUR } });
  const id = await h.accept(messageText('operator'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
  await waitFor('a deferral', async () => (await h.spool.readState(id))?.recipients[0]?.attempts === 1);
  const up = await startSmarthost({ port: down.port });
  assert.deepEqual(await worker.control({ action: 'hold', ids: [id] }), [{ id, outcome: 'held' }]);

  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let reading!: () => void;
  const scanReading = new Promise<void>((resolve) => (reading = resolve));
  // armed once the release has answered (it reads the envelope too): the scan it asks for
  // runs from a timer, after this test's code has gone on
  let armed = false;
  const readEnvelope = h.spool.readEnvelope.bind(h.spool);
  h.spool.readEnvelope = async (wanted: string): Promise<StoredEnvelope> => {
    const envelope = await readEnvelope(wanted);
    if (armed && wanted === id) {
      armed = false; // only the scan's read waits; the actions read the envelope too
      reading();
      await gate;
    }
    return envelope;
  };
  assert.deepEqual(await worker.control({ action: 'release', ids: [id] }), [{ id, outcome: 'released' }]);
  armed = true;
  return { h, worker, id, up, scanReading, open };
}

test('a requeue that arrives while a scan reads the message is not lost', { timeout: 10_000 }, async () => {
  const { h, worker, id, up, scanReading, open } = await releasedWhileScanned();
  try {
    await scanReading;
    assert.deepEqual(await worker.control({ action: 'requeue', ids: [id] }), [{ id, outcome: 'requeued' }]);
    open();
    // the retry is an hour away: only the requeue can deliver it now
    await waitFor('the requeued message', () => up.received.length === 1);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(up.received.length, 1);
  } finally {
    open();
    await h.cleanup();
    await up.close();
  }
});

test('a message deleted while a scan reads it is not tried from what the scan read', { timeout: 10_000 }, async () => {
  const { h, worker, id, up, scanReading, open } = await releasedWhileScanned();
  try {
    await scanReading;
    assert.deepEqual(await worker.control({ action: 'delete', ids: [id] }), [{ id, outcome: 'deleted' }]);
    open();
    // a few scans (every 30 ms) and a delivery would have happened by now
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(up.mailCommands, 0);
    assert.equal(await h.spool.count(), 0);
    // nor tried: its file is gone, and trying would log an error for what the operator did on purpose
    assert.deepEqual(h.logger.lines.filter((l) => l.level === 'error').map((l) => l.obj.event), []);
  } finally {
    open();
    await h.cleanup();
    await up.close();
  }
});
