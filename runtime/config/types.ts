// The runtime config: the contract between the language and any server that executes it.
//
// `compiler/emit` writes it, `runtime/` runs from it alone (it never imports grammar/ or
// compiler/), and `schema.json` beside this file is the published form of the same
// contract: the two must always agree (a test checks it). Every default is explicit, so a
// reader of the JSON never needs to know the language's defaults.
//
// Conventions:
// - Durations are milliseconds, sizes bytes.
// - Addresses are normalised: IPv4-mapped IPv6 becomes IPv4, IPv6 is lower-case and
//   compressed, masks are prefixes, ranges carry their network address (host bits cleared).
// - File paths are relative to the directory that holds the config file (for a config
//   compiled in memory from a .smtppolicy, the entry file's directory), or absolute.
// - `source` is `file:line:column` (1-based) of the policy text that produced the item,
//   with the file relative to the same base, so that logs and `explain` point at it.
// - Arrays keep the order of the policy text; nothing depends on object key order.

export const RUNTIME_CONFIG_VERSION = 1;

export interface RuntimeConfig {
  /** Format version of this document; a server refuses versions it does not know. */
  version: typeof RUNTIME_CONFIG_VERSION;
  /** The policy files this config was compiled from, entry first. */
  sources: string[];
  resolver: ResolverConfig;
  storage: StorageConfig;
  userStores: UserStoreConfig[];
  /** The metrics and health listener; null when not configured. */
  admin: AdminConfig | null;
  /**
   * Where the limits shared by several hosts are kept; absent or null: this host only (in
   * memory, or through the primary of `serve --workers`).
   */
  state?: StateConfig | null;
  servers: ServerConfig[];
}

/** The shared state in Redis (runtime/state/redis/): every slot, throttle and rate decision is one script there. */
export interface StateConfig {
  backend: 'redis';
  /** `redis://HOST[:PORT][/DB]` or `rediss://…` (TLS); never with a password in it. */
  url: string;
  /** Where Redis's password comes from at run time; never the secret itself. */
  password: { env: string } | { file: string } | null;
  /** CA certificates (PEM) a `rediss://` server's certificate must chain to; null: the system's. */
  caFile: string | null;
  /** While Redis cannot be asked: refuse for now (421 / 454), or let each host decide alone. */
  onUnreachable: 'fail-closed' | 'local';
  source: string;
}

export interface ResolverConfig {
  /** DNS servers as `ip` or `ip:port` (`[v6]:port`); empty means the system resolver. */
  servers: string[];
  /** A reverse lookup (and its forward confirmation) that takes longer fails. */
  timeoutMs: number;
  /** Reverse zones (`10.in-addr.arpa`) the resolver is known to answer for. */
  reverseZones: string[];
  cache: {
    /** Positive answers are cached for their TTL, at most this long. */
    maxTtlMs: number;
    /** Names that do not exist are remembered this long. */
    negativeTtlMs: number;
    /** Most cached addresses; the least recently used is forgotten first. */
    maxEntries: number;
  };
  source: string | null;
}

export interface StorageConfig {
  /** Accepted messages wait here, fsynced, until delivered. */
  spool: string;
  /** Local deliveries go to `<maildir>/<domain>/<user>/` in Maildir format. */
  maildir: string;
}

/** A credential store: a password file, or a directory that checks passwords by a bind. */
export type UserStoreConfig = PasswordFileStoreConfig | DirectoryStoreConfig;

export interface PasswordFileStoreConfig {
  name: string;
  /** The password file (`smtppolicy passwd` writes it). */
  file: string;
  source: string;
}

export interface DirectoryStoreConfig {
  name: string;
  ldap: LdapConfig;
  source: string;
}

/** An LDAP directory: users are found with the service account and checked by binding as them. */
export interface LdapConfig {
  /** `ldaps://host:636` or `ldap://host:389`. */
  url: string;
  /** The service account that searches; null for an anonymous search. */
  bindDn: string | null;
  /** Where the service account's password comes from at run time; never the secret itself. */
  bindPassword: { env: string } | { file: string } | null;
  /** The search base (subtree). */
  base: string;
  /** The user filter; `{login}` is replaced by the RFC 4515-escaped login. */
  filter: string;
  /** Extra trusted CA certificates (PEM); null for the system's. */
  caFile: string | null;
  /** Upgrade an `ldap://` connection with StartTLS before any bind. */
  startTls: boolean;
  /** An `ldap://` URL on a loopback address may be used without TLS. */
  cleartextLoopback: boolean;
  /** One login's whole wait for the directory (a connection, the search, the bind). */
  timeoutMs: number;
  /** Connections kept open and used at once. */
  pool: number;
  /**
   * How long a recipient lookup's answer (mailbox, group members, no such address) is kept
   * when a recipient list reads this directory; 0: every recipient asks the directory.
   */
  mailboxCacheMs: number;
}

/** Whether a store is a directory (else a password file). */
export function isDirectoryStore(store: UserStoreConfig): store is DirectoryStoreConfig {
  return 'ldap' in store;
}

export interface AdminConfig {
  listen: Endpoint[];
  source: string;
}

export interface Endpoint {
  /** An IPv4 or IPv6 address (normalised) to bind. */
  address: string;
  port: number;
}

export interface ServerConfig {
  name: string;
  /** The FQDN the server greets and identifies itself with. */
  hostname: string;
  /** Text the greeting adds after `HOSTNAME ESMTP` (printable ASCII); absent: none. */
  banner?: string;
  listen: ListenConfig[];
  /** null when the server has no certificate: STARTTLS is then not offered. */
  tls: TlsConfig | null;
  connections: ConnectionControl;
  auth: AuthConfig;
  relay: RelayConfig;
  /** Mail for these domains (exact match, lower-case) is accepted and delivered locally. */
  localDomains: DomainItem[];
  /**
   * Who receives mail in each local domain that has a `recipients` block: its mailboxes,
   * aliases and whether it is a catch-all. A local domain without one accepts any local
   * part (lint warns). Absent: no local domain has a recipient list.
   */
  recipients?: RecipientsConfig[];
  relayTo: RelayTarget;
  /** Relayed mail for these domains goes to the route's host instead; absent: none. */
  routes?: RouteConfig[];
  limits: LimitsConfig;
  /** Load balancers whose PROXY protocol header is trusted; empty means PROXY is refused. */
  proxyProtocol: AddressItem[];
  /**
   * Addresses that front other clients: NAT gateways, load balancers without PROXY,
   * container bridges. Every client behind one arrives with the gateway's address, so a
   * grant that covers a gateway grants everyone behind it. Decisions do not change (the
   * server cannot see through a gateway); traces and the linter say so.
   */
  gateways: AddressItem[];
  /** Refuse bare CR or LF in commands and message data (SMTP smuggling defence). */
  rejectBareLineEndings: boolean;
  source: string;
}

export interface ListenConfig extends Endpoint {
  /** `implicit`: TLS from the first byte (port 465). `starttls`: plain, STARTTLS offered when `tls` is set. */
  tlsMode: 'implicit' | 'starttls';
  source: string;
}

export interface TlsConfig {
  /** The first is the default; the others are chosen by SNI for their hostnames. */
  certificates: CertificateConfig[];
  /** `required`: nothing sensitive (AUTH, MAIL) before TLS. `optional`: offered only. */
  mode: 'required' | 'optional';
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** Smallest accepted symmetric key length of the negotiated cipher; 0 = no minimum. */
  minCipherBits: number;
  source: string;
}

export interface CertificateConfig {
  certificate: string;
  key: string;
  /** SNI names this certificate answers for; empty for the default certificate. */
  serverNames: string[];
  source: string;
}

/**
 * `allow-list`: only clients matching an entry may connect ("only the list below").
 * `deny-list`: every client except those matching an entry ("all except the list below").
 * A deny-list with no entries admits everyone.
 */
export interface ConnectionControl {
  mode: 'allow-list' | 'deny-list';
  entries: AddressItem[];
  source: string | null;
}

/**
 * One entry of a connection list, relay grant or proxy list, already resolved from lists.
 * Read its fields; do not copy it with structuredClone or a spread: the compiler's address
 * items spell `cidr` and `source` when read (compiler/cidr-entry-item.ts). `plainCopy` makes
 * a plain copy of a whole config.
 */
export type AddressItem = CidrItem | DomainItem;

export interface CidrItem {
  kind: 'cidr';
  /** `network/prefix`, normalised: `10.0.0.0/8`, `2001:db8::/32`, `198.51.100.7/32`. */
  cidr: string;
  source: string;
  /** The named list it came from, when it came from one. */
  list?: string;
}

/**
 * A domain matched by reverse DNS: the client's PTR name, forward-confirmed, equals the
 * domain or ends with `.` + domain.
 */
export interface DomainItem {
  kind: 'domain';
  domain: string;
  source: string;
  list?: string;
}

/** The recipients of one local domain: anything they do not name is refused at RCPT (550 5.1.1). */
export interface RecipientsConfig {
  /** The local domain, lower-case, without a trailing dot; one of the server's localDomains. */
  domain: string;
  /** Where the domain's mailboxes are listed; a local part any of them lists is a mailbox. */
  mailboxes: MailboxSource[];
  /** Local parts that forward to other addresses, in the order written. */
  aliases: AliasConfig[];
  /** Every local part that is neither a mailbox nor an alias is accepted too, into its own Maildir. */
  catchAll: boolean;
  source: string;
}

/**
 * A list of mailboxes: a file of addresses (one a line; the server rereads it when it
 * changes and on SIGHUP), or the users of a credential store whose names are addresses in
 * the domain.
 */
export type MailboxSource = MailboxFileSource | MailboxUsersSource;

/** A mailbox list file. */
export interface MailboxFileSource {
  kind: 'file';
  /** The file: one address or local part a line; '#' starts a comment. */
  file: string;
  source: string;
}

/** The users of a credential store. */
export interface MailboxUsersSource {
  kind: 'users';
  /** The user store's name. */
  userStore: string;
  source: string;
}

export interface AliasConfig {
  /** The alias's local part: lower-case, Unicode normal form C. */
  localPart: string;
  /** Full addresses it forwards to, local or remote, in the order written. */
  targets: string[];
  source: string;
}

export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2';

export interface AuthConfig {
  /** Mechanisms offered, each checked against a credential store. Empty: AUTH not offered. */
  mechanisms: AuthMechanismConfig[];
  /**
   * Clients may send mail without authenticating (the article's "anonymous access").
   * When false, MAIL is refused with 530 5.7.0 until the client has authenticated.
   */
  anonymous: boolean;
  /** The envelope sender must equal the authenticated user name (an address). */
  senderMustMatch: boolean;
  source: string | null;
}

export interface AuthMechanismConfig {
  mechanism: AuthMechanism;
  /** The user store's name, or null when the policy named none (lint reports it; no login can succeed). */
  userStore: string | null;
  source: string;
}

export interface RelayConfig {
  /** Every client may relay: an open relay. */
  anyone: boolean;
  /** Authenticated clients may relay. */
  authenticated: boolean;
  /** Clients matching an entry may relay without authenticating. */
  entries: AddressItem[];
  source: string | null;
}

export type RelayTarget = SmarthostTarget | DirectTarget | HoldTarget;

export interface SmarthostTarget {
  kind: 'smarthost';
  host: string;
  port: number;
  /** `required`: STARTTLS or fail (temporary). `optional`: when offered. `none`: never. */
  tls: 'required' | 'optional' | 'none';
  verifyCertificate: boolean;
  user: string | null;
  /** Where the password comes from at run time; never the secret itself. */
  password: { env: string } | { file: string } | null;
  source: string;
}

/**
 * Direct delivery: each recipient domain's mail goes to its MX hosts (RFC 5321 §5), found
 * through the `resolver`'s servers, over STARTTLS when offered (required where the domain
 * publishes an MTA-STS policy in `enforce` mode).
 */
export interface DirectTarget {
  kind: 'direct';
  source: string;
}

/** Relayed mail for `domain` goes to this host, whatever `relayTo` says (Postfix transport_maps). */
export interface RouteConfig {
  /** The recipient domain (lower-case, exact match). */
  domain: string;
  /** A host name (resolved through the resolver's servers) or an IP address. */
  host: string;
  port: number;
  source: string;
}

/** Relayed mail is queued and waits until a smart host is configured. */
export interface HoldTarget {
  kind: 'hold';
  source: string | null;
}

export interface LimitsConfig {
  messageSizeBytes: number;
  recipientsPerMessage: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** The whole session, however active, ends after this long. */
  sessionTimeoutMs: number;
  /** DATA must complete within this long. */
  dataTimeoutMs: number;
  /** A command must arrive within this long of the previous reply. */
  idleTimeoutMs: number;
  /** Wait this long before the greeting; clients that talk first are refused. */
  greetingDelayMs: number;
  /** Failed logins allowed per client address, and per user name, within the window. */
  authFailures: number;
  authFailureWindowMs: number;
  /**
   * Rate limits (`connection-rate-per-address 60/1m`, …), in the order written; absent or
   * empty: none (the default, as in Postfix).
   */
  rates?: RateLimitConfig[];
  source: string | null;
}

/** The event a rate limit counts: a connection, a MAIL FROM, a RCPT TO. */
export type RateEvent = 'connection' | 'message' | 'recipient';
/** What the events are counted per: the client address, its network (IPv4 /24, IPv6 /64), the authenticated user. */
export type RateKey = 'address' | 'network' | 'user';

/** At most `count` events of one key per fixed window of `periodMs`. */
export interface RateLimitConfig {
  event: RateEvent;
  per: RateKey;
  count: number;
  periodMs: number;
  /** Where the setting was written (file:line:column). */
  source: string | null;
}
