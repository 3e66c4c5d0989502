// The slot rules derived from `connections` and `connections-per-address` (SECURITY.md
// states them for users): a network's share, the reserved tenth, the stress threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionCounter } from '../../../runtime/state/connection-counter.js';
import { admitToSlot, idleTimeoutNow, perNetworkLimit, reservedSlots, STRESS_IDLE_MS } from '../../../runtime/smtp/connection-slots.js';

const DEFAULTS = { maxConnections: 100, maxConnectionsPerAddress: 10, idleTimeoutMs: 300_000 };

test('the defaults: 20 per network, 10 reserved, stress from 50', () => {
  assert.equal(perNetworkLimit(DEFAULTS), 20);
  assert.equal(reservedSlots(DEFAULTS), 10);
  assert.equal(perNetworkLimit({ ...DEFAULTS, maxConnectionsPerAddress: 50 }), 50, 'never below the per-address limit');
  assert.equal(reservedSlots({ ...DEFAULTS, maxConnections: 5 }), 0, 'a tiny server reserves nothing');
});

test('a network fills its share, then only known clients of it get in', () => {
  const counter = new ConnectionCounter();
  for (let i = 0; i < 20; i++) counter.add(`192.0.2.${i % 5}`);
  assert.equal(admitToSlot(DEFAULTS, counter, '192.0.2.9', false), 'max-connections-per-network');
  assert.equal(admitToSlot(DEFAULTS, counter, '192.0.2.9', true), null);
  assert.equal(admitToSlot(DEFAULTS, counter, '198.51.100.1', false), null);
});

test('the last tenth is for known clients; the stress timeout from half on; a release frees the slot', () => {
  const counter = new ConnectionCounter();
  const releases = Array.from({ length: 90 }, (_, i) => counter.add(`10.${i}.0.1`));
  assert.equal(admitToSlot(DEFAULTS, counter, '203.0.113.1', false), 'max-connections');
  assert.equal(admitToSlot(DEFAULTS, counter, '203.0.113.1', true), null);
  assert.equal(idleTimeoutNow(DEFAULTS, counter), STRESS_IDLE_MS);
  releases.slice(0, 41).forEach((release) => release());
  releases[0]!();
  assert.equal(counter.size, 49, 'a release counts once');
  assert.equal(idleTimeoutNow(DEFAULTS, counter), 300_000);
});
