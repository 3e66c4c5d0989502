// The throttle's keys: IPv6 clients are counted per /64 (one host owns all of it), IPv4
// clients per address; the per-user bound holds across networks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthThrottle } from '../../../runtime/auth/auth-throttle.js';

const options = { limit: 3, windowMs: 60_000, baseDelayMs: 1 };

test('addresses of one IPv6 /64 share one failure count; another /64 does not', () => {
  const throttle = new AuthThrottle(options);
  for (let i = 1; i <= 3; i++) throttle.recordFailure(`2001:db8:1:2::${i}`, `user${i}@example.test`);
  assert.equal(throttle.isLockedOut('2001:db8:1:2:ffff::9'), true, 'any address of the /64 is locked out');
  assert.equal(throttle.isLockedOut('2001:db8:1:3::1'), false, 'the next /64 is not');
});

test('IPv4 addresses are counted one by one', () => {
  const throttle = new AuthThrottle(options);
  for (let i = 0; i < 3; i++) throttle.recordFailure('192.0.2.1', `user${i}@example.test`);
  assert.equal(throttle.isLockedOut('192.0.2.1'), true);
  assert.equal(throttle.isLockedOut('192.0.2.2'), false);
});

test('a user under attack: each further network gets one guess, networks the user logged in from keep their budget, the window ends it', () => {
  let now = 0;
  const throttle = new AuthThrottle({ ...options, now: () => now });
  throttle.recordSuccess('198.51.100.7', 'u@example.test');
  assert.equal(throttle.recordFailure('192.0.2.1', 'u@example.test').lockedOut, false);
  assert.equal(throttle.recordFailure('192.0.2.2', 'u@example.test').lockedOut, false);
  assert.equal(throttle.recordFailure('192.0.2.3', 'u@example.test').lockedOut, true, 'the third failure puts the user under attack');
  assert.equal(throttle.isLockedOut('192.0.2.1', 'U@example.test'), true, 'networks that guessed are refused the user');
  assert.equal(throttle.isLockedOut('192.0.2.1', 'other@example.test'), false, 'but not other users');
  assert.equal(throttle.isLockedOut('192.0.2.9', 'u@example.test'), false, 'a fresh network may try');
  assert.equal(throttle.recordFailure('192.0.2.9', 'u@example.test').lockedOut, true, 'once');
  assert.equal(throttle.recordFailure('198.51.100.7', 'u@example.test').lockedOut, false, 'the user\'s own network keeps its budget');
  assert.equal(throttle.isLockedOut('198.51.100.7', 'u@example.test'), false);
  now += 60_001;
  assert.equal(throttle.isLockedOut('192.0.2.1', 'u@example.test'), false, 'the window passed');
});
