import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs } from '../../../runtime/delivery/retry-schedule.js';

test('retries start at a minute, double, and stop growing at an hour', () => {
  const top = () => 1 - Number.EPSILON;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE, top)),
    [60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000],
  );
});

test('jitter spreads a delay over its upper half, never beyond the cap', () => {
  assert.equal(retryDelayMs(3, DEFAULT_RETRY_SCHEDULE, () => 0), 120_000);
  for (let i = 0; i < 200; i++) {
    const delay = retryDelayMs(10, DEFAULT_RETRY_SCHEDULE);
    assert.ok(delay >= 1_800_000 && delay <= 3_600_000, String(delay));
  }
});
