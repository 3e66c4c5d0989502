// Every keyword of the .smtppolicy language, where it may appear, and what it means; for a
// setting also the value it takes, its default, its completion and its reference entry.
// This table is the single source: the lexer makes its keyword tokens from it, the parser
// builds a rule for every setting row (setting-rules.ts), CST→AST builds its node, the
// formatter prints it, syntax errors list the settings of a block, the language server
// takes hover and completion from it, and the TextMate grammar and the reference tables
// of docs/language.md are generated from it (grammar/derive/, `npm run generate`).
//
// A keyword may have several rows, one per place where it means something else
// (`connections` in a server is a list, in limits a number). Order within a context is the
// order users see in messages, completions and the reference.

import type { ValueKind, ValueOptions } from './setting-values.js';

/** A place in the grammar where a keyword may be written. */
export type KeywordContext =
  | 'top'
  | 'resolver'
  | 'cache'
  | 'storage'
  | 'admin'
  | 'state'
  | 'user-store'
  | 'server'
  | 'listen'
  | 'tls'
  | 'sni'
  | 'connections'
  | 'auth'
  | 'auth-method'
  | 'entries'
  | 'relay'
  | 'relay-to'
  | 'smarthost'
  | 'smarthost-tls'
  | 'password'
  | 'ldap'
  | 'recipients'
  | 'mailboxes'
  | 'alias'
  | 'limits';

/**
 * A keyword followed by nothing, one value or a comma list of values: the parser, CST→AST
 * and the formatter handle it from this description alone.
 */
export interface SettingSpec {
  value: ValueKind;
  /**
   * The syntax-tree node it becomes. Settings that share a kind (the limits, the cache
   * settings) say in `nameField` which field holds the keyword's text. Without `node` a
   * setting becomes the generic `Setting` node (`name`, `value`) of ast.ts.
   */
  node?: { kind: string; nameField?: 'name' | 'mode'; valueField?: string };
  /** Options for the value's parser (bounds, the phrase of its error). */
  valueOptions?: ValueOptions;
  /** The syntax error when the value is missing: "expected <this> after 'timeout'". */
  expected?: string;
  /** Values offered by completion right after the keyword. */
  complete?: readonly string[];
}

/** How the reference tables of docs/language.md show a row. */
export interface ReferenceEntry {
  /** The first cell, when it is more than the keyword (`require` / `optional`). */
  name?: string;
  /** The syntax cell, when the value kind's placeholder is not enough. */
  syntax?: string;
  /** The default cell, when the row's default is not what the reference should say. */
  default?: string;
  /** The meaning cell, when it says more than the hover line. */
  meaning?: string;
}

/** How an editor colours a keyword (the generated TextMate grammar). */
export type Highlight = 'declaration' | 'setting' | 'constant';

export interface KeywordRow {
  /** The keyword as written (keywords are lower-case and case-sensitive). */
  text: string;
  contexts: readonly KeywordContext[];
  /** One line for hover (the default is appended). */
  description: string;
  /** A more precise line where the keyword means something else in that context. */
  contextDescriptions?: Partial<Record<KeywordContext, string>>;
  /** The default as written in a policy (`2s`, `"var/spool"`). */
  default?: string;
  /** The default in words, when it is not a value (`the system resolver`). */
  defaultText?: string;
  /** Present when the row is a simple setting whose parse, tree and print are derived. */
  setting?: SettingSpec;
  reference?: ReferenceEntry | false;
  /** Default: `declaration` at the top level, `setting` elsewhere. */
  highlight?: Highlight;
}

export interface KeywordInfo {
  text: string;
  /** The chevrotain token name (PascalCase of the text). */
  tokenName: string;
  contexts: readonly KeywordContext[];
  /** One line for hover, true in every context. */
  description: string;
  contextDescriptions?: Partial<Record<KeywordContext, string>>;
  highlight: Highlight;
}

const LIMIT = { kind: 'LimitSetting', nameField: 'name' } as const;
const CACHE = { kind: 'CacheSetting', nameField: 'name' } as const;
const STORAGE = { kind: 'StorageSetting', nameField: 'name', valueField: 'path' } as const;
const TLS_FILE = { kind: 'TlsFile', nameField: 'name', valueField: 'path' } as const;
const TLS_MODE = { kind: 'TlsMode', nameField: 'mode' } as const;

export const ROWS: readonly KeywordRow[] = [
  // top level
  { text: 'include', contexts: ['top'], description: 'Reads another policy file; the path is relative to this file.' },
  {
    text: 'resolver',
    contexts: ['top'],
    description: 'The DNS servers the server asks: reverse lookups for domain entries, and MX, address and MTA-STS lookups of `relay-to direct` (servers, timeout, reverse zones, cache).',
  },
  { text: 'storage', contexts: ['top'], description: 'Where accepted mail is kept: the spool and the local maildir.' },
  { text: 'admin', contexts: ['top'], description: 'The metrics and health listener.' },
  {
    text: 'state',
    contexts: ['top'],
    description:
      'Where the limits shared by several hosts are kept (connection counts, failed-login throttles, rate limits): `state { redis "URL" … }`. Without it each host counts alone (`serve --workers`: one count per host, through the primary).',
    defaultText: 'none: this host only',
    reference: { syntax: '`state { redis "URL"  password env NAME  ca-file "PATH"  on-unreachable fail-closed|local }`' },
  },
  {
    text: 'users',
    contexts: ['top', 'auth-method', 'mailboxes'],
    description: 'A credential store: `users NAME file "PATH"` (a password file) or `users NAME ldap "URL" { … }` (a directory).',
    contextDescriptions: {
      'auth-method': 'The credential store that checks this method: `users NAME`.',
      mailboxes: "The credential store whose users are this domain's mailboxes: `users NAME` (user names that are addresses in the domain).",
    },
  },
  { text: 'list', contexts: ['top'], description: 'A named address list, referred to elsewhere as `@NAME`.' },
  { text: 'server', contexts: ['top'], description: 'An SMTP virtual server: its listeners, host name and security settings.' },

  // resolver
  {
    text: 'servers',
    contexts: ['resolver'],
    description: 'DNS servers to ask, comma-separated (`ip`, `ip:port` or `[v6]:port`; port 53 by default).',
    defaultText: 'the system resolver',
    setting: {
      value: 'dns-servers',
      node: { kind: 'ResolverServers', valueField: 'endpoints' },
      valueOptions: { expected: 'a DNS server address like 10.0.0.53 or 127.0.0.1:5353' },
      expected: 'a DNS server address like 10.0.0.53 or 127.0.0.1:5353',
    },
    reference: {
      meaning: 'DNS servers to ask: `10.0.0.53`, `10.0.0.53:5353`, `[2001:db8::53]:53`, or a bare IPv6 address. The port defaults to 53.',
    },
  },
  {
    text: 'timeout',
    contexts: ['resolver'],
    description: 'How long one DNS lookup may take: a reverse lookup past it refuses the client temporarily, a delivery lookup defers the mail.',
    default: '2s',
    setting: { value: 'duration', node: { kind: 'ResolverTimeout' }, expected: 'a duration like 2s' },
    reference: { meaning: 'How long one lookup may take: a reverse lookup past it refuses the client temporarily (4xx), a lookup for delivery (MX, A/AAAA, MTA-STS) defers the mail.' },
  },
  {
    text: 'reverse-zone',
    contexts: ['resolver'],
    description: 'Reverse zones (like 10.in-addr.arpa) the resolver is known to answer for, comma-separated.',
    defaultText: 'none',
    setting: { value: 'reverse-zones', node: { kind: 'ReverseZone', valueField: 'zones' }, expected: 'a reverse zone like 10.in-addr.arpa' },
    reference: {
      meaning:
        'Reverse zones (ending in `in-addr.arpa` or `ip6.arpa`) the resolver is known to answer for. Repeatable. The linter reports domain entries when no reverse zone is declared.',
    },
  },
  {
    text: 'cache',
    contexts: ['resolver'],
    description: 'The reverse lookup cache: max-ttl, negative-ttl, entries.',
    defaultText: '`1h`, `5m`, `10000`',
    reference: {
      syntax: '`cache { max-ttl DURATION  negative-ttl DURATION  entries N }`',
      meaning:
        'The lookup cache: the longest time an answer is kept whatever its TTL, how long a failed or empty lookup is kept, and how many answers are kept (`0` or more).',
    },
  },
  {
    text: 'max-ttl',
    contexts: ['cache'],
    description: 'The longest time an answer is cached, whatever its DNS TTL.',
    default: '1h',
    setting: { value: 'duration', node: CACHE, expected: 'a duration like 1h' },
  },
  {
    text: 'negative-ttl',
    contexts: ['cache'],
    description: 'How long a failed or empty lookup is cached.',
    default: '5m',
    setting: { value: 'duration', node: CACHE, expected: 'a duration like 1h' },
  },
  {
    text: 'entries',
    contexts: ['cache'],
    description: 'How many lookups the cache holds.',
    default: '10000',
    setting: {
      value: 'integer',
      node: CACHE,
      valueOptions: { expected: 'a number of cache entries like 10000' },
      expected: 'a number of entries like 10000',
    },
  },

  // storage
  {
    text: 'spool',
    contexts: ['storage'],
    description: 'The spool directory for accepted messages.',
    default: '"var/spool"',
    setting: { value: 'directory', node: STORAGE, expected: 'a quoted directory path like "var/spool"' },
    reference: { meaning: 'Where accepted messages wait for delivery.' },
  },
  {
    text: 'maildir',
    contexts: ['storage'],
    description: 'The maildir root for local delivery.',
    default: '"var/mail"',
    setting: { value: 'directory', node: STORAGE, expected: 'a quoted directory path like "var/spool"' },
    reference: { meaning: 'The root of the local maildirs.' },
  },

  // state (the limits shared by several hosts)
  {
    text: 'redis',
    contexts: ['state'],
    description: 'The Redis that holds the shared limits: `redis://HOST:PORT/DB`, or `rediss://` for TLS. The password is never part of the URL (see `password`).',
    defaultText: 'none (required)',
    setting: { value: 'string', expected: 'a quoted URL like "rediss://redis.example.com:6380/0"' },
    reference: { syntax: '`redis "URL"`' },
  },
  {
    text: 'password',
    contexts: ['state'],
    description: "Where Redis's password comes from: `env NAME` or `file \"PATH\"`, never the secret itself.",
    defaultText: 'none: Redis without a password',
    reference: { syntax: '`password env NAME` or `password file "PATH"`' },
  },
  {
    text: 'on-unreachable',
    contexts: ['state'],
    description:
      'What a decision does while Redis cannot be asked: `fail-closed` refuses for now (421 at connect, 454 for AUTH), `local` lets each host apply the limits alone (a client may then get the limit once per host). Lint reports `local`.',
    default: 'fail-closed',
    setting: { value: 'unreachable-mode', expected: "'fail-closed' or 'local'", complete: ['fail-closed', 'local'] },
    reference: { syntax: '`on-unreachable fail-closed` or `on-unreachable local`' },
  },

  // user stores, password sources
  {
    text: 'file',
    contexts: ['user-store', 'password', 'mailboxes'],
    description: 'Reads from a file: `file "PATH"`.',
    contextDescriptions: {
      'user-store': 'The password file of this credential store.',
      password: 'Reads a secret (the smart host password, a directory bind password) from a file (a secret mount, for example).',
      mailboxes: 'A mailbox list file: one address (or local part) a line; the server rereads it when it changes and on SIGHUP.',
    },
  },
  { text: 'env', contexts: ['password'], description: 'Reads a secret (the smart host password, a directory bind password) from an environment variable.' },
  {
    text: 'ldap',
    contexts: ['user-store'],
    description:
      'A directory (OpenLDAP, Active Directory, FreeIPA) checks the passwords: `users NAME ldap "ldaps://HOST:636" { … }`. A login is looked up with the service account and checked by binding as the user; only PLAIN and LOGIN can be served.',
  },

  // ldap (a directory credential store)
  {
    text: 'bind-dn',
    contexts: ['ldap'],
    description: 'The service account that searches for users: its distinguished name.',
    defaultText: 'none: an anonymous search',
    setting: { value: 'string', expected: 'a quoted DN like "cn=smtp,ou=services,dc=example,dc=com"' },
    reference: { syntax: '`bind-dn "DN"`' },
  },
  {
    text: 'bind-password',
    contexts: ['ldap'],
    description: "Where the service account's password comes from: `env NAME` or `file \"PATH\"`, never the secret itself.",
    defaultText: 'none (required with bind-dn)',
    reference: { syntax: '`bind-password env NAME` or `bind-password file "PATH"`' },
  },
  {
    text: 'base',
    contexts: ['ldap'],
    description: 'Where the user search starts (the whole subtree below it is searched).',
    defaultText: 'none (required)',
    setting: { value: 'string', expected: 'a quoted DN like "ou=people,dc=example,dc=com"' },
    reference: { syntax: '`base "DN"`' },
  },
  {
    text: 'filter',
    contexts: ['ldap'],
    description: 'The search filter that finds a user; `{login}` is replaced by the login, escaped as RFC 4515 says (so `*` or `)(` match nothing but themselves).',
    default: '"(uid={login})"',
    setting: { value: 'string', expected: 'a quoted filter like "(&(objectClass=person)(uid={login}))"' },
    reference: { syntax: '`filter "FILTER"`' },
  },
  {
    // one row for both blocks: chevrotain builds one rule per setting keyword
    text: 'ca-file',
    contexts: ['ldap', 'state'],
    description: "The CA certificates (PEM) the other end's certificate must chain to: the directory's (`ldaps://`, `starttls`) or Redis's (`rediss://`).",
    contextDescriptions: {
      ldap: "The CA certificates (PEM) the directory's certificate must chain to.",
      state: "The CA certificates (PEM) a `rediss://` Redis's certificate must chain to.",
    },
    defaultText: "the system's CA certificates",
    setting: { value: 'path', expected: 'a quoted path like "ca.pem"' },
  },
  {
    text: 'starttls',
    contexts: ['ldap'],
    description: 'Upgrades an `ldap://` connection with StartTLS before any bind; a directory that refuses it is not used.',
    defaultText: 'off (`ldaps://` is TLS from the start)',
    setting: { value: 'flag' },
  },
  {
    text: 'cleartext-loopback',
    contexts: ['ldap'],
    description: 'Allows an `ldap://` URL without StartTLS, only when it names a loopback address (a directory on this host); passwords then cross the loopback in clear.',
    defaultText: 'off: `ldaps://` or `starttls` required',
    setting: { value: 'flag' },
  },
  {
    text: 'timeout',
    contexts: ['ldap'],
    description: 'How long one login may wait for the directory (a free connection, search and bind); past it the client gets `454 4.7.0` and may try again.',
    default: '5s',
    setting: { value: 'duration', node: { kind: 'LdapTimeout', nameField: 'name' }, expected: 'a duration like 5s' },
  },
  {
    text: 'pool',
    contexts: ['ldap'],
    description: 'How many connections to the directory are kept open and used at once; more logins wait for a free one.',
    default: '4',
    setting: { value: 'count', valueOptions: { max: 64, expected: 'a number from 1 to 64' }, expected: 'a number like 4' },
  },
  {
    text: 'mailbox-cache',
    contexts: ['ldap'],
    description:
      "How long an answer about a recipient (a mailbox, a group's members, no such address) is kept when the store is a recipient list's `mailboxes users`; at most 1h, 0s asks the directory for every recipient. A reload (SIGHUP) forgets every answer.",
    default: '1m',
    setting: { value: 'duration', expected: 'a duration like 1m' },
  },

  // server settings, in the order syntax errors list them
  {
    text: 'listen',
    contexts: ['server', 'admin'],
    description: 'Addresses to listen on, comma-separated: `0.0.0.0:25`, `[::]:587`, optionally `implicit-tls`.',
    contextDescriptions: { admin: 'Where the metrics and health endpoints listen: `127.0.0.1:9725`.' },
    reference: { syntax: '`listen ADDR:PORT [implicit-tls][, …]`', default: 'none (required)' },
  },
  {
    text: 'hostname',
    contexts: ['server'],
    description: 'The fully-qualified host name the server greets with; it should match the certificate.',
    setting: {
      value: 'fqdn',
      node: { kind: 'Hostname' },
      valueOptions: { expected: 'a fully-qualified host name like mail.example.com' },
      expected: 'a host name like mail.example.com',
    },
    reference: { default: 'none (required)' },
  },
  {
    text: 'banner',
    contexts: ['server'],
    description: 'Text the greeting adds after the host name: `220 HOSTNAME ESMTP TEXT` (printable ASCII, at most 200 characters).',
    defaultText: 'none: `220 HOSTNAME ESMTP`',
    setting: { value: 'text', expected: 'a quoted greeting text like "authorised use only"' },
  },
  {
    text: 'tls',
    contexts: ['server', 'smarthost'],
    description: 'TLS settings: certificate, key, require or optional, min-version, min-cipher-bits, sni.',
    contextDescriptions: { smarthost: 'TLS to the smart host: `tls require | optional | none`, optionally `no-verify`.' },
    reference: { syntax: '`tls { … }`' },
  },
  {
    text: 'connections',
    contexts: ['server'],
    description: 'Connection control: `connections only { … }` (allow-list) or `connections except { … }` (deny-list).',
    defaultText: 'everyone may connect',
    reference: { syntax: '`connections only { … }` or `connections except { … }`' },
  },
  {
    text: 'auth',
    contexts: ['server'],
    description: 'Authentication methods offered. Writing it turns anonymous access off unless `anonymous` is listed.',
    defaultText: 'anonymous access only',
    reference: { syntax: '`auth { … }`' },
  },
  {
    text: 'relay',
    contexts: ['server'],
    description: 'Who may relay mail to other domains. Without it only authenticated clients may.',
    default: 'relay { authenticated }',
    reference: { syntax: '`relay { … }`' },
  },
  {
    text: 'local-domains',
    contexts: ['server'],
    description: 'Domains delivered locally, comma-separated; mail to other domains is relaying.',
    defaultText: 'none',
    setting: { value: 'domains', node: { kind: 'LocalDomains', valueField: 'domains' }, expected: 'a domain name like example.com' },
  },
  {
    text: 'recipients',
    contexts: ['server'],
    description:
      'Who receives mail in a local domain: `recipients DOMAIN { mailboxes …  alias …  catch-all }`. Any other local part is refused at RCPT (550 5.1.1).',
    defaultText: 'none: the domain accepts any local part (lint warns)',
    reference: {
      syntax: '`recipients DOMAIN { … }`',
      meaning:
        'Who receives mail in one of the local domains: its mailboxes (`mailboxes file "PATH"`, `mailboxes users STORE`), its aliases (`alias "NAME" to "ADDR"[, …]`) and, for those who want it, `catch-all`. Any other local part is refused at RCPT with `550 5.1.1`.',
    },
  },
  {
    text: 'relay-to',
    contexts: ['server'],
    description: 'Where relayed mail goes: `direct` (each domain\'s MX), `smarthost HOST:PORT { … }` or `hold` (keep it queued).',
    default: 'hold',
    reference: { syntax: '`relay-to hold`, `relay-to direct` or `relay-to smarthost HOST:PORT { … }`' },
  },
  {
    text: 'route',
    contexts: ['server'],
    description: 'Relayed mail for this domain goes to this host instead of its MX or the smart host: `route DOMAIN HOST:PORT` (Postfix transport_maps). Repeatable.',
    defaultText: 'none',
    reference: { syntax: '`route DOMAIN HOST:PORT`' },
  },
  { text: 'limits', contexts: ['server'], description: 'Size, count and time limits of this server.', reference: { syntax: '`limits { … }`' } },
  {
    text: 'proxy-protocol',
    contexts: ['server'],
    description: 'Load balancers whose PROXY protocol header is trusted.',
    defaultText: 'none: every PROXY header is refused',
    reference: { syntax: '`proxy-protocol { ENTRY… }`' },
  },
  {
    text: 'gateways',
    contexts: ['server'],
    description:
      'Addresses that stand for other clients (NAT gateways, load balancers without PROXY, container bridges): a grant that covers one is a grant to everyone behind it.',
    defaultText: 'none declared',
    reference: { syntax: '`gateways { ENTRY… }`' },
  },
  {
    text: 'allow-bare-newlines',
    contexts: ['server'],
    description: 'Accepts bare LF line endings; turns off the SMTP smuggling defence (not recommended).',
    defaultText: 'bare LF is refused',
    setting: { value: 'flag', node: { kind: 'AllowBareNewlines' } },
  },

  // recipients
  {
    text: 'mailboxes',
    contexts: ['recipients'],
    description:
      'Where the mailboxes of the domain are listed: `mailboxes file "PATH"` (one address a line, reread on change and on SIGHUP) or `mailboxes users STORE` (the users of a credential store). Repeatable.',
  },
  {
    text: 'alias',
    contexts: ['recipients'],
    description: 'A local part that forwards to other addresses, local or remote: `alias "sales" to "alice", "bob@partner.example"`.',
  },
  {
    text: 'to',
    contexts: ['alias'],
    description: 'The addresses the alias forwards to, quoted and comma-separated: a local part of this domain, or a full address.',
    highlight: 'constant',
  },
  {
    text: 'catch-all',
    contexts: ['recipients'],
    description: 'Accepts every local part that is neither a mailbox nor an alias, each into a Maildir of its own (not recommended: spam to made-up names fills the disk).',
    setting: { value: 'flag', node: { kind: 'CatchAll' } },
  },

  // listen endpoints
  { text: 'implicit-tls', contexts: ['listen'], description: 'TLS from the first byte on this endpoint (port 465 style) instead of STARTTLS.', highlight: 'constant' },

  // tls
  {
    text: 'certificate',
    contexts: ['tls', 'sni'],
    description: 'The certificate chain file (PEM).',
    defaultText: '—',
    setting: { value: 'path', node: TLS_FILE, expected: 'a quoted file path like "certs/mail.pem"' },
    reference: { meaning: 'The certificate chain (PEM).' },
  },
  {
    text: 'key',
    contexts: ['tls', 'sni'],
    description: 'The private key file (PEM).',
    defaultText: '—',
    setting: { value: 'path', node: TLS_FILE, expected: 'a quoted file path like "certs/mail.pem"' },
    reference: { meaning: 'The private key (PEM).' },
  },
  {
    text: 'require',
    contexts: ['tls'],
    description: 'TLS is required: nothing sensitive happens before it (the article’s “Require secure channel”).',
    setting: { value: 'flag', node: TLS_MODE },
    highlight: 'constant',
    default: 'optional',
    reference: {
      name: '`require` / `optional`',
      syntax: '`require` or `optional`',
      meaning:
        "`require`: nothing sensitive (AUTH, MAIL) happens before TLS — the article's *Require secure channel*. `optional`: TLS is offered but not required.",
    },
  },
  {
    text: 'optional',
    contexts: ['tls'],
    description: 'TLS is offered but not required (the default).',
    setting: { value: 'flag', node: TLS_MODE },
    highlight: 'constant',
    reference: false,
  },
  {
    text: 'min-version',
    contexts: ['tls'],
    description: 'The oldest TLS version accepted: 1.0, 1.1, 1.2 or 1.3.',
    default: '1.2',
    setting: { value: 'tls-version', node: { kind: 'TlsMinVersion' }, expected: 'a TLS version like 1.2', complete: ['1.2', '1.3'] },
    reference: {
      syntax: '`min-version 1.2`',
      meaning:
        "The oldest TLS version accepted: `1.0`, `1.1`, `1.2` or `1.3` (`TLSv1.2` is also accepted). With `1.2` or `1.3` only AEAD cipher suites (AES-GCM, ChaCha20-Poly1305, ECDHE) are offered; `1.0` and `1.1` keep Node's default list, with the CBC suites old clients need. Client-initiated renegotiation is always refused.",
    },
  },
  {
    text: 'min-cipher-bits',
    contexts: ['tls'],
    description: 'The weakest cipher strength accepted, in bits (the article’s “Require 128-bit encryption”).',
    default: '128',
    setting: {
      value: 'integer',
      node: { kind: 'TlsMinCipherBits' },
      valueOptions: { min: 1, max: 512, expected: 'a number of bits like 128' },
      expected: 'a number of bits like 128',
    },
    reference: {
      syntax: '`min-cipher-bits 128`',
      meaning: "The weakest cipher accepted, in bits (1–512): the article's *Require 128-bit encryption*.",
    },
  },
  {
    text: 'sni',
    contexts: ['tls'],
    description: 'An extra certificate chosen when the client asks for this host name (SNI).',
    defaultText: '—',
    reference: { syntax: '`sni FQDN { certificate "…"  key "…" }`', meaning: 'An extra certificate chosen when a client asks for this host name (SNI).' },
  },

  // connections mode
  { text: 'only', contexts: ['connections'], description: 'Allow-list: only clients matching an entry may connect.', highlight: 'constant' },
  { text: 'except', contexts: ['connections'], description: 'Deny-list: every client may connect except those matching an entry.', highlight: 'constant' },

  // auth
  { text: 'basic', contexts: ['auth'], description: 'PLAIN and LOGIN: the password crosses the wire in clear text, so use it with TLS only.', highlight: 'constant' },
  { text: 'challenge-response', contexts: ['auth'], description: 'CRAM-MD5: the password is not sent, but the session is not encrypted.', highlight: 'constant' },
  { text: 'token', contexts: ['auth'], description: 'XOAUTH2: an access token instead of a password.', highlight: 'constant' },
  { text: 'anonymous', contexts: ['auth'], description: 'Clients that do not log in may send mail.', highlight: 'constant' },
  {
    text: 'sender-must-match',
    contexts: ['auth'],
    description: 'The envelope sender must be the address of the authenticated user.',
    setting: { value: 'flag', node: { kind: 'AuthSenderMatch' } },
  },

  // entries
  { text: 'domain', contexts: ['entries'], description: 'Clients whose reverse DNS name is this domain or a name under it (costs a lookup per connection).' },
  { text: 'mask', contexts: ['entries'], description: 'A group of computers written as address and netmask: `192.168.1.0 mask 255.255.255.0`.' },
  { text: 'authenticated', contexts: ['relay'], description: 'Any client that has logged in may relay (the default).', highlight: 'constant' },
  { text: 'anyone', contexts: ['relay'], description: 'Every client may relay: an open relay. Lint reports it.', highlight: 'constant' },

  // relay-to
  { text: 'smarthost', contexts: ['relay-to'], description: 'Relayed mail is sent through this host: `smarthost HOST:PORT { tls …  user …  password … }`.' },
  { text: 'hold', contexts: ['relay-to'], description: 'Relayed mail stays queued until a smart host is configured (the default).', highlight: 'constant' },
  {
    text: 'direct',
    contexts: ['relay-to'],
    description: "Relayed mail goes straight to each recipient domain's MX hosts (found through the resolver's servers), over STARTTLS when offered and as MTA-STS requires.",
    highlight: 'constant',
  },
  {
    text: 'user',
    contexts: ['smarthost'],
    description: 'The user name to log in to the smart host with.',
    setting: { value: 'string', node: { kind: 'SmarthostUser' }, expected: 'a quoted user name like "relay"' },
  },
  { text: 'password', contexts: ['smarthost'], description: 'Where the smart host password comes from: `env NAME` or `file "PATH"`, never the secret itself.' },
  { text: 'require', contexts: ['smarthost-tls'], description: 'Relay only over TLS; without it delivery fails temporarily.' },
  { text: 'optional', contexts: ['smarthost-tls'], description: 'Use TLS when the smart host offers it.' },
  { text: 'none', contexts: ['smarthost-tls'], description: 'Never use TLS to the smart host (not recommended).', highlight: 'constant' },
  { text: 'no-verify', contexts: ['smarthost-tls'], description: 'Accept any certificate from the smart host (not recommended).', highlight: 'constant' },

  // limits
  {
    text: 'message-size',
    contexts: ['limits'],
    description: 'The largest message accepted, like 25MB (1024-based units).',
    default: '10MiB',
    setting: { value: 'size', node: LIMIT, expected: 'a size like 25MB' },
    reference: { meaning: 'The largest message accepted.' },
  },
  {
    text: 'recipients',
    contexts: ['limits'],
    description: 'The most recipients of one message.',
    default: '100',
    setting: { value: 'count', node: LIMIT, valueOptions: { expected: 'a number like 100' }, expected: 'a number like 100' },
  },
  {
    text: 'connections',
    contexts: ['limits'],
    description: 'The most simultaneous connections this server accepts.',
    default: '100',
    setting: { value: 'count', node: LIMIT, valueOptions: { expected: 'a number like 200' }, expected: 'a number like 200' },
    reference: {
      meaning:
        'The most simultaneous connections to this server. The last tenth is kept for clients that sent mail or logged in within the last week; one network (IPv4 `/24`, IPv6 `/64`) holds at most a fifth (at least `connections-per-address`); from half of it on, the server is under stress and a session must complete a command every 10 s (see [SECURITY.md](../SECURITY.md#connection-slots)).',
    },
  },
  {
    text: 'connections-per-address',
    contexts: ['limits'],
    description: 'The most simultaneous connections from one client address.',
    default: '10',
    setting: { value: 'count', node: LIMIT, valueOptions: { expected: 'a number like 20' }, expected: 'a number like 20' },
  },
  {
    text: 'session-timeout',
    contexts: ['limits'],
    description: 'A session ends after this long, however active.',
    default: '30m',
    setting: { value: 'duration', node: LIMIT, expected: 'a duration like 5m' },
  },
  {
    text: 'data-timeout',
    contexts: ['limits'],
    description: 'The longest time to receive the message data.',
    default: '10m',
    setting: { value: 'duration', node: LIMIT, expected: 'a duration like 5m' },
  },
  {
    text: 'idle-timeout',
    contexts: ['limits'],
    description: 'A silent client is disconnected after this long.',
    default: '5m',
    setting: { value: 'duration', node: LIMIT, expected: 'a duration like 5m' },
    reference: {
      meaning:
        'A client that completes no command for this long is disconnected (bytes that never finish a command do not count); 10 s at most while half of `connections` or more are taken.',
    },
  },
  {
    text: 'greeting-delay',
    contexts: ['limits'],
    description: 'Wait this long before greeting; clients that talk first are refused.',
    default: '0s',
    setting: { value: 'duration', node: LIMIT, expected: 'a duration like 5m' },
  },
  {
    text: 'auth-failures',
    contexts: ['limits'],
    description: 'Failed logins from one address before it is refused for a while.',
    default: '5',
    setting: { value: 'count', node: LIMIT, valueOptions: { expected: 'a number like 5' }, expected: 'a number like 5' },
    reference: {
      meaning:
        'Failed logins from one address (IPv6: one `/64`), or for one user from one address, before it is refused for a while. Once a user has this many failures from anywhere, each further address that fails for the user is refused the user at once; addresses the user logged in from keep their budget.',
    },
  },
  {
    text: 'auth-failure-window',
    contexts: ['limits'],
    description: 'The time window in which failed logins are counted.',
    default: '15m',
    setting: { value: 'duration', node: LIMIT, expected: 'a duration like 5m' },
  },
  {
    text: 'connection-rate-per-address',
    contexts: ['limits'],
    description: 'Connections from one client address per period, like 60/1m; over it, 421 4.7.0 (the greeting is refused and the connection closed).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 60/1m' },
    reference: {
      default: 'none',
      meaning: 'Connections from one client address per period (`60/1m`: 60 per minute, counted in fixed windows); every connection that reaches the greeting stage counts; over the limit the client gets `421 4.7.0` and the greeting is refused and the connection closed. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'connection-rate-per-network',
    contexts: ['limits'],
    description: 'Connections from one client network (IPv4 /24, IPv6 /64) per period, like 60/1m; over it, 421 4.7.0 (the greeting is refused and the connection closed).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 60/1m' },
    reference: {
      default: 'none',
      meaning: 'Connections from one client network (IPv4 /24, IPv6 /64) per period (`60/1m`: 60 per minute, counted in fixed windows); every connection that reaches the greeting stage counts; over the limit the client gets `421 4.7.0` and the greeting is refused and the connection closed. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'message-rate-per-address',
    contexts: ['limits'],
    description: 'Messages from one client address per period, like 100/1m; over it, 450 4.7.1 (MAIL FROM is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 100/1m' },
    reference: {
      default: 'none',
      meaning: 'Messages from one client address per period (`100/1m`: 100 per minute, counted in fixed windows); every MAIL FROM counts, accepted or not; over the limit the client gets `450 4.7.1` and MAIL FROM is refused. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'message-rate-per-network',
    contexts: ['limits'],
    description: 'Messages from one client network (IPv4 /24, IPv6 /64) per period, like 100/1m; over it, 450 4.7.1 (MAIL FROM is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 100/1m' },
    reference: {
      default: 'none',
      meaning: 'Messages from one client network (IPv4 /24, IPv6 /64) per period (`100/1m`: 100 per minute, counted in fixed windows); every MAIL FROM counts, accepted or not; over the limit the client gets `450 4.7.1` and MAIL FROM is refused. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'message-rate-per-user',
    contexts: ['limits'],
    description: 'Messages from one authenticated user per period, like 100/1m; over it, 450 4.7.1 (MAIL FROM is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 100/1m' },
    reference: {
      default: 'none',
      meaning: 'Messages from one authenticated user per period (`100/1m`: 100 per minute, counted in fixed windows); every MAIL FROM counts, accepted or not; over the limit the client gets `450 4.7.1` and MAIL FROM is refused.',
    },
  },
  {
    text: 'recipient-rate-per-address',
    contexts: ['limits'],
    description: 'Recipients from one client address per period, like 500/1m; over it, 450 4.7.1 (RCPT TO is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 500/1m' },
    reference: {
      default: 'none',
      meaning: 'Recipients from one client address per period (`500/1m`: 500 per minute, counted in fixed windows); every RCPT TO counts, accepted or not; over the limit the client gets `450 4.7.1` and RCPT TO is refused. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'recipient-rate-per-network',
    contexts: ['limits'],
    description: 'Recipients from one client network (IPv4 /24, IPv6 /64) per period, like 500/1m; over it, 450 4.7.1 (RCPT TO is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 500/1m' },
    reference: {
      default: 'none',
      meaning: 'Recipients from one client network (IPv4 /24, IPv6 /64) per period (`500/1m`: 500 per minute, counted in fixed windows); every RCPT TO counts, accepted or not; over the limit the client gets `450 4.7.1` and RCPT TO is refused. Clients a relay grant names by address are exempt (Postfix: `smtpd_client_event_limit_exceptions = $mynetworks`).',
    },
  },
  {
    text: 'recipient-rate-per-user',
    contexts: ['limits'],
    description: 'Recipients from one authenticated user per period, like 500/1m; over it, 450 4.7.1 (RCPT TO is refused).',
    defaultText: 'no limit',
    setting: { value: 'rate', node: LIMIT, expected: 'a rate like 500/1m' },
    reference: {
      default: 'none',
      meaning: 'Recipients from one authenticated user per period (`500/1m`: 500 per minute, counted in fixed windows); every RCPT TO counts, accepted or not; over the limit the client gets `450 4.7.1` and RCPT TO is refused.',
    },
  },
];

function tokenNameOf(text: string): string {
  return text
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The hover line of a row: its description, then its default. */
export function rowDescription(row: KeywordRow): string {
  if (row.default !== undefined) return `${row.description} Default ${row.default}.`;
  if (row.defaultText !== undefined && row.setting) return `${row.description} Default: ${row.defaultText}.`;
  return row.description;
}

/** One entry per keyword: the contexts of all its rows; the first row's line is the description. */
function aggregate(rows: readonly KeywordRow[]): KeywordInfo[] {
  const byText = new Map<string, KeywordInfo & { contexts: KeywordContext[] }>();
  for (const row of rows) {
    const existing = byText.get(row.text);
    if (!existing) {
      const info: KeywordInfo & { contexts: KeywordContext[] } = {
        text: row.text,
        tokenName: tokenNameOf(row.text),
        contexts: [...row.contexts],
        description: rowDescription(row),
        highlight: row.highlight ?? (row.contexts.includes('top') ? 'declaration' : 'setting'),
      };
      if (row.contextDescriptions) info.contextDescriptions = { ...row.contextDescriptions };
      byText.set(row.text, info);
      continue;
    }
    existing.contexts.push(...row.contexts);
    existing.contextDescriptions ??= {};
    for (const context of row.contexts) existing.contextDescriptions[context] = row.contextDescriptions?.[context] ?? rowDescription(row);
  }
  return [...byText.values()];
}

export const KEYWORDS: readonly KeywordInfo[] = aggregate(ROWS);

const BY_TEXT = new Map(KEYWORDS.map((k) => [k.text, k]));

export function keywordInfo(text: string): KeywordInfo | undefined {
  return BY_TEXT.get(text);
}

export function isKeyword(text: string): boolean {
  return BY_TEXT.has(text);
}

/** The keywords valid in a context, in the order users see them. */
export function keywordsIn(context: KeywordContext): string[] {
  return [...new Set(ROWS.filter((row) => row.contexts.includes(context)).map((row) => row.text))];
}

/** The rows of a context, in order. */
export function rowsIn(context: KeywordContext): KeywordRow[] {
  return ROWS.filter((row) => row.contexts.includes(context));
}

/** The setting row of a keyword in a context, when the keyword is a simple setting there. */
export function settingRow(text: string, context: KeywordContext): (KeywordRow & { setting: SettingSpec }) | undefined {
  return ROWS.find((row): row is KeywordRow & { setting: SettingSpec } => row.text === text && row.contexts.includes(context) && row.setting !== undefined);
}

/** The hover line for a keyword, precise for the context when one is given. */
export function describeKeyword(text: string, context?: KeywordContext): string | undefined {
  const info = BY_TEXT.get(text);
  if (!info) return undefined;
  return (context && info.contextDescriptions?.[context]) ?? info.description;
}
