// The property the open-relay rule stands on: the set algebra over the config
// (compiler/analysis) and runtime/policy agree on who can relay without logging in.
// Generated servers mix allow/deny connection lists, relay grants and `anyone`, anonymous
// access on or off, IPv4 and IPv6; the oracle asks runtime/policy about sampled client
// addresses: the boundaries (and ±1) of every range in the policy and of the non-public
// blocks, which are exactly where the answer can change, plus random addresses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSet, bytesToBigint, formatAddress } from '../../../net/address-set.js';
import { PUBLIC_ADDRESSES } from '../../../compiler/analysis/public-addresses.js';
import { relaysWithoutAuth } from '../../../compiler/analysis/relay-probe.js';
import { ANYWHERE, exceeds, unauthenticatedRelay } from '../../../compiler/analysis/reach.js';
import { parseAddress } from '../../../net/ip.js';
import { compilePolicy } from '../../../runtime/policy/index.js';
import type { ServerConfig } from '../../../runtime/config/types.js';
import { cidrItem, makeRuntimeConfig, makeServerConfig } from '../../runtime/fixtures/config-builder.js';

const octet = fc.integer({ min: 0, max: 255 });
const v4Cidr = fc.tuple(octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, p]) => AddressSet.fromCidr(`${a}.${b}.${c}.0/${p}`).toCidrs()[0]!);
const v6Cidr = fc.tuple(fc.constantFrom('2001:4860', '2a00:1450', 'fd00:1', '2001:db8', '8000'), fc.integer({ min: 0, max: 64 })).map(([net, p]) =>
  AddressSet.fromCidr(`${net}::/${p}`).toCidrs()[0]!,
);
const cidr = fc.oneof({ weight: 4, arbitrary: v4Cidr }, { weight: 1, arbitrary: v6Cidr }, { weight: 1, arbitrary: fc.constantFrom('0.0.0.0/0', '::/0', '0.0.0.0/1', '128.0.0.0/1') });

const server = fc
  .record({
    mode: fc.constantFrom('allow-list' as const, 'deny-list' as const),
    connections: fc.array(cidr, { maxLength: 4 }),
    relay: fc.array(cidr, { maxLength: 4 }),
    anyone: fc.boolean(),
    anonymous: fc.boolean(),
  })
  .map((g) =>
    makeServerConfig({
      connections: { mode: g.mode, entries: g.connections.map((c) => cidrItem(c)), source: null },
      relay: { anyone: g.anyone, authenticated: true, entries: g.relay.map((c) => cidrItem(c)), source: null },
      auth: { mechanisms: [], anonymous: g.anonymous, senderMustMatch: false, source: null },
      localDomains: [{ kind: 'domain', domain: 'example.test', source: 'p:1:1' }],
    }),
  );

const NON_PUBLIC_BOUNDARIES = AddressSet.ALL.difference(PUBLIC_ADDRESSES).boundaries();

function samples(config: ServerConfig, random: string[]): string[] {
  const ranges = [...config.connections.entries, ...config.relay.entries].flatMap((i) => (i.kind === 'cidr' ? [i.cidr] : []));
  const points = [...ranges.flatMap((r) => AddressSet.fromCidr(r).boundaries()), ...NON_PUBLIC_BOUNDARIES, '0.0.0.0', '255.255.255.255', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'];
  const withNeighbours = points.flatMap((p) => {
    const parsed = parseAddress(p)!;
    const value = bytesToBigint(parsed.bytes);
    const max = parsed.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    return [value - 1n, value, value + 1n].filter((v) => v >= 0n && v <= max).map((v) => formatAddress(v, parsed.family));
  });
  return [...new Set([...withNeighbours, ...random])];
}

const randomAddresses = fc.array(fc.tuple(octet, octet, octet, octet).map((p) => p.join('.')), { maxLength: 10 });

describe('open-relay analysis agrees with runtime/policy', () => {
  it('the public unauthenticated relay set is non-empty exactly when sampling finds a public client that relays', () => {
    fc.assert(
      fc.property(server, randomAddresses, (config, random) => {
        const compiled = compilePolicy(makeRuntimeConfig({ servers: [config] })).servers[0]!;
        const { publicOpen } = unauthenticatedRelay(config);
        const relaying = samples(config, random).filter((a) => PUBLIC_ADDRESSES.has(a) && relaysWithoutAuth(compiled, a));
        assert.equal(!publicOpen.isEmpty(), relaying.length > 0, `analysis: ${publicOpen.toCidrs().join(' ')}; policy: ${relaying.slice(0, 5).join(' ')}`);
        // Every sampled address: the set and the policy agree one by one.
        for (const a of samples(config, random)) {
          assert.equal(publicOpen.has(a), PUBLIC_ADDRESSES.has(a) && relaysWithoutAuth(compiled, a), a);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when open-relay fires ("anywhere": more than a /16 or an IPv6 /32), its example address really relays', () => {
    fc.assert(
      fc.property(server, (config) => {
        const { publicOpen } = unauthenticatedRelay(config);
        if (!exceeds(publicOpen, ANYWHERE)) return;
        const compiled = compilePolicy(makeRuntimeConfig({ servers: [config] })).servers[0]!;
        assert.ok(publicOpen.boundaries().some((a) => relaysWithoutAuth(compiled, a)));
      }),
      { numRuns: 200 },
    );
  });
});
