import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSet } from '../../../net/address-set.js';
import { findOverlaps, type Overlap, type OverlapEntry } from '../../../compiler/analysis/entry-overlap.js';

type Entry = OverlapEntry<number>;

// The definition, pair by pair, with exact set algebra: for each entry, the first other
// entry (in list order) that is an earlier equal one or a strictly wider one.
function pairwise(entries: Entry[]): Overlap<number>[] {
  const setOf = (e: Entry) => (e.kind === 'cidr' ? AddressSet.fromCidr(e.cidr) : undefined);
  const found: Overlap<number>[] = [];
  entries.forEach((entry, i) => {
    for (let j = 0; j < entries.length; j++) {
      if (j === i) continue;
      const other = entries[j]!;
      let relation = 'other';
      if (entry.kind === 'cidr' && other.kind === 'cidr') {
        const [a, b] = [setOf(entry)!, setOf(other)!];
        relation = a.equals(b) ? 'equal' : a.difference(b).isEmpty() ? 'inside' : 'other';
      } else if (entry.kind === 'domain' && other.kind === 'domain') {
        relation = entry.domain === other.domain ? 'equal' : entry.domain.endsWith(`.${other.domain}`) ? 'inside' : 'other';
      }
      if (relation === 'equal' && j < i) return void found.push({ kind: 'duplicate', entry, by: other });
      if (relation === 'inside') return void found.push({ kind: 'shadowed', entry, by: other });
    }
  });
  return found;
}

const summary = (overlaps: Overlap<number>[]) => overlaps.map((o) => `${o.entry.value} ${o.kind} by ${o.by.value}`);

// Small spaces so that collisions, nesting and duplicates are frequent.
const v4 = fc
  .tuple(fc.constantFrom(10, 192), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(8, 16, 23, 24, 30, 32, -1))
  .map(([a, b, c, d, prefix]) => (prefix < 0 ? `${a}.${b}.${c}.${d}` : `${a}.${b}.${c}.${d}/${prefix}`));
const v6 = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(32, 48, 64, 128))
  .map(([a, b, prefix]) => `2001:db8:${a}:${b}::/${prefix}`);
const mapped = fc.integer({ min: 0, max: 3 }).map((b) => `::ffff:10.${b}.0.0/112`);
const domain = fc
  .array(fc.constantFrom('a', 'b', 'mail', 'example'), { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'));
const entry = fc.oneof(
  fc.oneof(v4, v6, mapped).map((cidr) => ({ kind: 'cidr' as const, cidr })),
  domain.map((d) => ({ kind: 'domain' as const, domain: d })),
);

describe('findOverlaps', () => {
  it('agrees with the pairwise definition on random lists', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (raw) => {
        const entries: Entry[] = raw.map((e, value) => ({ ...e, value }));
        assert.deepEqual(summary(findOverlaps(entries)), summary(pairwise(entries)));
      }),
      { numRuns: 300 },
    );
  });

  it('names the first covering entry, and the later of two equal ones as the duplicate', () => {
    const entries: Entry[] = [
      { kind: 'cidr', cidr: '10.1.2.3', value: 0 },
      { kind: 'cidr', cidr: '10.0.0.0/8', value: 1 },
      { kind: 'cidr', cidr: '10.1.0.0/16', value: 2 },
      { kind: 'cidr', cidr: '10.1.2.3/32', value: 3 },
      { kind: 'domain', domain: 'mail.example.com', value: 4 },
      { kind: 'domain', domain: 'example.com', value: 5 },
    ];
    assert.deepEqual(summary(findOverlaps(entries)), ['0 shadowed by 1', '2 shadowed by 1', '3 duplicate by 0', '4 shadowed by 5']);
  });
});
