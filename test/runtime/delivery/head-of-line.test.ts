// One slow destination must not hold the relay slots of the others: messages for a route
// whose host already has as many transactions as it may have wait without a relay slot,
// and mail for another route goes past them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness } from './helpers/worker-harness.js';
import { startSmarthost, waitFor } from './helpers/smarthost-fixture.js';
import { messageText } from './helpers/spool-fixtures.js';
import { src } from '../fixtures/config-builder.js';

test('messages waiting for a busy destination leave the relay slots to other destinations', { timeout: 15_000 }, async () => {
  const slow = await startSmarthost({ dataDelayMs: 1_500 });
  const fast = await startSmarthost();
  const h = await makeHarness({ kind: 'hold', source: null });
  h.config.servers[0]!.routes = [
    { domain: 'slow.test', host: '127.0.0.1', port: slow.port, source: src(60) },
    { domain: 'fast.test', host: '127.0.0.1', port: fast.port, source: src(61) },
  ];
  try {
    // the three slow ones first: with two relay slots and one transaction at a time to
    // slow.test, the second would otherwise take the other slot and wait there
    for (const i of [1, 2, 3]) await h.accept(messageText(`slow-${i}`), { recipients: [{ address: `s${i}@slow.test`, route: 'relay' }] });
    await h.accept(messageText('fast'), { recipients: [{ address: 'f@fast.test', route: 'relay' }] });
    h.start({ concurrency: { relay: 2, perDestination: 1 } });
    await waitFor('the fast message', () => fast.received.length === 1);
    // Were the fast message queued behind the slow ones, it could only take a slot that the
    // first slow delivery freed, after its answer: so it must arrive before any slow answer.
    // (Whether slow-1's data has reached the slow host yet is a race, not the point.)
    assert.equal(slow.answered, 0, 'the fast message went while the first slow one was still being answered');
    assert.ok(slow.received.length <= 1, 'one transaction at a time to slow.test');
    await waitFor('the slow ones', async () => (await h.spool.count()) === 0);
    assert.equal(slow.received.length, 3);
  } finally {
    await h.cleanup();
    await slow.close();
    await fast.close();
  }
});
