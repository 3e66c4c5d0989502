// Every keyword of the .smtppolicy language, where it may appear, and what it means.
// This table is the single source: the lexer makes its keyword tokens from it, syntax errors
// list the settings of a block from it, and the language server uses it for hover and
// completion. Order within a context is the order users see in messages and completions.

/** A place in the grammar where a keyword may be written. */
export type KeywordContext =
  | 'top'
  | 'resolver'
  | 'cache'
  | 'storage'
  | 'admin'
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
  | 'limits';

export interface KeywordInfo {
  /** The keyword as written (keywords are lower-case and case-sensitive). */
  text: string;
  /** The chevrotain token name (PascalCase of the text). */
  tokenName: string;
  contexts: readonly KeywordContext[];
  /** One line for hover, true in every context. */
  description: string;
  /** A more precise line where the keyword means something else in that context. */
  contextDescriptions?: Partial<Record<KeywordContext, string>>;
}

type Row = Omit<KeywordInfo, 'tokenName'>;

const ROWS: Row[] = [
  // top level
  { text: 'include', contexts: ['top'], description: 'Reads another policy file; the path is relative to this file.' },
  { text: 'resolver', contexts: ['top'], description: 'How reverse DNS lookups for domain entries are made (servers, timeout, reverse zones, cache).' },
  { text: 'storage', contexts: ['top'], description: 'Where accepted mail is kept: the spool and the local maildir.' },
  { text: 'admin', contexts: ['top'], description: 'The metrics and health listener.' },
  {
    text: 'users',
    contexts: ['top', 'auth-method'],
    description: 'A credential store: `users NAME file "PATH"`.',
    contextDescriptions: { 'auth-method': 'The credential store that checks this method: `users NAME`.' },
  },
  { text: 'list', contexts: ['top'], description: 'A named address list, referred to elsewhere as `@NAME`.' },
  { text: 'server', contexts: ['top'], description: 'An SMTP virtual server: its listeners, host name and security settings.' },

  // resolver
  { text: 'servers', contexts: ['resolver'], description: 'DNS servers to ask, comma-separated (`ip`, `ip:port` or `[v6]:port`; port 53 by default). Default: the system resolver.' },
  { text: 'timeout', contexts: ['resolver'], description: 'How long one reverse lookup may take before the client gets a temporary refusal. Default 2s.' },
  { text: 'reverse-zone', contexts: ['resolver'], description: 'Reverse zones (like 10.in-addr.arpa) the resolver is known to answer for, comma-separated.' },
  { text: 'cache', contexts: ['resolver'], description: 'The reverse lookup cache: max-ttl, negative-ttl, entries.' },
  { text: 'max-ttl', contexts: ['cache'], description: 'The longest time an answer is cached, whatever its DNS TTL. Default 1h.' },
  { text: 'negative-ttl', contexts: ['cache'], description: 'How long a failed or empty lookup is cached. Default 5m.' },
  { text: 'entries', contexts: ['cache'], description: 'How many lookups the cache holds. Default 10000.' },

  // storage
  { text: 'spool', contexts: ['storage'], description: 'The spool directory for accepted messages. Default "var/spool".' },
  { text: 'maildir', contexts: ['storage'], description: 'The maildir root for local delivery. Default "var/mail".' },

  // user stores, password sources
  {
    text: 'file',
    contexts: ['user-store', 'password'],
    description: 'Reads from a file: `file "PATH"`.',
    contextDescriptions: {
      'user-store': 'The password file of this credential store.',
      password: 'Reads the smart host password from a file (a secret mount, for example).',
    },
  },
  { text: 'env', contexts: ['password'], description: 'Reads the smart host password from an environment variable.' },

  // server settings, in the order syntax errors list them
  {
    text: 'listen',
    contexts: ['server', 'admin'],
    description: 'Addresses to listen on, comma-separated: `0.0.0.0:25`, `[::]:587`, optionally `implicit-tls`.',
    contextDescriptions: { admin: 'Where the metrics and health endpoints listen: `127.0.0.1:9725`.' },
  },
  { text: 'hostname', contexts: ['server'], description: 'The fully-qualified host name the server greets with; it should match the certificate.' },
  {
    text: 'tls',
    contexts: ['server', 'smarthost'],
    description: 'TLS settings: certificate, key, require or optional, min-version, min-cipher-bits, sni.',
    contextDescriptions: { smarthost: 'TLS to the smart host: `tls require | optional | none`, optionally `no-verify`.' },
  },
  {
    text: 'connections',
    contexts: ['server', 'limits'],
    description: 'Connection control: `connections only { … }` (allow-list) or `connections except { … }` (deny-list).',
    contextDescriptions: { limits: 'The most simultaneous connections this server accepts. Default 100.' },
  },
  { text: 'auth', contexts: ['server'], description: 'Authentication methods offered. Writing it turns anonymous access off unless `anonymous` is listed.' },
  { text: 'relay', contexts: ['server'], description: 'Who may relay mail to other domains. Without it only authenticated clients may.' },
  { text: 'local-domains', contexts: ['server'], description: 'Domains delivered locally, comma-separated; mail to other domains is relaying.' },
  { text: 'relay-to', contexts: ['server'], description: 'Where relayed mail goes: `smarthost HOST:PORT { … }` or `hold` (keep it queued). Default hold.' },
  { text: 'limits', contexts: ['server'], description: 'Size, count and time limits of this server.' },
  { text: 'proxy-protocol', contexts: ['server'], description: 'Load balancers whose PROXY protocol header is trusted.' },
  {
    text: 'gateways',
    contexts: ['server'],
    description: 'Addresses that stand for other clients (NAT gateways, load balancers without PROXY, container bridges): a grant that covers one is a grant to everyone behind it.',
  },
  { text: 'allow-bare-newlines', contexts: ['server'], description: 'Accepts bare LF line endings; turns off the SMTP smuggling defence (not recommended).' },

  // listen endpoints
  { text: 'implicit-tls', contexts: ['listen'], description: 'TLS from the first byte on this endpoint (port 465 style) instead of STARTTLS.' },

  // tls
  { text: 'certificate', contexts: ['tls', 'sni'], description: 'The certificate chain file (PEM).' },
  { text: 'key', contexts: ['tls', 'sni'], description: 'The private key file (PEM).' },
  {
    text: 'require',
    contexts: ['tls', 'smarthost-tls'],
    description: 'TLS is required: nothing sensitive happens before it (the article’s “Require secure channel”).',
    contextDescriptions: { 'smarthost-tls': 'Relay only over TLS; without it delivery fails temporarily.' },
  },
  {
    text: 'optional',
    contexts: ['tls', 'smarthost-tls'],
    description: 'TLS is offered but not required (the default).',
    contextDescriptions: { 'smarthost-tls': 'Use TLS when the smart host offers it.' },
  },
  { text: 'min-version', contexts: ['tls'], description: 'The oldest TLS version accepted: 1.0, 1.1, 1.2 or 1.3. Default 1.2.' },
  { text: 'min-cipher-bits', contexts: ['tls'], description: 'The weakest cipher strength accepted, in bits (the article’s “Require 128-bit encryption”). Default 128.' },
  { text: 'sni', contexts: ['tls'], description: 'An extra certificate chosen when the client asks for this host name (SNI).' },

  // connections mode
  { text: 'only', contexts: ['connections'], description: 'Allow-list: only clients matching an entry may connect.' },
  { text: 'except', contexts: ['connections'], description: 'Deny-list: every client may connect except those matching an entry.' },

  // auth
  { text: 'basic', contexts: ['auth'], description: 'PLAIN and LOGIN: the password crosses the wire in clear text, so use it with TLS only.' },
  { text: 'challenge-response', contexts: ['auth'], description: 'CRAM-MD5: the password is not sent, but the session is not encrypted.' },
  { text: 'token', contexts: ['auth'], description: 'XOAUTH2: an access token instead of a password.' },
  { text: 'anonymous', contexts: ['auth'], description: 'Clients that do not log in may send mail.' },
  { text: 'sender-must-match', contexts: ['auth'], description: 'The envelope sender must be the address of the authenticated user.' },

  // entries
  { text: 'domain', contexts: ['entries'], description: 'Clients whose reverse DNS name is this domain or a name under it (costs a lookup per connection).' },
  { text: 'mask', contexts: ['entries'], description: 'A group of computers written as address and netmask: `192.168.1.0 mask 255.255.255.0`.' },
  { text: 'authenticated', contexts: ['relay'], description: 'Any client that has logged in may relay (the default).' },
  { text: 'anyone', contexts: ['relay'], description: 'Every client may relay: an open relay. Lint reports it.' },

  // relay-to
  { text: 'smarthost', contexts: ['relay-to'], description: 'Relayed mail is sent through this host: `smarthost HOST:PORT { tls …  user …  password … }`.' },
  { text: 'hold', contexts: ['relay-to'], description: 'Relayed mail stays queued until a smart host is configured (the default).' },
  { text: 'user', contexts: ['smarthost'], description: 'The user name to log in to the smart host with.' },
  { text: 'password', contexts: ['smarthost'], description: 'Where the smart host password comes from: `env NAME` or `file "PATH"`, never the secret itself.' },
  { text: 'none', contexts: ['smarthost-tls'], description: 'Never use TLS to the smart host (not recommended).' },
  { text: 'no-verify', contexts: ['smarthost-tls'], description: 'Accept any certificate from the smart host (not recommended).' },

  // limits
  { text: 'message-size', contexts: ['limits'], description: 'The largest message accepted, like 25MB (1024-based units). Default 10MiB.' },
  { text: 'recipients', contexts: ['limits'], description: 'The most recipients of one message. Default 100.' },
  { text: 'connections-per-address', contexts: ['limits'], description: 'The most simultaneous connections from one client address. Default 10.' },
  { text: 'session-timeout', contexts: ['limits'], description: 'A session ends after this long, however active. Default 30m.' },
  { text: 'data-timeout', contexts: ['limits'], description: 'The longest time to receive the message data. Default 10m.' },
  { text: 'idle-timeout', contexts: ['limits'], description: 'A silent client is disconnected after this long. Default 5m.' },
  { text: 'greeting-delay', contexts: ['limits'], description: 'Wait this long before greeting; clients that talk first are refused. Default 0s.' },
  { text: 'auth-failures', contexts: ['limits'], description: 'Failed logins from one address before it is refused for a while. Default 5.' },
  { text: 'auth-failure-window', contexts: ['limits'], description: 'The time window in which failed logins are counted. Default 15m.' },
];

function tokenNameOf(text: string): string {
  return text
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export const KEYWORDS: readonly KeywordInfo[] = ROWS.map((row) => ({ ...row, tokenName: tokenNameOf(row.text) }));

const BY_TEXT = new Map(KEYWORDS.map((k) => [k.text, k]));

export function keywordInfo(text: string): KeywordInfo | undefined {
  return BY_TEXT.get(text);
}

export function isKeyword(text: string): boolean {
  return BY_TEXT.has(text);
}

// `connections` is listed with the server settings, so the limits need their order spelled out.
const LIMITS_ORDER = [
  'message-size',
  'recipients',
  'connections',
  'connections-per-address',
  'session-timeout',
  'data-timeout',
  'idle-timeout',
  'greeting-delay',
  'auth-failures',
  'auth-failure-window',
];

/** The keywords valid in a context, in the order users see them. */
export function keywordsIn(context: KeywordContext): string[] {
  if (context === 'limits') return [...LIMITS_ORDER];
  return KEYWORDS.filter((k) => k.contexts.includes(context)).map((k) => k.text);
}

/** The hover line for a keyword, precise for the context when one is given. */
export function describeKeyword(text: string, context?: KeywordContext): string | undefined {
  const info = BY_TEXT.get(text);
  if (!info) return undefined;
  return (context && info.contextDescriptions?.[context]) ?? info.description;
}
