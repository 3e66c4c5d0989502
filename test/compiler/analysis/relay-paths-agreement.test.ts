// The ways in that relay-paths.ts computes as address sets (direct, through a declared
// gateway, with a forged PROXY header from a trusted source, per listener) agree with
// runtime/policy, asked session by session: decideArrival for the peer (and its header or
// gateway), then connect, MAIL and RCPT for the address that arrives. Generated servers mix
// connection lists, relay grants, PROXY trust and gateways, on loopback or wildcard
// listeners; peers are sampled at every range boundary (±1), where answers change.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSet, bytesToBigint, formatAddress } from '../../../net/address-set.js';
import { peersOf } from '../../../compiler/analysis/listener-reach.js';
import { relayPaths } from '../../../compiler/analysis/relay-paths.js';
import { witnessRelays } from '../../../compiler/analysis/relay-probe.js';
import { cidrSet, connectableSet, relayWithoutAuthSet } from '../../../compiler/analysis/reach.js';
import { parseAddress } from '../../../net/ip.js';
import { compilePolicy } from '../../../runtime/policy/index.js';
import type { ServerConfig } from '../../../runtime/config/types.js';
import { cidrItem, makeRuntimeConfig, makeServerConfig } from '../../runtime/fixtures/config-builder.js';

const POOL = ['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/24', '10.0.0.10/32', '127.0.0.0/8', '127.0.0.1/32', '172.16.0.0/12', '172.17.0.1/32', '8.0.0.0/7', '8.8.8.8/32', '64.0.0.0/2'];
const ranges = fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 3 });

const server = fc
  .record({
    listen: fc.constantFrom('0.0.0.0', '127.0.0.1', '10.0.0.5'),
    mode: fc.constantFrom('allow-list' as const, 'deny-list' as const),
    connections: ranges,
    relay: ranges,
    proxy: ranges,
    gateways: ranges,
    anonymous: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  })
  .map((g) =>
    makeServerConfig({
      listen: [{ address: g.listen, port: 25, tlsMode: 'starttls', source: 'p:2:3' }],
      connections: { mode: g.mode, entries: g.connections.map((c) => cidrItem(c)), source: null },
      relay: { anyone: false, authenticated: true, entries: g.relay.map((c) => cidrItem(c)), source: null },
      auth: { mechanisms: [], anonymous: g.anonymous, senderMustMatch: false, source: null },
      proxyProtocol: g.proxy.map((c) => cidrItem(c)),
      gateways: g.gateways.map((c) => cidrItem(c)),
      localDomains: [{ kind: 'domain', domain: 'example.test', source: 'p:1:1' }],
    }),
  );

/** Every boundary of every range in the policy, ±1: where an answer can change. */
function samples(config: ServerConfig): string[] {
  const items = [...config.connections.entries, ...config.relay.entries, ...config.proxyProtocol, ...config.gateways];
  const points = [...items.flatMap((i) => (i.kind === 'cidr' ? AddressSet.fromCidr(i.cidr).boundaries() : [])), '8.8.4.4', '1.1.1.1', '127.0.0.2'];
  return [
    ...new Set(
      points.flatMap((p) => {
        const parsed = parseAddress(p)!;
        const value = bytesToBigint(parsed.bytes);
        return [value - 1n, value, value + 1n].filter((v) => v >= 0n && v < 1n << 32n).map((v) => formatAddress(v, 4));
      }),
    ),
  ];
}

describe('relay paths agree with runtime/policy, session by session', () => {
  it('direct, gateway and forged-PROXY ways in are exactly the sessions runtime/policy lets relay', () => {
    fc.assert(
      fc.property(server, (config) => {
        const compiled = compilePolicy(makeRuntimeConfig({ servers: [config] })).servers[0]!;
        const [{ paths }] = relayPaths(config) as [ReturnType<typeof relayPaths>[number]];
        const kind = (k: string) => paths.find((p) => p.kind === k);
        const peers = peersOf(config.listen[0]!);
        const proxies = cidrSet(config.proxyProtocol);
        const points = samples(config);
        const claims = points.filter((a) => connectableSet(config.connections).intersect(relayWithoutAuthSet(config)).has(a));

        for (const peer of points.filter((a) => peers.has(a))) {
          if (proxies.has(peer)) {
            // a trusted peer forges a header: it relays exactly when some claim relays
            const forged = claims.some((client) => witnessRelays(compiled, { client, proxyFrom: peer }));
            assert.equal(kind('proxy')?.clients.has(peer) ?? false, forged, `forged PROXY from ${peer}`);
          } else {
            const direct = witnessRelays(compiled, { client: peer });
            assert.equal(kind('direct')?.clients.has(peer) ?? false, direct, `direct from ${peer}`);
            // a stranger behind this peer, when it is a declared gateway
            if (cidrSet(config.gateways).has(peer)) {
              assert.equal(kind('gateway') !== undefined || !direct, true, `gateway ${peer} relays but no gateway path`);
              if (direct) assert.ok(kind('gateway')?.clients.has('8.8.8.8'), `everyone behind ${peer} relays`);
            }
          }
        }
        // every path's first confirmed witness really relays
        for (const path of paths) assert.ok(path.witnesses.length === 0 || path.witnesses.some((w) => witnessRelays(compiled, w)) || path.publicClients.isEmpty(), `${path.kind}: no witness relays`);
      }),
      { numRuns: 400 },
    );
  });

  it('a header claiming the address of a host under an allow-listed domain relays where the grants cover that address', () => {
    // Found by the no-open-relay property test: the allow-list admits only partner.test's
    // hosts (by confirmed PTR) and no address, the relay grant is 10.0.0.0/24. A stranger
    // cannot connect from the partner's host, but a trusted PROXY source can claim its
    // address, and the server's reverse lookup of the claim then confirms partner.test.
    const config = makeServerConfig({
      listen: [{ address: '0.0.0.0', port: 25, tlsMode: 'starttls', source: 'p:2:3' }],
      connections: { mode: 'allow-list', entries: [{ kind: 'domain', domain: 'partner.test', source: 'p:3:3' }], source: null },
      relay: { anyone: false, authenticated: true, entries: [cidrItem('10.0.0.0/24')], source: null },
      auth: { mechanisms: [], anonymous: true, senderMustMatch: false, source: null },
      proxyProtocol: [cidrItem('8.0.0.0/7')],
      localDomains: [{ kind: 'domain', domain: 'example.test', source: 'p:1:1' }],
    });
    const compiled = compilePolicy(makeRuntimeConfig({ servers: [config] })).servers[0]!;
    assert.ok(witnessRelays(compiled, { client: '10.0.0.1', ptr: 'mx.partner.test', proxyFrom: '8.8.8.8' }), 'runtime/policy lets the claim relay');
    const proxy = relayPaths(config)[0]!.paths.find((p) => p.kind === 'proxy');
    assert.ok(proxy, 'the analysis lists a forged header as a way in');
    assert.ok(proxy.clients.has('8.8.8.8'));
    assert.ok(proxy.granted.has('10.0.0.1'));
    assert.ok(proxy.witnesses.some((w) => witnessRelays(compiled, w)), JSON.stringify(proxy.witnesses.slice(0, 2)));
  });
});
