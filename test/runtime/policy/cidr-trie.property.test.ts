// The trie must give exactly what a linear scan over the entries gives: the most specific
// network containing the address (the first in policy order among equal networks), or none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CidrItem } from '../../../runtime/config/types.js';
import { AddressMatcher } from '../../../runtime/policy/address-matcher.js';
import { parseAddress, parseCidr } from '../../../runtime/net/ip.js';

interface Net {
  family: 4 | 6;
  value: bigint;
  prefix: number;
}

const width = (family: 4 | 6) => (family === 4 ? 32 : 128);

function toText(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

function hostMask(net: Net): bigint {
  return (1n << BigInt(width(net.family) - net.prefix)) - 1n;
}

// Values clustered on a few leading bits so that random networks nest and overlap.
const netArbitrary: fc.Arbitrary<Net> = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 6),
    high: fc.constantFrom(0n, 1n, 2n, 3n),
    low: fc.bigInt({ min: 0n, max: (1n << 126n) - 1n }),
    prefixFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ family, high, low, prefixFraction }) => {
    const bits = width(family);
    const raw = (high << BigInt(bits - 2)) | (low & ((1n << BigInt(bits - 2)) - 1n));
    const prefix = Math.round(prefixFraction * bits);
    const net: Net = { family, value: 0n, prefix };
    return { ...net, value: raw & ~hostMask(net) };
  });

function linearScan(items: CidrItem[], nets: Net[], family: 4 | 6, address: bigint): CidrItem | undefined {
  let best: { item: CidrItem; prefix: number } | undefined;
  nets.forEach((net, index) => {
    if (net.family !== family) return;
    const shift = BigInt(width(family) - net.prefix);
    if (address >> shift !== net.value >> shift) return;
    if (best === undefined || net.prefix > best.prefix) best = { item: items[index]!, prefix: net.prefix };
  });
  return best?.item;
}

test('trie lookups agree with a linear scan, at range boundaries and ±1', () => {
  fc.assert(
    fc.property(
      fc.array(netArbitrary, { minLength: 0, maxLength: 40 }),
      fc.array(fc.record({ family: fc.constantFrom<4 | 6>(4, 6), value: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }) }), { maxLength: 10 }),
      (nets, randomProbes) => {
        const items: CidrItem[] = nets.map((net, index) => {
          const cidr = parseCidr(`${toText(net.family, net.value)}/${net.prefix}`);
          assert.ok(cidr);
          return { kind: 'cidr', cidr: cidr.text, source: `p.smtppolicy:${index + 1}:1` };
        });
        const matcher = new AddressMatcher(items);
        const probes: { family: 4 | 6; value: bigint }[] = randomProbes.map(({ family, value }) => ({
          family,
          value: value & ((1n << BigInt(width(family))) - 1n),
        }));
        for (const net of nets) {
          const first = net.value;
          const last = net.value | hostMask(net);
          const max = (1n << BigInt(width(net.family))) - 1n;
          for (const value of [first, last, first - 1n, last + 1n]) {
            if (value >= 0n && value <= max) probes.push({ family: net.family, value });
          }
        }
        for (const probe of probes) {
          const text = toText(probe.family, probe.value);
          const address = parseAddress(text);
          assert.ok(address, text);
          const expected = linearScan(items, nets, probe.family, probe.value);
          assert.equal(matcher.matchAddress(address), expected, `lookup of ${text}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('IPv4-mapped IPv6 clients are looked up as IPv4', () => {
  const item: CidrItem = { kind: 'cidr', cidr: '203.0.113.0/24', source: 'p.smtppolicy:1:1' };
  const matcher = new AddressMatcher([item]);
  assert.equal(matcher.matchAddress(parseAddress('::ffff:203.0.113.255')!), item);
  assert.equal(matcher.matchAddress(parseAddress('::ffff:203.0.114.0')!), undefined);
  // The same bits as an IPv6 network are a different family.
  assert.equal(matcher.matchAddress(parseAddress('cb00:7100::')!), undefined);
});
