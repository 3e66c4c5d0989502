// The diff's sets against runtime/policy, address by address: for generated pairs of
// servers (connection lists, relay grants, PROXY trust, gateways, anonymous access, AUTH
// mechanisms, TLS settings, loopback or wildcard listeners, STARTTLS or implicit TLS),
// every sampled address is in a "gained" set exactly when runtime/policy refuses it on the
// old side and allows it on the new one (and "lost" the other way round). The oracle below
// asks runtime/policy session by session and does not use review/. Examples reach every
// capability's gain and loss for sure; the test asserts that each was reached.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSet, bytesToBigint, formatAddress } from '../../net/address-set.js';
import { parseAddress } from '../../net/ip.js';
import { cidrSet, peersOf, witnessRelays } from '../../compiler/index.js';
import { diffPolicies } from '../../review/index.js';
import type { AuthMechanism, ListenConfig, ServerConfig } from '../../runtime/config/index.js';
import { compilePolicy, decideArrival, decideAuth, decideConnect, decideMail, replies, type CompiledServer } from '../../runtime/policy/index.js';
import { cidrItem, makeRuntimeConfig, makeServerConfig, makeTlsConfig, mechanismConfig } from '../runtime/fixtures/config-builder.js';

const POOL = ['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/24', '10.0.0.10/32', '127.0.0.0/8', '127.0.0.1/32', '172.17.0.1/32', '8.0.0.0/7', '8.8.8.8/32', '64.0.0.0/2'];

interface Shape {
  listen: string;
  tlsMode: 'starttls' | 'implicit';
  mode: 'allow-list' | 'deny-list';
  connections: string[];
  relay: string[];
  proxy: string[];
  gateways: string[];
  anonymous: boolean;
  mechanisms: AuthMechanism[];
  tls: 'none' | 'optional' | 'required';
}

const DEFAULT_SHAPE: Shape = { listen: '0.0.0.0', tlsMode: 'starttls', mode: 'deny-list', connections: [], relay: [], proxy: [], gateways: [], anonymous: true, mechanisms: [], tls: 'none' };

function serverOf(shape: Partial<Shape>): ServerConfig {
  const s = { ...DEFAULT_SHAPE, ...shape };
  return makeServerConfig({
    name: 'mx',
    listen: [{ address: s.listen, port: 25, tlsMode: s.tlsMode, source: 'p:2:3' }],
    connections: { mode: s.mode, entries: s.connections.map((c) => cidrItem(c)), source: 'p:3:3' },
    relay: { anyone: false, authenticated: true, entries: s.relay.map((c) => cidrItem(c)), source: 'p:4:3' },
    auth: { mechanisms: s.mechanisms.map((m) => mechanismConfig(m)), anonymous: s.anonymous, senderMustMatch: false, source: 'p:5:3' },
    proxyProtocol: s.proxy.map((c) => cidrItem(c)),
    gateways: s.gateways.map((c) => cidrItem(c)),
    localDomains: [{ kind: 'domain', domain: 'example.test', source: 'p:1:1' }],
    tls: s.tls === 'none' ? null : makeTlsConfig({ mode: s.tls }),
  });
}

const ranges = fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 3 });
const shape: fc.Arbitrary<Shape> = fc.record({
  listen: fc.constantFrom('0.0.0.0', '127.0.0.1', '10.0.0.5'),
  tlsMode: fc.constantFrom('starttls' as const, 'starttls' as const, 'implicit' as const),
  mode: fc.constantFrom('allow-list' as const, 'deny-list' as const),
  connections: ranges,
  relay: ranges,
  proxy: ranges,
  gateways: ranges,
  anonymous: fc.boolean(),
  mechanisms: fc.subarray(['PLAIN', 'CRAM-MD5'] as AuthMechanism[]),
  tls: fc.constantFrom('none' as const, 'optional' as const, 'required' as const),
});

type Capability = 'connect' | 'proxy' | 'relay' | 'clear-auth' | 'tls-required';
const CAPABILITIES: Capability[] = ['connect', 'proxy', 'relay', 'clear-auth', 'tls-required'];

/**
 * runtime/policy's answer for one real client on one side (server and listener), or false
 * where the side has none. `gateways`: those either side declares (declaring one changes no
 * decision, so a client behind it relays on both sides alike).
 */
function oracle(server: CompiledServer | undefined, listen: ListenConfig | undefined, capability: Capability, a: string, points: string[], gateways: AddressSet): boolean {
  if (server === undefined || listen === undefined) return false;
  const peers = peersOf(listen);
  const proxies = cidrSet(server.config.proxyProtocol);
  const connects = (p: string) => {
    if (!peers.has(p)) return false;
    const arrival = decideArrival(server, { peerAddress: p });
    return arrival.decision === 'accept' && decideConnect(server, { clientAddress: arrival.clientAddress, reverseDns: { status: 'none' } }).decision === 'accept';
  };
  switch (capability) {
    case 'connect':
      return connects(a);
    case 'proxy':
      return peers.has(a) && decideArrival(server, { peerAddress: a, proxyClaim: '192.0.2.1' }).decision === 'accept';
    case 'clear-auth':
      return connects(a) && listen.tlsMode === 'starttls' && ['PLAIN', 'LOGIN'].some((m) => decideAuth(server, { clientAddress: a, tls: null, user: null }, m).decision === 'accept');
    case 'tls-required': {
      if (!connects(a)) return false;
      if (listen.tlsMode === 'implicit') return true;
      const mail = decideMail(server, { clientAddress: a, tls: null, user: null, mailFrom: '' });
      return mail.decision === 'refuse' && mail.reply.text === replies.starttlsFirst.text;
    }
    case 'relay': {
      const trusted = points.filter((p) => peers.has(p) && proxies.has(p));
      const direct = peers.has(a) && !proxies.has(a) && witnessRelays(server, { client: a });
      const throughBalancer = trusted.length > 0 && witnessRelays(server, { client: a, proxyFrom: trusted[0]! });
      const forged = trusted.includes(a) && points.some((claim) => witnessRelays(server, { client: claim, proxyFrom: a }));
      const behindGateway = points.some((g) => peers.has(g) && !proxies.has(g) && gateways.has(g) && witnessRelays(server, { client: a, viaGateway: g }));
      return direct || throughBalancer || forged || behindGateway;
    }
  }
}

/** Every boundary of every range on either side, ±1, and a few well-known hosts. */
function samples(servers: ServerConfig[]): string[] {
  const items = servers.flatMap((s) => [...s.connections.entries, ...s.relay.entries, ...s.proxyProtocol, ...s.gateways]);
  const points = [...items.flatMap((i) => (i.kind === 'cidr' ? AddressSet.fromCidr(i.cidr).boundaries() : [])), '8.8.4.4', '1.1.1.1', '127.0.0.2', '10.0.0.5'];
  const values = points.flatMap((p) => {
    const value = bytesToBigint(parseAddress(p)!.bytes);
    return [value - 1n, value, value + 1n].filter((v) => v >= 0n && v < 1n << 32n);
  });
  return [...new Set(values.map((v) => formatAddress(v, 4)))];
}

// Pairs that surely reach each capability's gain and loss (the random ones may not).
const EXAMPLES: [ServerConfig, ServerConfig][] = [
  [serverOf({ relay: ['10.0.0.0/8'] }), serverOf({ relay: ['8.0.0.0/7'] })],
  [serverOf({ mode: 'allow-list', connections: ['10.0.0.0/8'], mechanisms: ['PLAIN'] }), serverOf({ mode: 'allow-list', connections: ['8.0.0.0/7'], mechanisms: ['PLAIN'] })],
  [serverOf({ proxy: ['10.0.0.10/32'] }), serverOf({ proxy: ['172.17.0.1/32'] })],
  [serverOf({ tls: 'none' }), serverOf({ tls: 'required' })],
  [serverOf({ tls: 'required' }), serverOf({ tls: 'optional' })],
];

describe('smtppolicy diff agrees with runtime/policy, address by address', () => {
  it('an address is gained (lost) exactly where runtime/policy refuses (allows) it before and allows (refuses) it after', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(fc.tuple(shape.map(serverOf), shape.map(serverOf)), ([before, after]) => {
        const configs = [makeRuntimeConfig({ servers: [before] }), makeRuntimeConfig({ servers: [after] })] as const;
        const [old, now] = configs.map((config) => compilePolicy(config).servers[0]!) as [CompiledServer, CompiledServer];
        const diff = diffPolicies(...configs);
        const points = samples([before, after]);
        const gateways = cidrSet([...before.gateways, ...after.gateways]);
        for (const listener of diff.servers[0]!.listeners) {
          const listenOld = before.listen.find((l) => `${l.address}:${l.port}` === listener.key);
          const listenNew = after.listen.find((l) => `${l.address}:${l.port}` === listener.key);
          for (const capability of CAPABILITIES) {
            const gained = listener.changes.find((c) => c.capability === capability && c.direction === 'gained')?.set ?? AddressSet.EMPTY;
            const lost = listener.changes.find((c) => c.capability === capability && c.direction === 'lost')?.set ?? AddressSet.EMPTY;
            for (const a of points) {
              const was = oracle(old, listenOld, capability, a, points, gateways);
              const is = oracle(now, listenNew, capability, a, points, gateways);
              // tls-required speaks only of clients that connect on the other side too
              const gainCounts = capability !== 'tls-required' || oracle(old, listenOld, 'connect', a, points, gateways);
              const lossCounts = capability !== 'tls-required' || oracle(now, listenNew, 'connect', a, points, gateways);
              assert.equal(gained.has(a), !was && is && gainCounts, `${capability} gained for ${a} on ${listener.key}`);
              assert.equal(lost.has(a), was && !is && lossCounts, `${capability} lost for ${a} on ${listener.key}`);
              if (gained.has(a)) reached.add(`${capability} gained`);
              if (lost.has(a)) reached.add(`${capability} lost`);
            }
          }
        }
      }),
      { numRuns: 80, seed: 2024, examples: EXAMPLES.map((pair) => [pair]) },
    );
    assert.deepEqual([...reached].sort(), CAPABILITIES.flatMap((c) => [`${c} gained`, `${c} lost`]).sort());
  });
});
