// Queue ids and Maildir file names take their random part from a pool of random bytes
// (random-hex.ts): the pool must never hand out the same bytes twice, across its refills too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHex } from '../../../runtime/delivery/random-hex.js';

test('random hex: the requested length, lower-case hex, never the same value twice across pool refills', () => {
  const seen = new Set<string>();
  // 5,000 × 8 bytes: ten refills of the 4 KiB pool, and draws that straddle its end
  for (let i = 0; i < 5000; i++) {
    const hex = randomHex(i % 2 === 0 ? 8 : 5);
    assert.match(hex, i % 2 === 0 ? /^[0-9a-f]{16}$/ : /^[0-9a-f]{10}$/);
    assert.ok(!seen.has(hex), `drawn twice: ${hex}`);
    seen.add(hex);
  }
});

test('random hex: a request larger than the pool is served whole', () => {
  const hex = randomHex(10_000);
  assert.equal(hex.length, 20_000);
  assert.match(hex, /^[0-9a-f]+$/);
});
