// The typed syntax tree of a .smtppolicy file.
//
// This file is a contract: grammar/ produces it, compiler/, format/ and lsp/ read it.
// Every node has a source range. Values stay as written (`text`) next to their parsed
// meaning, so the formatter can print canonical spellings and the compiler never has to
// re-parse. A parsed payload is `null` when the text was invalid; the parser has then
// already reported a diagnostic at that exact range, so consumers just skip the node.
//
// Trees from broken text are partial: a recovered node may lack children, so optional
// fields really are optional and every consumer must tolerate their absence.

/** A place in the text. `offset` is 0-based (UTF-16 units); `line` and `column` are 1-based. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/**
 * A half-open span of text: `end` is the position just after the last character. The
 * parser's ranges keep offsets only and compute `start` and `end` (fresh objects) when read
 * (grammar/positions.ts, `OffsetRange`): compare two ranges by their positions, not as objects.
 */
export interface Range {
  start: Position;
  end: Position;
}

export interface NodeBase {
  range: Range;
}

/** A keyword as written, kept so that hover and diagnostics can point at it. */
export interface Keyword extends NodeBase {
  kind: 'Keyword';
  text: string;
}

/** A name that declares or refers to a server, list or user store. */
export interface Name extends NodeBase {
  kind: 'Name';
  text: string;
}

export interface StringLiteral extends NodeBase {
  kind: 'String';
  /** The value with escapes resolved. */
  value: string;
  /** The text as written, quotes included. */
  raw: string;
}

export interface Comment extends NodeBase {
  kind: 'Comment';
  /** The whole comment, `#` included, without the line break. */
  text: string;
}

export interface PolicyFile extends NodeBase {
  kind: 'File';
  items: TopLevelItem[];
  /** Every comment in the file, in text order (they are not attached to nodes). */
  comments: Comment[];
}

export type TopLevelItem =
  | IncludeDecl
  | ResolverBlock
  | UserStoreDecl
  | ListDecl
  | ServerDecl
  | StorageBlock
  | AdminBlock
  | StateBlock;

// ───────────────────────────── top level ─────────────────────────────

/** `include "common.smtppolicy"`: the path is relative to the including file. */
export interface IncludeDecl extends NodeBase {
  kind: 'Include';
  keyword: Keyword;
  path?: StringLiteral;
}

/** `resolver { … }`: how reverse lookups for domain entries are made. */
export interface ResolverBlock extends NodeBase {
  kind: 'Resolver';
  keyword: Keyword;
  settings: ResolverSetting[];
}

export type ResolverSetting =
  | ResolverServers
  | ResolverTimeout
  | ReverseZone
  | ResolverCache;

/** `servers 10.0.0.53, 127.0.0.1:5353` */
export interface ResolverServers extends NodeBase {
  kind: 'ResolverServers';
  keyword: Keyword;
  endpoints: HostPort[];
}

/** `timeout 2s` */
export interface ResolverTimeout extends NodeBase {
  kind: 'ResolverTimeout';
  keyword: Keyword;
  value?: DurationValue;
}

/** `reverse-zone 10.in-addr.arpa, 113.0.203.in-addr.arpa` */
export interface ReverseZone extends NodeBase {
  kind: 'ReverseZone';
  keyword: Keyword;
  zones: DomainValue[];
}

/** `cache { max-ttl 1h  negative-ttl 5m  entries 10000 }` */
export interface ResolverCache extends NodeBase {
  kind: 'ResolverCache';
  keyword: Keyword;
  settings: CacheSetting[];
}

export interface CacheSetting extends NodeBase {
  kind: 'CacheSetting';
  keyword: Keyword;
  /** Which setting: the keyword's text. */
  name: 'max-ttl' | 'negative-ttl' | 'entries';
  value?: DurationValue | IntegerValue;
}

/** `users staff file "users.passwd"` (a password file) or `users staff ldap "ldaps://…" { … }` (a directory). */
export interface UserStoreDecl extends NodeBase {
  kind: 'UserStore';
  keyword: Keyword;
  name?: Name;
  file?: StringLiteral;
  ldap?: LdapDirectory;
}

/** `ldap "ldaps://dc.example.com:636" { bind-dn "…"  bind-password env NAME  base "…" … }` */
export interface LdapDirectory extends NodeBase {
  kind: 'LdapDirectory';
  keyword: Keyword;
  url?: StringLiteral;
  settings: LdapSetting[];
}

export type LdapSetting = Setting | LdapTimeout | LdapBindPassword;

/** `timeout 5s` in an ldap block. */
export interface LdapTimeout extends NodeBase {
  kind: 'LdapTimeout';
  keyword: Keyword;
  name: 'timeout';
  value?: DurationValue;
}

/** `bind-password env LDAP_PASSWORD` or `bind-password file "/run/secrets/ldap"`: never the secret itself. */
export interface LdapBindPassword extends NodeBase {
  kind: 'LdapBindPassword';
  keyword: Keyword;
  source?: SecretSource;
}

/** Where a secret comes from. */
export type SecretSource = { kind: 'Env'; keyword: Keyword; variable?: Name; range: Range } | { kind: 'File'; keyword: Keyword; path?: StringLiteral; range: Range };

/** `list partners { 203.0.113.0/24  198.51.100.7  domain partner.example }` */
export interface ListDecl extends NodeBase {
  kind: 'List';
  keyword: Keyword;
  name?: Name;
  entries: AddressEntry[];
}

/** `storage { spool "var/spool"  maildir "var/mail" }` */
export interface StorageBlock extends NodeBase {
  kind: 'Storage';
  keyword: Keyword;
  settings: StorageSetting[];
}

export interface StorageSetting extends NodeBase {
  kind: 'StorageSetting';
  keyword: Keyword;
  name: 'spool' | 'maildir';
  path?: StringLiteral;
}

/** `admin { listen 127.0.0.1:9725 }`: the metrics/health listener. */
export interface AdminBlock extends NodeBase {
  kind: 'Admin';
  keyword: Keyword;
  listen: Listen[];
}

/** `state { redis "rediss://…"  password env NAME  ca-file "…"  on-unreachable local }`: limits shared by several hosts. */
export interface StateBlock extends NodeBase {
  kind: 'State';
  keyword: Keyword;
  settings: StateSetting[];
}

export type StateSetting = Setting | StatePassword;

/** `password env NAME` or `password file "PATH"` in a state block: Redis's password. */
export interface StatePassword extends NodeBase {
  kind: 'StatePassword';
  keyword: Keyword;
  source?: SecretSource;
}

// ───────────────────────────── servers ─────────────────────────────

/** `server submission { … }`: one SMTP virtual server. */
export interface ServerDecl extends NodeBase {
  kind: 'Server';
  keyword: Keyword;
  name?: Name;
  settings: ServerSetting[];
}

export type ServerSetting =
  | Listen
  | Hostname
  | TlsBlock
  | Connections
  | AuthBlock
  | RelayBlock
  | LocalDomains
  | RecipientsBlock
  | RelayTo
  | Route
  | LimitsBlock
  | ProxyProtocol
  | Gateways
  | AllowBareNewlines
  | Setting;

/** `listen 0.0.0.0:587, [::]:587` or `listen 0.0.0.0:465 implicit-tls` */
export interface Listen extends NodeBase {
  kind: 'Listen';
  keyword: Keyword;
  endpoints: ListenEndpoint[];
}

export interface ListenEndpoint extends NodeBase {
  kind: 'ListenEndpoint';
  address: HostPort;
  /** Present when written `implicit-tls`: TLS from the first byte (port 465 style). */
  implicitTls?: Keyword;
}

/**
 * A setting of the keyword table that has no node kind of its own (`banner "…"`): which
 * one it is, and its value as the row's value kind parses it. New settings take this
 * shape, so adding one needs no new type; only server settings use it so far (a block
 * that gets one adds `Setting` to its union below).
 */
export interface Setting extends NodeBase {
  kind: 'Setting';
  keyword: Keyword;
  /** The keyword's text. */
  name: string;
  /** Absent for a flag, and where the value is missing (a syntax error was reported). */
  value?: SettingValue | SettingValue[];
}

export type SettingValue = StringLiteral | DomainValue | HostPort | DurationValue | RateValue | SizeValue | IntegerValue | TlsVersionValue | UnreachableModeValue;

/** `hostname mail.contoso.example`: the FQDN the server greets with. */
export interface Hostname extends NodeBase {
  kind: 'Hostname';
  keyword: Keyword;
  value?: DomainValue;
}

/** `tls { certificate "…"  key "…"  require  min-version 1.2  min-cipher-bits 128 }` */
export interface TlsBlock extends NodeBase {
  kind: 'Tls';
  keyword: Keyword;
  settings: TlsSetting[];
}

export type TlsSetting =
  | TlsFile
  | TlsMode
  | TlsMinVersion
  | TlsMinCipherBits
  | TlsSni;

/** `certificate "certs/mail.pem"` or `key "certs/mail.key"` */
export interface TlsFile extends NodeBase {
  kind: 'TlsFile';
  keyword: Keyword;
  name: 'certificate' | 'key';
  path?: StringLiteral;
}

/** `require` (TLS before anything sensitive) or `optional` (offered, not required). */
export interface TlsMode extends NodeBase {
  kind: 'TlsMode';
  keyword: Keyword;
  mode: 'require' | 'optional';
}

/** `min-version 1.2` */
export interface TlsMinVersion extends NodeBase {
  kind: 'TlsMinVersion';
  keyword: Keyword;
  value?: TlsVersionValue;
}

/** `min-cipher-bits 128`: the article's "Require 128-bit encryption". */
export interface TlsMinCipherBits extends NodeBase {
  kind: 'TlsMinCipherBits';
  keyword: Keyword;
  value?: IntegerValue;
}

/** `sni other.example { certificate "…"  key "…" }`: an extra certificate chosen by SNI. */
export interface TlsSni extends NodeBase {
  kind: 'TlsSni';
  keyword: Keyword;
  hostname?: DomainValue;
  files: TlsFile[];
}

/**
 * `connections only { … }` ("only the list below": an allow-list) or
 * `connections except { … }` ("all except the list below": a deny-list).
 */
export interface Connections extends NodeBase {
  kind: 'Connections';
  keyword: Keyword;
  mode?: { keyword: Keyword; value: 'only' | 'except' };
  entries: AddressEntry[];
}

/**
 * `auth { basic users staff  challenge-response users staff }`. Writing an auth block turns
 * anonymous access off unless `anonymous` is among its methods; without an auth block a
 * server takes mail from anyone allowed to connect (an inbound MX).
 */
export interface AuthBlock extends NodeBase {
  kind: 'Auth';
  keyword: Keyword;
  settings: AuthSetting[];
}

export type AuthSetting = AuthMethod | AuthSenderMatch;

/**
 * One offered method. `basic` is PLAIN and LOGIN (clear-text password),
 * `challenge-response` is CRAM-MD5, `token` is XOAUTH2, `anonymous` needs no credentials.
 */
export interface AuthMethod extends NodeBase {
  kind: 'AuthMethod';
  keyword: Keyword;
  method: 'anonymous' | 'basic' | 'challenge-response' | 'token';
  /** `users NAME`: the credential store that checks this method. */
  users?: { keyword: Keyword; name?: Name };
}

/** `sender-must-match`: the envelope sender must be the authenticated user's address. */
export interface AuthSenderMatch extends NodeBase {
  kind: 'AuthSenderMatch';
  keyword: Keyword;
}

/** `relay { authenticated  10.1.2.0/24  domain partner.example  @partners }` or `relay { anyone }` */
export interface RelayBlock extends NodeBase {
  kind: 'Relay';
  keyword: Keyword;
  entries: RelayEntry[];
}

/** `local-domains contoso.example, example.test` */
export interface LocalDomains extends NodeBase {
  kind: 'LocalDomains';
  keyword: Keyword;
  domains: DomainValue[];
}

/**
 * `recipients contoso.example { mailboxes file "mailboxes"  alias "sales" to "alice", "bob@partner.example" }`:
 * who receives mail in one local domain. Anything it does not name is refused at RCPT.
 */
export interface RecipientsBlock extends NodeBase {
  kind: 'Recipients';
  keyword: Keyword;
  domain?: DomainValue;
  settings: RecipientsSetting[];
}

export type RecipientsSetting = Mailboxes | Alias | CatchAll;

/** `mailboxes file "mailboxes"` (a mailbox list file) or `mailboxes users staff` (a credential store's users). */
export interface Mailboxes extends NodeBase {
  kind: 'Mailboxes';
  keyword: Keyword;
  source?:
    | { kind: 'MailboxFile'; keyword: Keyword; path?: StringLiteral; range: Range }
    | { kind: 'MailboxUsers'; keyword: Keyword; store?: Name; range: Range };
}

/** `alias "sales" to "alice", "bob@partner.example"`: a local part that forwards to other addresses. */
export interface Alias extends NodeBase {
  kind: 'Alias';
  keyword: Keyword;
  /** The alias's local part, quoted. */
  name?: StringLiteral;
  to?: Keyword;
  /** Local parts of the block's domain or full addresses, quoted. */
  targets: StringLiteral[];
}

/** `catch-all`: every local part that is neither a mailbox nor an alias is accepted too. */
export interface CatchAll extends NodeBase {
  kind: 'CatchAll';
  keyword: Keyword;
}

/**
 * `relay-to smarthost "smtp.isp.example:587" { tls require  user "relay"  password env RELAY_PASSWORD }`
 * or `relay-to hold` (keep relayed mail in the queue).
 */
export interface RelayTo extends NodeBase {
  kind: 'RelayTo';
  keyword: Keyword;
  target?:
    | { kind: 'Smarthost'; keyword: Keyword; address?: HostPort; settings: SmarthostSetting[]; range: Range }
    | { kind: 'Hold'; keyword: Keyword; range: Range }
    | { kind: 'Direct'; keyword: Keyword; range: Range };
}

/** `route partner.example "smtp.partner.example:25"`: relayed mail for a domain goes to that host. */
export interface Route extends NodeBase {
  kind: 'Route';
  keyword: Keyword;
  domain?: DomainValue;
  address?: HostPort;
}

export type SmarthostSetting = SmarthostTls | SmarthostUser | SmarthostPassword;

/** `tls require | optional | none` and, optionally, `no-verify` (accept any certificate). */
export interface SmarthostTls extends NodeBase {
  kind: 'SmarthostTls';
  keyword: Keyword;
  mode?: { keyword: Keyword; value: 'require' | 'optional' | 'none' };
  noVerify?: Keyword;
}

/** `user "relay-account"` */
export interface SmarthostUser extends NodeBase {
  kind: 'SmarthostUser';
  keyword: Keyword;
  value?: StringLiteral;
}

/** `password env RELAY_PASSWORD` or `password file "/run/secrets/relay"`: never the secret itself. */
export interface SmarthostPassword extends NodeBase {
  kind: 'SmarthostPassword';
  keyword: Keyword;
  source?: SecretSource;
}

/** `limits { message-size 25MB  recipients 100  … }` */
export interface LimitsBlock extends NodeBase {
  kind: 'Limits';
  keyword: Keyword;
  settings: LimitSetting[];
}

export type LimitName =
  | 'message-size'
  | 'recipients'
  | 'connections'
  | 'connections-per-address'
  | 'session-timeout'
  | 'data-timeout'
  | 'idle-timeout'
  | 'greeting-delay'
  | 'auth-failures'
  | 'auth-failure-window'
  | RateLimitName;

/** The rate limits of a `limits` block: which event is counted, per which key (rate-limit names in runtime/config). */
export type RateLimitName =
  | 'connection-rate-per-address'
  | 'connection-rate-per-network'
  | 'message-rate-per-address'
  | 'message-rate-per-network'
  | 'message-rate-per-user'
  | 'recipient-rate-per-address'
  | 'recipient-rate-per-network'
  | 'recipient-rate-per-user';

export interface LimitSetting extends NodeBase {
  kind: 'LimitSetting';
  keyword: Keyword;
  name: LimitName;
  value?: SizeValue | DurationValue | IntegerValue | RateValue;
}

/** `proxy-protocol { 10.0.0.10 }`: load balancers whose PROXY header is trusted. */
export interface ProxyProtocol extends NodeBase {
  kind: 'ProxyProtocol';
  keyword: Keyword;
  entries: AddressEntry[];
}

/**
 * `gateways { 172.17.0.1 }`: addresses that front other clients (NAT gateways, load
 * balancers without PROXY, container bridges). The server sees every client behind one
 * with the gateway's address, so the linter treats a grant that covers it as a grant to them all.
 */
export interface Gateways extends NodeBase {
  kind: 'Gateways';
  keyword: Keyword;
  entries: AddressEntry[];
}

/** `allow-bare-newlines`: turns off the SMTP smuggling defence (not recommended). */
export interface AllowBareNewlines extends NodeBase {
  kind: 'AllowBareNewlines';
  keyword: Keyword;
}

// ───────────────────────────── entries ─────────────────────────────

/** What a connection list, a named list or a proxy list may hold. */
export type AddressEntry = CidrEntry | MaskEntry | DomainEntry | ListRef;

/** What a relay block may hold: address entries plus the two special grants. */
export type RelayEntry = AddressEntry | AuthenticatedGrant | AnyoneGrant;

/** A single address (`198.51.100.7`, `2001:db8::1`) or a CIDR range (`10.0.0.0/8`). */
export interface CidrEntry extends NodeBase {
  kind: 'Cidr';
  text: string;
  /** null when the text is not a valid address or range. */
  value: CidrValue | null;
}

/** `192.168.1.0 mask 255.255.255.0`: the article's "group of computers". */
export interface MaskEntry extends NodeBase {
  kind: 'Mask';
  address: { text: string; range: Range };
  keyword: Keyword;
  mask?: { text: string; range: Range };
  /** null when the address or the mask is invalid (for example a non-contiguous mask). */
  value: CidrValue | null;
}

/** `domain partner.example`: matched by reverse DNS, the name itself and every name under it. */
export interface DomainEntry extends NodeBase {
  kind: 'Domain';
  keyword: Keyword;
  domain?: DomainValue;
}

/** `@partners`: every entry of a named list. */
export interface ListRef extends NodeBase {
  kind: 'ListRef';
  /** The name without the `@`. */
  name: string;
  /** The range of the name alone (the `@` excluded), for rename and go-to-definition. */
  nameRange: Range;
}

/** `authenticated`: any client that has logged in may relay (the article's default). */
export interface AuthenticatedGrant extends NodeBase {
  kind: 'Authenticated';
  keyword: Keyword;
}

/** `anyone`: every client may relay. This is an open relay, written explicitly so lint can flag it. */
export interface AnyoneGrant extends NodeBase {
  kind: 'Anyone';
  keyword: Keyword;
}

// ───────────────────────────── values ─────────────────────────────

/** A normalised address range: IPv4-mapped IPv6 becomes IPv4, IPv6 is lower-case and compressed. */
export interface CidrValue {
  family: 4 | 6;
  /** The address as written, normalised (host bits kept, so lint can flag them). */
  address: string;
  /** The network address: host bits cleared. */
  network: string;
  prefix: number;
  /** True when the text had no prefix or mask: a single computer. */
  single: boolean;
}

export interface DomainValue extends NodeBase {
  kind: 'DomainValue';
  text: string;
  /** Lower-case, without a trailing dot; null when invalid. */
  value: string | null;
}

/** `host:port`, `[v6]:port`, or a host alone (the port then comes from context). */
export interface HostPort extends NodeBase {
  kind: 'HostPort';
  text: string;
  value: { host: string; family: 4 | 6 | 'name'; port: number | null } | null;
}

export interface DurationValue extends NodeBase {
  kind: 'Duration';
  text: string;
  /** Milliseconds; null when invalid. */
  value: number | null;
}

/** `100/1m`: so many events per window. */
export interface RateValue extends NodeBase {
  kind: 'Rate';
  text: string;
  /** null when invalid. */
  value: { count: number; periodMs: number } | null;
}

export interface SizeValue extends NodeBase {
  kind: 'Size';
  text: string;
  /** Bytes; null when invalid. */
  value: number | null;
}

export interface IntegerValue extends NodeBase {
  kind: 'Integer';
  text: string;
  value: number | null;
}

export interface TlsVersionValue extends NodeBase {
  kind: 'TlsVersion';
  text: string;
  value: '1.0' | '1.1' | '1.2' | '1.3' | null;
}

/** `on-unreachable fail-closed` or `local` (null when misspelt: reported). */
export interface UnreachableModeValue extends NodeBase {
  kind: 'UnreachableMode';
  text: string;
  value: 'fail-closed' | 'local' | null;
}

export type AnyNode =
  | PolicyFile
  | TopLevelItem
  | ResolverSetting
  | CacheSetting
  | StorageSetting
  | ServerSetting
  | ListenEndpoint
  | TlsSetting
  | AuthSetting
  | RelayEntry
  | SmarthostSetting
  | LdapDirectory
  | LdapSetting
  | RecipientsSetting
  | LimitSetting
  | DomainValue
  | HostPort
  | DurationValue
  | RateValue
  | SizeValue
  | IntegerValue
  | TlsVersionValue
  | UnreachableModeValue
  | StateSetting;
