import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSet } from '../../net/address-set.js';
import { PUBLIC_ADDRESSES, examplePublicAddress } from '../../compiler/analysis/public-addresses.js';

describe('AddressSet', () => {
  it('union merges overlapping and adjacent ranges into minimal CIDRs', () => {
    const set = AddressSet.fromCidrs(['10.0.0.0/25', '10.0.0.128/25', '10.0.1.0/24', '10.0.0.7']);
    assert.deepEqual(set.toCidrs(), ['10.0.0.0/23']);
    assert.equal(set.size(4), 512n);
  });

  it('difference splits a range around a hole', () => {
    const set = AddressSet.fromCidr('192.0.2.0/24').difference(AddressSet.fromCidr('192.0.2.128/26'));
    assert.deepEqual(set.toCidrs(), ['192.0.2.0/25', '192.0.2.192/26']);
    assert.deepEqual(set.boundaries(), ['192.0.2.0', '192.0.2.127', '192.0.2.192', '192.0.2.255']);
  });

  it('keeps IPv4 and IPv6 apart; IPv4-mapped IPv6 is IPv4', () => {
    const set = AddressSet.fromCidrs(['::ffff:10.0.0.0/104', '2001:db8::/32']);
    assert.ok(set.has('10.1.2.3'));
    assert.ok(set.has('2001:db8::1'));
    assert.ok(!set.has('::a01:203'));
    assert.deepEqual(set.toCidrs(), ['10.0.0.0/8', '2001:db8::/32']);
  });

  it('complement of everything is empty, and of empty everything', () => {
    assert.ok(AddressSet.ALL.complement().isEmpty());
    assert.ok(AddressSet.EMPTY.complement().equals(AddressSet.ALL));
  });

  it('public addresses exclude private, loopback, documentation and multicast space', () => {
    for (const a of ['10.1.1.1', '127.0.0.1', '192.168.1.1', '203.0.113.5', '224.0.0.1', '100.64.0.1', 'fd00::1', '2001:db8::1', 'fe80::1', '::1']) {
      assert.ok(!PUBLIC_ADDRESSES.has(a), a);
    }
    for (const a of ['8.8.8.8', '5.10.16.1', '2a00:1450:4001::1']) assert.ok(PUBLIC_ADDRESSES.has(a), a);
    assert.equal(examplePublicAddress(AddressSet.fromCidr('0.0.0.0/0')), '8.8.8.8');
    assert.equal(examplePublicAddress(AddressSet.fromCidr('10.0.0.0/8')), undefined);
  });

  // Set algebra checked against membership of single addresses.
  const v4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
    .map(([a, b, p]) => `${a}.${b}.0.0/${p}`);
  const probe = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map((parts) => parts.join('.'));

  it('union, intersection and difference agree with membership', () => {
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 5 }), fc.array(v4, { maxLength: 5 }), fc.array(probe, { minLength: 1, maxLength: 20 }), (as, bs, probes) => {
        const a = AddressSet.fromCidrs(as);
        const b = AddressSet.fromCidrs(bs);
        // Probing the boundaries catches off-by-one errors random points would miss.
        for (const p of [...probes, ...a.boundaries(), ...b.boundaries()]) {
          assert.equal(a.union(b).has(p), a.has(p) || b.has(p));
          assert.equal(a.intersect(b).has(p), a.has(p) && b.has(p));
          assert.equal(a.difference(b).has(p), a.has(p) && !b.has(p));
        }
        assert.ok(AddressSet.fromCidrs(a.toCidrs()).equals(a));
      }),
      { numRuns: 300 },
    );
  });
});
