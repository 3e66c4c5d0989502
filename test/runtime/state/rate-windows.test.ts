// The rate limits' counts (rate-windows.ts, through LocalSharedState): fixed windows per key
// and server, refused events not counted, the retry time, and memory that stays bounded
// under a flood of distinct keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalSharedState, type SharedLimitNumbers } from '../../../runtime/state/index.js';
import { RateWindows } from '../../../runtime/state/rate-windows.js';

const LIMITS: SharedLimitNumbers = { maxConnections: 100, maxConnectionsPerAddress: 10, idleTimeoutMs: 300_000, authFailures: 5, authFailureWindowMs: 900_000 };

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

test('a window admits exactly `limit` events, refuses the rest with the time until it ends, and a new window starts afresh', async () => {
  const time = clock();
  const limits = new LocalSharedState({ now: time.now }).server('mx', LIMITS);
  const verdicts = [];
  for (let i = 0; i < 5; i++) verdicts.push(await limits.rateHit('message:address:192.0.2.7', 3, 60_000));
  assert.deepEqual(verdicts.map((v) => v.allowed), [true, true, true, false, false]);
  assert.equal(verdicts[3]!.retryAfterMs, 60_000);
  time.t += 45_000;
  assert.deepEqual(await limits.rateHit('message:address:192.0.2.7', 3, 60_000), { allowed: false, retryAfterMs: 15_000 });
  time.t += 15_000;
  assert.deepEqual(await limits.rateHit('message:address:192.0.2.7', 3, 60_000), { allowed: true, retryAfterMs: 0 });
});

test('keys and servers are counted apart: another address, another key kind, another server has its own window', async () => {
  const state = new LocalSharedState({ now: clock().now });
  const mx = state.server('mx', LIMITS);
  const submission = state.server('submission', LIMITS);
  assert.equal((await mx.rateHit('connection:address:192.0.2.7', 1, 60_000)).allowed, true);
  assert.equal((await mx.rateHit('connection:address:192.0.2.7', 1, 60_000)).allowed, false);
  assert.equal((await mx.rateHit('connection:address:192.0.2.8', 1, 60_000)).allowed, true);
  assert.equal((await mx.rateHit('message:address:192.0.2.7', 1, 60_000)).allowed, true);
  assert.equal((await submission.rateHit('connection:address:192.0.2.7', 1, 60_000)).allowed, true);
});

test('a flood of distinct keys keeps at most maxEntries windows; expired windows are swept first', () => {
  const time = clock();
  const windows = new RateWindows({ maxEntries: 1000, now: time.now });
  for (let i = 0; i < 50_000; i++) windows.hit(`connection:address:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 5, 60_000);
  assert.equal(windows.size, 1000);
  // the newest keys kept their windows (the oldest made room)
  assert.equal(windows.hit('connection:address:10.0.195.79', 1, 60_000).allowed, false);
  time.t += 60_000;
  windows.hit('connection:address:192.0.2.1', 5, 60_000);
  assert.equal(windows.size, 1, 'every expired window was dropped to make room for a new one');
});
