// The small world the property tests generate policies in: client addresses in 127.0.0.0/8
// (a real socket takes each one with localAddress), a DNS server that knows a few of them,
// one test certificate and one password file. Random RuntimeConfigs draw their connection
// lists, relay grants, auth, TLS and local domains from this world.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressItem, AuthMechanism, RuntimeConfig, ServerConfig } from '../../../../runtime/config/types.js';
import type { ReverseDnsResult } from '../../../../runtime/policy/types.js';
import { makeRuntimeConfig, cidrItem, domainItem, mechanismConfig, src } from '../../../runtime/fixtures/config-builder.js';
import { makeCertificate } from '../../../helpers/certificates.js';
import { writePasswordFile } from '../../../helpers/password-file.js';

/** Addresses sessions come from. 127.0.2.x have reverse DNS (see DNS_RECORDS). */
export const CLIENT_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.1.5', '127.0.2.1', '127.0.2.2', '127.0.2.3', '127.0.3.9'] as const;

export const DNS_RECORDS = {
  ptr: { '127.0.2.1': 'host.trusted.test', '127.0.2.2': 'liar.trusted.test' },
  hosts: { 'host.trusted.test': ['127.0.2.1'], 'liar.trusted.test': ['127.0.9.9'] },
};

/** What the server's resolver answers for each client address (checked against dnsmasq at start). */
export const EXPECTED_REVERSE_DNS: Record<string, ReverseDnsResult> = Object.fromEntries(CLIENT_ADDRESSES.map((address) => [
  address,
  address === '127.0.2.1' ? { status: 'found', name: 'host.trusted.test', confirmed: true }
    : address === '127.0.2.2' ? { status: 'found', name: 'liar.trusted.test', confirmed: false }
      : { status: 'none' },
]));

const CIDR_POOL = ['127.0.0.0/16', '127.0.0.0/24', '127.0.0.2/32', '127.0.0.3/32', '127.0.1.0/24', '127.0.2.0/30', '127.0.2.1/32', '127.0.3.0/24'];
const DOMAIN_POOL = ['trusted.test', 'host.trusted.test', 'other.test'];
export const LOCAL_DOMAIN_POOL = ['example.test', 'local.test'];
/** The one address whose PROXY headers the generated servers trust. */
export const TRUSTED_PROXY = '127.0.0.250';
export const USER = 'alice@example.test';
export const PASSWORD = 'alice-password';

export interface World {
  dir: string;
  certPath: string;
  keyPath: string;
  passwordFile: string;
  dnsServer: string;
}

export async function makeWorld(dir: string, dnsServer: string): Promise<World> {
  const cert = makeCertificate({ dir, name: 'server' });
  const passwordFile = await writePasswordFile(dir, { [USER]: PASSWORD });
  writeFileSync(join(dir, 'README'), 'property-test world\n');
  return { dir, certPath: cert.certPath, keyPath: cert.keyPath, passwordFile, dnsServer };
}

/** The random part of a policy, kept small so that counterexamples read well. */
export interface PolicyShape {
  connectionMode: 'allow-list' | 'deny-list';
  connectionEntries: string[];
  relayAnyone: boolean;
  relayAuthenticated: boolean;
  relayEntries: string[];
  mechanisms: AuthMechanism[];
  anonymous: boolean;
  senderMustMatch: boolean;
  tls: null | { mode: 'required' | 'optional'; implicitListener: boolean; minCipherBits: 128 | 256 };
  localDomains: string[];
}

const entries = fc.uniqueArray(fc.constantFrom(...CIDR_POOL, ...DOMAIN_POOL), { maxLength: 3 });

export function policyShape(options: { relayAnyone?: boolean } = {}): fc.Arbitrary<PolicyShape> {
  return fc.record({
    connectionMode: fc.constantFrom<'allow-list' | 'deny-list'>('allow-list', 'deny-list'),
    connectionEntries: entries,
    relayAnyone: options.relayAnyone === false ? fc.constant(false) : fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    relayAuthenticated: fc.boolean(),
    relayEntries: entries,
    mechanisms: fc.uniqueArray(fc.constantFrom<AuthMechanism>('PLAIN', 'LOGIN', 'CRAM-MD5'), { maxLength: 3 }),
    anonymous: fc.boolean(),
    senderMustMatch: fc.boolean(),
    tls: fc.option(fc.record({
      mode: fc.constantFrom<'required' | 'optional'>('required', 'optional'),
      implicitListener: fc.boolean(),
      minCipherBits: fc.constantFrom<128 | 256>(128, 256),
    }), { nil: null }),
    localDomains: fc.subarray(LOCAL_DOMAIN_POOL),
  });
}

function items(list: string[], line: number): AddressItem[] {
  return list.map((entry, i) => (entry.includes('/') ? cidrItem(entry, src(line + i)) : domainItem(entry, src(line + i))));
}

export function buildConfig(world: World, shape: PolicyShape, storageDir: string, extra: Partial<ServerConfig> = {}): RuntimeConfig {
  return makeRuntimeConfig({
    storageDir,
    resolver: { servers: [world.dnsServer], timeoutMs: 2000, reverseZones: ['127.in-addr.arpa'] },
    userStores: [{ name: 'users', file: world.passwordFile, source: src(5) }],
    servers: [{
      listen: [
        { address: '127.0.0.1', port: 2525, tlsMode: 'starttls', source: src(11) },
        ...(shape.tls?.implicitListener ? [{ address: '127.0.0.1', port: 2465, tlsMode: 'implicit' as const, source: src(12) }] : []),
      ],
      tls: shape.tls === null ? null : {
        mode: shape.tls.mode,
        minVersion: 'TLSv1.2',
        minCipherBits: shape.tls.minCipherBits,
        certificates: [{ certificate: world.certPath, key: world.keyPath, serverNames: [], source: src(21) }],
      },
      connections: { mode: shape.connectionMode, entries: items(shape.connectionEntries, 30), source: src(29) },
      relay: { anyone: shape.relayAnyone, authenticated: shape.relayAuthenticated, entries: items(shape.relayEntries, 40), source: src(39) },
      auth: { mechanisms: shape.mechanisms.map((m, i) => mechanismConfig(m, 'users', src(50 + i))), anonymous: shape.anonymous, senderMustMatch: shape.senderMustMatch, source: src(49) },
      localDomains: shape.localDomains.map((d, i) => domainItem(d, src(60 + i))),
      // a load balancer the sessions may come through (PROXY protocol v1)
      proxyProtocol: [cidrItem(TRUSTED_PROXY + '/32', src(70))],
      gateways: [],
      // sessions of one config run one after the other; failed logins must not lock the address out
      limits: { maxConnectionsPerAddress: 20, authFailures: 10_000, greetingDelayMs: 0 },
      ...extra,
    }],
  });
}
