// The language's defaults, in one table. The compiler writes every one of them into the
// runtime config, so the server (and any other reader of the JSON) never needs this file.
// docs/language.md states the same values for users: change both together.

import type { LimitName, RateLimitName } from '../grammar/ast.js';
import type { LdapConfig, LimitsConfig, RateEvent, RateKey, TlsConfig } from '../runtime/config/types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_LIMITS: Omit<LimitsConfig, 'source'> = {
  messageSizeBytes: 10 * 1024 * 1024, // Postfix's message_size_limit is about 10 MB too
  recipientsPerMessage: 100,
  maxConnections: 100, // Postfix's default_process_limit
  maxConnectionsPerAddress: 10,
  sessionTimeoutMs: 30 * MINUTE,
  dataTimeoutMs: 10 * MINUTE,
  idleTimeoutMs: 5 * MINUTE, // Postfix's smtpd_timeout (300s)
  greetingDelayMs: 0,
  authFailures: 5,
  authFailureWindowMs: 15 * MINUTE,
};

/** Which LimitsConfig field each `limits` setting sets, and the kind of value it takes. */
export const LIMIT_FIELDS: Record<Exclude<LimitName, RateLimitName>, { field: keyof Omit<LimitsConfig, 'source' | 'rates'>; value: 'Size' | 'Duration' | 'Integer' }> = {
  'message-size': { field: 'messageSizeBytes', value: 'Size' },
  recipients: { field: 'recipientsPerMessage', value: 'Integer' },
  connections: { field: 'maxConnections', value: 'Integer' },
  'connections-per-address': { field: 'maxConnectionsPerAddress', value: 'Integer' },
  'session-timeout': { field: 'sessionTimeoutMs', value: 'Duration' },
  'data-timeout': { field: 'dataTimeoutMs', value: 'Duration' },
  'idle-timeout': { field: 'idleTimeoutMs', value: 'Duration' },
  'greeting-delay': { field: 'greetingDelayMs', value: 'Duration' },
  'auth-failures': { field: 'authFailures', value: 'Integer' },
  'auth-failure-window': { field: 'authFailureWindowMs', value: 'Duration' },
};

/**
 * The rate limits of a `limits` block: which event each counts, per which key. None is set
 * by default, as in Postfix (its `smtpd_client_*_rate_limit` are 0): a rate that suits one
 * site refuses another's legitimate bulk (a mailing list, a ticket system), and the
 * concurrent limits, which are on by default, already bound what one client holds.
 */
export const RATE_LIMITS: Record<RateLimitName, { event: RateEvent; per: RateKey }> = {
  'connection-rate-per-address': { event: 'connection', per: 'address' },
  'connection-rate-per-network': { event: 'connection', per: 'network' },
  'message-rate-per-address': { event: 'message', per: 'address' },
  'message-rate-per-network': { event: 'message', per: 'network' },
  'message-rate-per-user': { event: 'message', per: 'user' },
  'recipient-rate-per-address': { event: 'recipient', per: 'address' },
  'recipient-rate-per-network': { event: 'recipient', per: 'network' },
  'recipient-rate-per-user': { event: 'recipient', per: 'user' },
};

export const DEFAULT_TLS: Pick<TlsConfig, 'mode' | 'minVersion' | 'minCipherBits'> = {
  mode: 'optional',
  minVersion: 'TLSv1.2', // smtp-server's own default is TLS 1.0: never inherit it
  minCipherBits: 128, // the article's "Require 128-bit encryption", on by default
};

export const DEFAULT_RESOLVER = {
  timeoutMs: 2 * SECOND,
  maxTtlMs: HOUR,
  negativeTtlMs: 5 * MINUTE,
  maxEntries: 10_000,
  port: 53,
};

export const DEFAULT_STORAGE = { spool: 'var/spool', maildir: 'var/mail' };

/** TLS versions as written in the language → as Node and the runtime config name them. */
export const TLS_VERSION_NAMES = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
} as const;

/** A directory credential store (`users NAME ldap "URL" { … }`); the keyword table's defaults say the same. */
export const DEFAULT_LDAP: Pick<LdapConfig, 'filter' | 'timeoutMs' | 'pool' | 'mailboxCacheMs'> = {
  filter: '(uid={login})', // OpenLDAP's inetOrgPerson; Active Directory wants (sAMAccountName={login})
  timeoutMs: 5 * SECOND,
  pool: 4,
  // a minute: a new mailbox is refused (550) or a removed one still accepted for at most
  // this long, while a burst of RCPTs (a list mail, a harvest) asks the directory once per address
  mailboxCacheMs: 60 * SECOND,
};
