// A compiled policy has four address matchers per server (connections, relay, PROXY peers,
// gateways), most of them empty or a few entries long. Each used to start with room for
// 1,024 trie nodes (16 KiB): a generated 50 MB policy of 20,000 servers spent over a
// gigabyte of memory on that room alone while `lint` and `compile` checked it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressMatcher } from '../../../runtime/policy/address-matcher.js';
import { parseAddress } from '../../../net/ip.js';

const MATCHERS = 4_000;
/** Small matchers, as most of a policy's are: an empty one and a one-entry one, alternately. */
const itemsOf = (i: number) => (i % 2 === 0 ? [] : [{ kind: 'cidr' as const, cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24`, source: `p.smtppolicy:${i}:3` }]);

test('small address matchers take memory in proportion to their entries', () => {
  const before = process.memoryUsage().arrayBuffers;
  const matchers = Array.from({ length: MATCHERS }, (_, i) => new AddressMatcher(itemsOf(i)));
  const grown = process.memoryUsage().arrayBuffers - before;
  // 4,000 matchers at 16 KiB each were 62 MiB; room for a one-entry trie is well under 1 KiB each.
  assert.ok(grown < 8 * 2 ** 20, `${MATCHERS} small matchers hold ${(grown / 2 ** 20).toFixed(1)} MiB of trie arrays`);
  // and they still match: the one entry, not its neighbour
  assert.equal(matchers[1]!.matchAddress(parseAddress('10.0.1.7')!)?.cidr, '10.0.1.0/24');
  assert.equal(matchers[1]!.matchAddress(parseAddress('10.0.2.7')!), undefined);
});
