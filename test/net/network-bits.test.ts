import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4NetworkKeyOf, networkKey } from '../../net/network-bits.js';

describe('ipv4NetworkKeyOf', () => {
  it('gives the key networkKey gives for the same network and prefix', () => {
    for (const [network, prefix] of [
      ['0.0.0.0', 0],
      ['10.0.0.0', 8],
      ['192.168.1.0', 24],
      ['198.51.100.7', 32],
      ['255.255.255.255', 32],
      ['10.0.3.128', 25],
    ] as const) {
      assert.equal(ipv4NetworkKeyOf(network, prefix), networkKey(`${network}/${prefix}`), `${network}/${prefix}`);
    }
  });

  it('gives no key for an IPv6 network or a malformed one, which the cache then handles', () => {
    for (const [network, prefix] of [
      ['2001:db8::', 32],
      ['::ffff:10.0.0.1', 128],
      ['10.0.0', 24],
      ['10.0.0.0.0', 32],
      ['10.0.0.256', 32],
      ['10.0.0.0', 33],
      ['10.0.0.0', -1],
    ] as const) {
      assert.equal(ipv4NetworkKeyOf(network, prefix), undefined, `${network}/${prefix}`);
    }
  });
});
