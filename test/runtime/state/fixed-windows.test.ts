// rateHit of one process (local-limits.ts, and the fallback of `on-unreachable local`):
// fixed windows as the Redis script keeps them, so the two count alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedWindows } from '../../../runtime/state/fixed-windows.js';

test('a window holds `limit` events; the next is refused until the window ends, then counting starts afresh', () => {
  let now = 60_000 * 10 + 15_000; // 15 s into a minute window
  const windows = new FixedWindows(() => now);
  for (let i = 0; i < 3; i++) assert.deepEqual(windows.hit('messages:192.0.2.1', 3, 60_000), { allowed: true, retryAfterMs: 0 });
  assert.deepEqual(windows.hit('messages:192.0.2.1', 3, 60_000), { allowed: false, retryAfterMs: 45_000 });
  // other keys and other periods count apart
  assert.equal(windows.hit('messages:192.0.2.2', 3, 60_000).allowed, true);
  assert.equal(windows.hit('messages:192.0.2.1', 3, 3_600_000).allowed, true);
  now += 45_000;
  assert.deepEqual(windows.hit('messages:192.0.2.1', 3, 60_000), { allowed: true, retryAfterMs: 0 });
  // the windows that ended were dropped when the new one started
  assert.equal(windows.size, 2);
});
