// The trie must give exactly what a linear scan over the entries gives: the most specific
// network containing the address (the first in policy order among equal networks), or none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CidrItem } from '../../runtime/config/types.js';
import { AddressMatcher } from '../../runtime/policy/address-matcher.js';
import { parseAddress, parseCidr } from '../../net/ip.js';
import { seededRandom } from '../../bench/seeded-random.js';

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

// Big lists take another path: the chain of bits every entry shares, then a 16-bit table
// (only built past a few thousand trie nodes). Thousands of networks clustered under one
// prefix per family, with nested ones above and below the table's depth, against a
// per-prefix map of the networks (the linear scan is too slow at this size).
test('big lists (shared prefix, lookup table) agree with a per-prefix search', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer(),
        v4Base: fc.constantFrom<[bigint, number]>([0n, 0], [10n << 24n, 8], [(172n << 24n) | (16n << 16n), 12]),
        v6Base: fc.constantFrom<[bigint, number]>([0n, 0], [0x20010db8n << 96n, 32], [0x2a00n << 112n, 16]),
        withRoot: fc.boolean(),
      }),
      ({ seed, v4Base, v6Base, withRoot }) => {
        const next = seededRandom(seed);
        const randomBits = (bits: number): bigint => {
          let value = 0n;
          for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(Math.floor(next() * 65536));
          return value & ((1n << BigInt(bits)) - 1n);
        };
        const nets: Net[] = [];
        for (let i = 0; i < 6000; i++) {
          const family: 4 | 6 = next() < 0.5 ? 4 : 6;
          const [base, baseBits] = family === 4 ? v4Base : v6Base;
          const bits = width(family);
          const prefix = baseBits + Math.floor(next() * (Math.min(bits, baseBits + 40) - baseBits + 1));
          const value = base | randomBits(bits - baseBits);
          const net: Net = { family, value: 0n, prefix };
          nets.push({ ...net, value: value & ~hostMask(net) });
        }
        if (withRoot) nets.push({ family: 4, value: 0n, prefix: 0 }, { family: 6, value: 0n, prefix: 0 });
        const items: CidrItem[] = nets.map((net, index) => ({
          kind: 'cidr',
          cidr: `${toText(net.family, net.value)}/${net.prefix}`,
          source: `p.smtppolicy:${index + 1}:1`,
        }));
        const matcher = new AddressMatcher(items);
        const byNetwork = new Map<string, CidrItem>();
        nets.forEach((net, index) => {
          const key = `${net.family}/${net.prefix}/${net.value}`;
          if (!byNetwork.has(key)) byNetwork.set(key, items[index]!);
        });
        const expected = (family: 4 | 6, value: bigint): CidrItem | undefined => {
          for (let prefix = width(family); prefix >= 0; prefix--) {
            const network = value & ~hostMask({ family, value, prefix });
            const item = byNetwork.get(`${family}/${prefix}/${network}`);
            if (item !== undefined) return item;
          }
          return undefined;
        };
        const probes: { family: 4 | 6; value: bigint }[] = [];
        for (const net of nets.slice(0, 400)) {
          const max = (1n << BigInt(width(net.family))) - 1n;
          for (const value of [net.value, net.value | hostMask(net), net.value - 1n, (net.value | hostMask(net)) + 1n]) {
            if (value >= 0n && value <= max) probes.push({ family: net.family, value });
          }
        }
        for (let i = 0; i < 400; i++) {
          const family: 4 | 6 = i % 2 === 0 ? 4 : 6;
          const [base, baseBits] = family === 4 ? v4Base : v6Base;
          // Half inside the shared prefix, half anywhere (mostly off it).
          probes.push({ family, value: i % 4 < 2 ? base | randomBits(width(family) - baseBits) : randomBits(width(family)) });
        }
        for (const probe of probes) {
          const text = toText(probe.family, probe.value);
          assert.equal(matcher.matchAddress(parseAddress(text)!), expected(probe.family, probe.value), `lookup of ${text}`);
        }
      },
    ),
    { numRuns: 12 },
  );
});
