// The network keys limits are counted under: /24 for IPv4, /64 for IPv6, whatever spelling
// the address came in (IPv4-mapped IPv6 is IPv4; IPv6 in any compression is one network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authThrottleKey, clientNetwork } from '../../net/client-network.js';

test('IPv4 clients share their /24, IPv6 clients their /64', () => {
  assert.equal(clientNetwork('192.0.2.77'), '192.0.2.0/24');
  assert.equal(clientNetwork('::ffff:192.0.2.77'), '192.0.2.0/24');
  assert.equal(clientNetwork('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(clientNetwork('2001:0DB8:0001:0002:ffff:ffff:ffff:fffe'), '2001:db8:1:2::/64');
  assert.notEqual(clientNetwork('2001:db8:1:3::1'), clientNetwork('2001:db8:1:2::1'));
});

test('failed logins: an IPv4 address counts alone, an IPv6 address as its /64', () => {
  assert.equal(authThrottleKey('192.0.2.77'), '192.0.2.77');
  assert.equal(authThrottleKey('::ffff:192.0.2.77'), '192.0.2.77');
  assert.equal(authThrottleKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
});
