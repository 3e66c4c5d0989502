// A RuntimeConfig with every property present and every variant used (both address item
// kinds, both relay targets, both password sources, optional `list`), typed against
// types.ts: the compiler rejects it if the type changes, the schema test if the schema does.
import type { RuntimeConfig, ServerConfig } from '../../../runtime/config/types.js';

const submission: ServerConfig = {
  name: 'submission',
  hostname: 'smtp.example.test',
  banner: 'Example mail: authorised use only',
  listen: [
    { address: '192.0.2.10', port: 587, tlsMode: 'starttls', source: 'main.smtppolicy:30:3' },
    { address: '2001:db8::10', port: 465, tlsMode: 'implicit', source: 'main.smtppolicy:31:3' },
  ],
  tls: {
    certificates: [
      { certificate: 'tls/smtp.crt', key: 'tls/smtp.key', serverNames: [], source: 'main.smtppolicy:33:5' },
      { certificate: '/etc/ssl/alt.crt', key: '/etc/ssl/alt.key', serverNames: ['alt.example.test', '*.mail.example.test'], source: 'main.smtppolicy:34:5' },
    ],
    mode: 'required',
    minVersion: 'TLSv1.2',
    minCipherBits: 128,
    source: 'main.smtppolicy:32:3',
  },
  connections: {
    mode: 'deny-list',
    entries: [
      { kind: 'cidr', cidr: '203.0.113.0/24', source: 'lists.smtppolicy:2:5', list: 'blocked' },
      { kind: 'domain', domain: 'spam.example', source: 'main.smtppolicy:37:5' },
    ],
    source: 'main.smtppolicy:36:3',
  },
  auth: {
    mechanisms: [
      { mechanism: 'PLAIN', userStore: 'staff', source: 'main.smtppolicy:40:5' },
      { mechanism: 'CRAM-MD5', userStore: null, source: 'main.smtppolicy:41:5' },
    ],
    anonymous: false,
    senderMustMatch: true,
    source: 'main.smtppolicy:39:3',
  },
  relay: {
    anyone: false,
    authenticated: true,
    entries: [
      { kind: 'cidr', cidr: '2001:db8:5::/48', source: 'main.smtppolicy:44:5' },
      { kind: 'domain', domain: 'branch.example', source: 'lists.smtppolicy:6:5', list: 'branches' },
    ],
    source: 'main.smtppolicy:43:3',
  },
  localDomains: [{ kind: 'domain', domain: 'example.test', source: 'main.smtppolicy:46:3' }],
  recipients: [
    {
      domain: 'example.test',
      mailboxes: [
        { kind: 'file', file: 'example.mailboxes', source: 'main.smtppolicy:47:5' },
        { kind: 'users', userStore: 'staff', source: 'main.smtppolicy:48:5' },
      ],
      aliases: [{ localPart: 'sales', targets: ['alice@example.test', 'bob@partner.example'], source: 'main.smtppolicy:49:5' }],
      catchAll: false,
      source: 'main.smtppolicy:46:30',
    },
  ],
  relayTo: {
    kind: 'smarthost',
    host: 'relay.provider.example',
    port: 587,
    tls: 'required',
    verifyCertificate: true,
    user: 'acct-17',
    password: { env: 'SMARTHOST_PASSWORD' },
    source: 'main.smtppolicy:47:3',
  },
  routes: [{ domain: 'partner.example', host: 'mx.partner.example', port: 2525, source: 'main.smtppolicy:48:3' }],
  limits: {
    messageSizeBytes: 25 * 1024 * 1024,
    recipientsPerMessage: 50,
    maxConnections: 200,
    maxConnectionsPerAddress: 5,
    sessionTimeoutMs: 1_800_000,
    dataTimeoutMs: 600_000,
    idleTimeoutMs: 300_000,
    greetingDelayMs: 0,
    authFailures: 5,
    authFailureWindowMs: 900_000,
    rates: [{ event: 'message', per: 'user', count: 200, periodMs: 3_600_000, source: 'main.smtppolicy:51:5' }],
    source: 'main.smtppolicy:50:3',
  },
  proxyProtocol: [{ kind: 'cidr', cidr: '10.0.0.5/32', source: 'main.smtppolicy:60:3' }],
  gateways: [],
  rejectBareLineEndings: true,
  source: 'main.smtppolicy:29:1',
};

const inbound: ServerConfig = {
  ...submission,
  name: 'inbound',
  listen: [{ address: '192.0.2.10', port: 25, tlsMode: 'starttls', source: 'main.smtppolicy:10:3' }],
  tls: null,
  relayTo: { kind: 'hold', source: null },
  limits: { ...submission.limits, source: null },
  source: 'main.smtppolicy:9:1',
};

const smarthostWithFile: ServerConfig = {
  ...submission,
  name: 'outbound',
  listen: [{ address: '::1', port: 2525, tlsMode: 'starttls', source: 'main.smtppolicy:70:3' }],
  relayTo: { kind: 'smarthost', host: '192.0.2.99', port: 25, tls: 'none', verifyCertificate: false, user: null, password: { file: 'secrets/smarthost' }, source: 'main.smtppolicy:71:3' },
  source: 'main.smtppolicy:69:1',
};

export function sampleConfig(): RuntimeConfig {
  const config: RuntimeConfig = {
    version: 1,
    sources: ['main.smtppolicy', 'lists.smtppolicy'],
    resolver: {
      servers: ['192.0.2.53', '192.0.2.54:5353', '2001:db8::53', '[2001:db8::54]:53'],
      timeoutMs: 2000,
      reverseZones: ['2.0.192.in-addr.arpa', '8.b.d.0.1.0.0.2.ip6.arpa'],
      cache: { maxTtlMs: 3_600_000, negativeTtlMs: 300_000, maxEntries: 10_000 },
      source: 'main.smtppolicy:3:1',
    },
    storage: { spool: 'var/spool', maildir: '/var/mail/smtppolicy' },
    userStores: [
      { name: 'staff', file: 'users.passwd', source: 'main.smtppolicy:5:1' },
      {
        name: 'directory',
        ldap: {
          url: 'ldaps://dc.example.com:636', bindDn: 'cn=smtp,ou=services,dc=example,dc=com', bindPassword: { env: 'LDAP_BIND_PASSWORD' },
          base: 'ou=people,dc=example,dc=com', filter: '(uid={login})', caFile: 'ca.pem', startTls: false, cleartextLoopback: false, timeoutMs: 5000, pool: 4, mailboxCacheMs: 60000,
        },
        source: 'main.smtppolicy:6:1',
      },
    ],
    admin: { listen: [{ address: '127.0.0.1', port: 9187 }], source: 'main.smtppolicy:7:1' },
    state: { backend: 'redis', url: 'rediss://redis.example.com:6380/0', password: { env: 'REDIS_PASSWORD' }, caFile: 'redis-ca.pem', onUnreachable: 'fail-closed', source: 'main.smtppolicy:8:1' },
    servers: [inbound, submission, smarthostWithFile],
  };
  // A fresh tree each time, with no object shared between servers (the spreads above share them).
  return JSON.parse(JSON.stringify(config)) as RuntimeConfig;
}
