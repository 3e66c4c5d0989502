// The mapping table: for every field of the runtime config, how Postfix and OpenSMTPD
// express it and how faithfully. It is declared once, here: the Postfix translation
// (targets/postfix/) reports each setting it meets from this table, docs/mta-targets.md's
// table is generated from it (`npm run generate`), and test/targets/settings-table.test.ts
// fails when a field of runtime/config/schema.json has no row: a new setting must say how
// each MTA expresses it before a translation can claim to be complete.
//
// Adding a row: `setting` is `<$defs name>.<property>` of schema.json (refine it with
// ` (what)` when one field maps differently by case, as domain entries do); `inUse` says when
// a translation must report it; the Postfix mapping must be what targets/postfix/ writes.
import { isDirectoryStore, type RuntimeConfig, type ServerConfig } from '../runtime/config/types.js';
import type { SettingRow } from './types.js';

const always = () => true;
const anyServer = (config: RuntimeConfig, test: (server: ServerConfig) => boolean) => config.servers.some(test);
const usesDomainEntries = (server: ServerConfig) =>
  [...server.connections.entries, ...server.relay.entries].some((item) => item.kind === 'domain');
/** Mail the server sends on by itself, looking up hosts: direct to MX, or along a route. */
const looksUpDestinations = (server: ServerConfig) => server.relayTo.kind === 'direct' || (server.routes ?? []).length > 0;
const onServer = (test: (server: ServerConfig) => boolean) => (_config: RuntimeConfig, server: ServerConfig | null) => server !== null && test(server);

export const SETTING_ROWS: readonly SettingRow[] = [
  // ── global ──────────────────────────────────────────────────────────────────────────
  {
    setting: 'ResolverConfig.servers',
    policy: '`resolver { servers … }`',
    scope: 'global',
    inUse: (config) => config.resolver.servers.length > 0 && anyServer(config, (server) => usesDomainEntries(server) || looksUpDestinations(server)),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'the system resolver (/etc/resolv.conf)', note: 'Postfix has no resolver setting of its own: point the host’s resolver at these servers.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'the system resolver (/etc/resolv.conf)', note: 'OpenSMTPD has no resolver setting of its own.' },
    },
  },
  {
    setting: 'ResolverConfig.timeoutMs',
    policy: '`resolver { timeout … }`',
    scope: 'global',
    inUse: (config) => anyServer(config, (server) => usesDomainEntries(server) || looksUpDestinations(server)),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'the resolver library’s timeout (`options timeout:` in /etc/resolv.conf)', note: 'not bounded per lookup by Postfix itself.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'the resolver library’s timeout', note: 'not bounded per lookup by OpenSMTPD itself.' },
    },
  },
  {
    setting: 'ResolverConfig.reverseZones',
    policy: '`resolver { reverse-zone … }`',
    scope: 'global',
    inUse: (config) => config.resolver.reverseZones.length > 0,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'nothing: a declaration the linter checks domain entries against', note: 'Postfix behaves the same, but its configuration cannot carry the declaration: a policy imported back from it has no reverse zones (and lint says so for its domain entries).' },
      opensmtpd: { fidelity: 'approximate', mapping: 'nothing: a declaration the linter checks domain entries against', note: 'OpenSMTPD’s configuration cannot carry the declaration.' },
    },
  },
  {
    setting: 'ResolverConfig.cache',
    policy: '`resolver { cache { … } }`',
    scope: 'global',
    inUse: (config) => anyServer(config, usesDomainEntries),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'none: a caching resolver on the host (unbound, systemd-resolved)', note: 'Postfix does not cache reverse lookups itself.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none: a caching resolver on the host', note: 'OpenSMTPD does not cache reverse lookups itself.' },
    },
  },
  {
    setting: 'StorageConfig.spool',
    policy: '`storage { spool … }`',
    scope: 'global',
    inUse: always,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'none: Postfix’s own `queue_directory`', note: 'Postfix keeps accepted mail in its own queue, in its own format: `smtppolicy queue` does not read it (use `postqueue`).' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none: OpenSMTPD’s own queue (`queue` settings)', note: 'OpenSMTPD keeps accepted mail in its own queue, in its own format.' },
    },
  },
  {
    setting: 'StorageConfig.maildir',
    policy: '`storage { maildir … }`',
    scope: 'global',
    inUse: (config) => anyServer(config, (server) => server.localDomains.length > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: '`virtual_mailbox_base`, `virtual_mailbox_maps = regexp:` (DOMAIN/USER/), delivered by virtual(8)', note: 'files are owned by the `virtual_uid_maps` user (uid 5000 as written: change it to the Maildir’s owner), not by the user smtppolicy runs as.' },
      opensmtpd: { fidelity: 'approximate', mapping: '`action "SERVER-local" maildir "DIR/%{dest.domain:lowercase}/%{dest.user:lowercase}" virtual <SERVER-virtual>`', note: 'delivered as one system user (`vmail` as written: create it and let it own the Maildir), not as the user smtppolicy runs as.' },
    },
  },
  {
    setting: 'PasswordFileStoreConfig.file',
    policy: '`users NAME file "…"`',
    scope: 'global',
    inUse: (config) => config.userStores.some((store) => !isDirectoryStore(store)),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'Cyrus SASL: `smtpd_sasl_type = cyrus`, `cyrus_sasl_config_path` (one `smtpd-SERVER.conf` per server, `auxprop` with sasldb)', note: 'Postfix does not read the smtppolicy password file: the users must be added to the sasldb (`saslpasswd2 -f FILE`).' },
      opensmtpd: { fidelity: 'approximate', mapping: '`table NAME file:NAME.credentials` (written empty: one `USER HASH` a line)', note: 'OpenSMTPD checks crypt(3) hashes and cannot read smtppolicy’s scrypt password file: add the users with hashes from `smtpctl encrypt`.' },
    },
  },
  {
    setting: 'DirectoryStoreConfig.ldap',
    policy: '`users NAME ldap "URL" { … }`',
    scope: 'global',
    inUse: (config) => config.userStores.some(isDirectoryStore),
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none written', note: 'Postfix checks logins against a directory only through a SASL server (saslauthd `-a ldap` with /etc/saslauthd.conf, or Dovecot): the export writes a sasldb set-up for the store instead, so configure that by hand.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none written', note: 'OpenSMTPD 6.8 reads credentials from a table: an LDAP table needs the separate opensmtpd-extras table-ldap, which the export does not configure.' },
    },
  },
  {
    setting: 'StateConfig.url',
    policy: '`state { redis "URL" … }`',
    scope: 'global',
    inUse: (config) => config.state !== undefined,
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none', note: 'Postfix’s anvil counts per host only (one anvil per Postfix instance); there is no shared store of connection counts, login failures or rates across hosts.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD keeps its session limits per host and has no shared store.' },
    },
  },
  {
    setting: 'AdminConfig.listen',
    policy: '`admin { listen … }`',
    scope: 'global',
    inUse: (config) => config.admin !== null,
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none', note: 'Postfix has no metrics or health listener (an exporter reading its log is a separate program).' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no metrics or health listener (`smtpctl show stats` is local).' },
    },
  },
  {
    setting: 'Endpoint.address',
    policy: '`listen ADDRESS:PORT`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: 'master.cf: one `ADDRESS:PORT inet … smtpd` service per listener; `inet_protocols` from the addresses' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on ADDRESS port PORT`' },
    },
  },
  {
    setting: 'Endpoint.port',
    policy: '`listen ADDRESS:PORT`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: 'master.cf service name `ADDRESS:PORT`' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … port PORT`' },
    },
  },
  // ── per server ──────────────────────────────────────────────────────────────────────
  {
    setting: 'ServerConfig.name',
    policy: '`server NAME { … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o syslog_name=postfix/NAME`; the prefix of the server’s own main.cf parameters and tables' },
      opensmtpd: { fidelity: 'exact', mapping: '`tag NAME` on its listeners' },
    },
  },
  {
    setting: 'ServerConfig.hostname',
    policy: '`hostname FQDN`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o myhostname=FQDN` (greeting and EHLO)' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … hostname FQDN`' },
    },
  },
  {
    setting: 'ServerConfig.banner',
    policy: '`banner "…"`',
    scope: 'server',
    inUse: onServer((server) => server.banner !== undefined),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_banner = $myhostname ESMTP TEXT` (per server)' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD’s greeting text is fixed.' },
    },
  },
  {
    setting: 'ListenConfig.tlsMode',
    policy: '`listen … implicit-tls`',
    scope: 'server',
    inUse: onServer((server) => server.listen.some((l) => l.tlsMode === 'implicit')),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o smtpd_tls_wrappermode=yes` on that listener’s service' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … smtps`' },
    },
  },
  {
    setting: 'ServerConfig.tls',
    policy: '`tls { … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_tls_security_level` (`none` without a certificate)' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … tls pki HOSTNAME` (none without a certificate)' },
    },
  },
  {
    setting: 'CertificateConfig.certificate',
    policy: '`tls { certificate "…" }`',
    scope: 'server',
    inUse: onServer((server) => server.tls !== null),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_tls_chain_files = KEY, CERTIFICATE` (per server)' },
      opensmtpd: { fidelity: 'exact', mapping: '`pki HOSTNAME cert "…"`' },
    },
  },
  {
    setting: 'CertificateConfig.key',
    policy: '`tls { key "…" }`',
    scope: 'server',
    inUse: onServer((server) => server.tls !== null),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_tls_chain_files = KEY, CERTIFICATE` (per server)' },
      opensmtpd: { fidelity: 'exact', mapping: '`pki HOSTNAME key "…"`' },
    },
  },
  {
    setting: 'CertificateConfig.serverNames',
    policy: '`tls { sni NAME … { … } }`',
    scope: 'server',
    inUse: onServer((server) => (server.tls?.certificates.length ?? 0) > 1),
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none as written (`tls_server_sni_maps` needs a table compiled with `postmap -F`)', note: 'only the default certificate is written; clients asking for another name get it too.' },
      opensmtpd: { fidelity: 'exact', mapping: 'one `pki NAME` per name a certificate serves: OpenSMTPD picks the pki named like the client’s SNI name' },
    },
  },
  {
    setting: 'TlsConfig.mode',
    policy: '`tls { require | optional }`',
    scope: 'server',
    inUse: onServer((server) => server.tls !== null),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`require`: `smtpd_tls_security_level = encrypt`, `smtpd_tls_auth_only = yes`; `optional`: `may`, and before TLS no mechanism that reveals the secret (`smtpd_tls_auth_only = yes`, or `smtpd_sasl_security_options = noanonymous, noplaintext` when CRAM-MD5 is offered)' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … tls-require` (require) or `tls` (optional); `auth` after TLS only' },
    },
  },
  {
    setting: 'TlsConfig.minVersion',
    policy: '`tls { min-version … }`',
    scope: 'server',
    inUse: onServer((server) => server.tls !== null),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_tls_protocols`, `smtpd_tls_mandatory_protocols = >=VERSION`' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none: the system OpenSSL’s minimum (TLS 1.2 on Debian 12)', note: 'OpenSMTPD 6.8 has no protocol setting: the minimum is OpenSSL’s configured one, whatever the policy says (TLS 1.3 as the minimum is reported as unsupported).' },
    },
  },
  {
    setting: 'TlsConfig.minCipherBits',
    policy: '`tls { min-cipher-bits … }`',
    scope: 'server',
    inUse: onServer((server) => (server.tls?.minCipherBits ?? 0) > 0),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`smtpd_tls_ciphers`, `smtpd_tls_mandatory_ciphers` = `medium` (up to 128 bits) or `high` (above)',
        note: 'Postfix chooses OpenSSL cipher grades, not a bit count: `medium` admits 128-bit ciphers and up, `high` is OpenSSL’s HIGH list; TLS 1.3 suites are not limited by either.',
      },
      opensmtpd: { fidelity: 'approximate', mapping: '`smtp ciphers "HIGH:…"` (one for all listeners: the strongest minimum)', note: 'an OpenSSL cipher list, not a bit count; TLS 1.3 suites are not limited by it.' },
    },
  },
  {
    setting: 'ConnectionControl.mode',
    policy: '`connections only | except { … }`',
    scope: 'server',
    inUse: onServer((server) => server.connections.mode === 'allow-list' || server.connections.entries.length > 0),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`smtpd_client_restrictions` = the lists, then `reject` (only) or `permit` (except), with `-o smtpd_delay_reject=no`',
        note: 'without `smtpd_delay_reject = no` Postfix would greet a refused client and refuse it only at RCPT; with it, the refusal is the greeting (554), and every later command but QUIT is refused.',
      },
      opensmtpd: { fidelity: 'exact', mapping: 'connect-phase filters on the server’s listeners: `filter … phase connect match src <SERVER-connections> disconnect "554 5.7.1 Access denied"` (except), or `bypass` for the entries and a refusal of everyone else (only)' },
    },
  },
  {
    setting: 'ConnectionControl.entries (address)',
    policy: '`connections … { ADDRESS, CIDR, ADDRESS mask MASK }`',
    scope: 'server',
    inUse: onServer((server) => server.connections.entries.some((item) => item.kind === 'cidr')),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`check_client_access cidr:SERVER-connections.cidr`' },
      opensmtpd: { fidelity: 'exact', mapping: '`table "SERVER-connections" { … }` in the connect filter (`match src <SERVER-connections>`)' },
    },
  },
  {
    setting: 'ConnectionControl.entries (domain)',
    policy: '`connections … { domain NAME }`',
    scope: 'server',
    inUse: onServer((server) => server.connections.entries.some((item) => item.kind === 'domain')),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`check_client_access texthash:SERVER-connection-domains` (NAME and .NAME): the client name Postfix matches is forward-confirmed',
        note: 'when the reverse lookup fails temporarily Postfix sees the name `unknown`: an allow-list refuses the client with 554 where smtppolicy answers 421 (try later), and a deny-list admits it where smtppolicy answers 421. `check_reverse_client_hostname_access` is not used: it matches the unconfirmed PTR name, which whoever controls the reverse zone can choose.',
      },
      opensmtpd: { fidelity: 'approximate', mapping: '`filter … phase connect match rdns <SERVER-connection-domains>`', note: 'OpenSMTPD matches the reverse name itself (not names under it) without confirming it forward, and a failed lookup matches nothing: an allow-list refuses with 554 where smtppolicy answers 421, a deny-list admits.' },
    },
  },
  {
    setting: 'AuthConfig.mechanisms',
    policy: '`auth { basic | challenge-response | token users NAME }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.mechanisms.length > 0),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o smtpd_sasl_auth_enable=yes`, `-o smtpd_sasl_path=smtpd-SERVER`; `mech_list` in that Cyrus configuration (PLAIN LOGIN, CRAM-MD5)' },
      opensmtpd: { fidelity: 'approximate', mapping: '`listen on … auth <users>`', note: 'OpenSMTPD offers PLAIN and LOGIN only.' },
    },
  },
  {
    setting: 'AuthConfig.mechanisms (token)',
    policy: '`auth { token users NAME }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.mechanisms.some((m) => m.mechanism === 'XOAUTH2')),
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none', note: 'Debian’s Cyrus SASL has no XOAUTH2 mechanism; it is left out of `mech_list`.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no XOAUTH2.' },
    },
  },
  {
    setting: 'AuthMechanismConfig.userStore',
    policy: '`auth { basic users NAME }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.mechanisms.length > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: '`sasldb_path` in `smtpd-SERVER.conf`', note: 'one sasldb per server: mechanisms of one server that name different user stores share it.' },
      opensmtpd: { fidelity: 'approximate', mapping: '`listen on … auth <NAME>`', note: 'one table per listener: mechanisms of one server that name different user stores all use the first.' },
    },
  },
  {
    setting: 'AuthConfig.anonymous',
    policy: '`auth { anonymous }`',
    scope: 'server',
    inUse: onServer((server) => !server.auth.anonymous),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_sender_restrictions = permit_sasl_authenticated, check_sender_access static:{530 5.7.0 …}` (anonymous off)' },
      opensmtpd: { fidelity: 'exact', mapping: '`listen on … auth` (required) or `auth-optional`' },
    },
  },
  {
    setting: 'AuthConfig.senderMustMatch',
    policy: '`auth { sender-must-match }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.senderMustMatch),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`reject_authenticated_sender_login_mismatch` with `smtpd_sender_login_maps = regexp:` (every address is owned by the login of the same name)',
        note: 'Postfix compares the local part case-insensitively too, and refuses the null sender from a logged-in client.',
      },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none (`listen on … senders <table>` needs every user’s addresses listed)', note: 'not written: OpenSMTPD cannot say “the login is the address”; a senders table listing each user would have to be kept by hand.' },
    },
  },
  {
    setting: 'RelayConfig.anyone',
    policy: '`relay { anyone }`',
    scope: 'server',
    inUse: onServer((server) => server.relay.anyone),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtpd_relay_restrictions = permit` (an open relay)' },
      opensmtpd: { fidelity: 'exact', mapping: '`match from any tag "SERVER" for any action "SERVER-relay"` (an open relay)' },
    },
  },
  {
    setting: 'RelayConfig.authenticated',
    policy: '`relay { authenticated }`',
    scope: 'server',
    inUse: onServer((server) => server.relay.authenticated),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`permit_sasl_authenticated` in `smtpd_relay_restrictions`, before `reject_unauth_destination`' },
      opensmtpd: { fidelity: 'exact', mapping: '`match from auth tag "SERVER" for any action "SERVER-relay"`' },
    },
  },
  {
    setting: 'RelayConfig.entries (address)',
    policy: '`relay { ADDRESS, CIDR, @list }`',
    scope: 'server',
    inUse: onServer((server) => server.relay.entries.some((item) => item.kind === 'cidr')),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`check_client_access cidr:SERVER-relay.cidr` in `smtpd_relay_restrictions`' },
      opensmtpd: { fidelity: 'exact', mapping: '`match from src <SERVER-relay> tag "SERVER" for any action "SERVER-relay"`' },
    },
  },
  {
    setting: 'RelayConfig.entries (domain)',
    policy: '`relay { domain NAME }`',
    scope: 'server',
    inUse: onServer((server) => server.relay.entries.some((item) => item.kind === 'domain')),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`check_client_access texthash:SERVER-relay-domains` (forward-confirmed client name)',
        note: 'when the reverse lookup fails temporarily Postfix refuses the relay with 554 where smtppolicy answers 450 (try later).',
      },
      opensmtpd: { fidelity: 'approximate', mapping: '`match from rdns <SERVER-relay-domains> tag "SERVER" for any action "SERVER-relay"`', note: 'the reverse name itself (not names under it), not confirmed forward; a failed lookup refuses the relay with 550 where smtppolicy answers 450.' },
    },
  },
  {
    setting: 'ServerConfig.localDomains',
    policy: '`local-domains …`',
    scope: 'server',
    inUse: onServer((server) => server.localDomains.length > 0),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`virtual_mailbox_domains`; a domain without a recipient list accepts every local part (`virtual_mailbox_maps = regexp:mailboxes.regexp`); `myorigin` = the first local domain, so that the bare `postmaster` is local',
        note: 'Postfix has one set of local domains for all its services: when servers name different local domains, each accepts the others’ too (reported as approximate then).',
      },
      opensmtpd: { fidelity: 'exact', mapping: 'a domain without a recipient list: `match from any tag "SERVER" for domain <SERVER-any-local-part> action "SERVER-local"` and `@DOMAIN vmail` in `SERVER-virtual`; the bare `postmaster` (OpenSMTPD qualifies it with the hostname) forwarded to the first local domain’s' },
    },
  },
  {
    setting: 'MailboxFileSource.file',
    policy: '`recipients DOMAIN { mailboxes file "…" }`',
    scope: 'server',
    inUse: onServer((server) => (server.recipients ?? []).some((list) => list.mailboxes.some((m) => m.kind === 'file'))),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: 'the file’s mailboxes copied into `virtual_mailbox_maps = texthash:recipients` (`LOCAL@DOMAIN DOMAIN/LOCAL/`)',
        note: 'a copy made when compiled: Postfix does not read the mailbox file, so a mailbox added to it exists only after `compile --target postfix` runs again (smtppolicy rereads the file within a second).',
      },
      opensmtpd: {
        fidelity: 'approximate',
        mapping: 'the file’s mailboxes copied into `table "SERVER-recipients"` (`match … for rcpt-to <SERVER-recipients>`: anyone else matches no rule, 550) and `SERVER-virtual` (`LOCAL@DOMAIN vmail`)',
        note: 'a copy made when compiled: OpenSMTPD does not read the mailbox file, so a mailbox added to it exists only after compiling again.',
      },
    },
  },
  {
    setting: 'MailboxUsersSource.userStore',
    policy: '`recipients DOMAIN { mailboxes users NAME }`',
    scope: 'server',
    inUse: onServer((server) => (server.recipients ?? []).some((list) => list.mailboxes.some((m) => m.kind === 'users'))),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: 'the store’s user names in the domain copied into `virtual_mailbox_maps = texthash:recipients`',
        note: 'a copy made when compiled: a user added to the store has a mailbox only after compiling again.',
      },
      opensmtpd: {
        fidelity: 'approximate',
        mapping: 'the store’s user names in the domain copied into `SERVER-recipients` and `SERVER-virtual`',
        note: 'a copy made when compiled: a user added to the store has a mailbox only after compiling again.',
      },
    },
  },
  {
    setting: 'RecipientsConfig.aliases',
    policy: '`recipients DOMAIN { alias "LOCAL" to "…", … }`',
    scope: 'server',
    inUse: onServer((server) => (server.recipients ?? []).some((list) => list.aliases.length > 0)),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`virtual_alias_maps = texthash:aliases` (`LOCAL@DOMAIN TARGET, …`)',
        note: 'an alias loop differs: smtppolicy delivers the looping alias to its own mailbox, Postfix stops at `virtual_alias_recursion_limit` and returns the mail; a local target that is no mailbox is dropped by smtppolicy, returned as unknown by Postfix.',
      },
      opensmtpd: {
        fidelity: 'approximate',
        mapping: '`SERVER-recipients` and `SERVER-virtual` (`LOCAL@DOMAIN = TARGET, …`)',
        note: 'OpenSMTPD matches an expanded remote target against the rules again, so an alias to another domain is refused (550) unless the sending client may relay; an alias loop is refused where smtppolicy delivers the looping alias to its own mailbox.',
      },
    },
  },
  {
    setting: 'RecipientsConfig.catchAll',
    policy: '`recipients DOMAIN { catch-all }`',
    scope: 'server',
    inUse: onServer((server) => (server.recipients ?? []).some((list) => list.catchAll)),
    targets: {
      postfix: { fidelity: 'exact', mapping: 'the domain in `virtual_mailbox_maps = regexp:mailboxes.regexp` (every local part, its own Maildir), after the mailboxes and aliases' },
      opensmtpd: { fidelity: 'exact', mapping: '`for domain <SERVER-any-local-part>` and `@DOMAIN vmail` in `SERVER-virtual` (every local part, its own Maildir), after the listed recipients' },
    },
  },
  {
    setting: 'ServerConfig.relayTo',
    policy: '`relay-to smarthost …`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'smarthost'),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`relayhost = [HOST]:PORT`',
        note: 'Postfix has one relay host for all its services: when servers name different ones, the first server’s is written (reported as unsupported then).',
      },
      opensmtpd: { fidelity: 'exact', mapping: '`action "SERVER-relay" relay host smtp+tls://HOST:PORT helo HOSTNAME`' },
    },
  },
  {
    setting: 'ServerConfig.relayTo (hold)',
    policy: '`relay-to hold` (the default)',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'hold'),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`relayhost =`, `defer_transports = smtp` (relayed mail waits in the queue)',
        note: 'Postfix has one relay target for all its services: when servers name different ones, the first server’s is written (reported as unsupported then). Held mail is returned after `maximal_queue_lifetime`.',
      },
      opensmtpd: {
        fidelity: 'approximate',
        mapping: '`action "SERVER-relay" relay host "smtp+notls://127.0.0.1:9"` (a closed port)',
        note: 'OpenSMTPD’s configuration cannot hold mail: the relay to a closed port keeps it queued (retried, and returned after `queue ttl`), with a failed attempt logged each time.',
      },
    },
  },
  {
    setting: 'ServerConfig.relayTo (direct)',
    policy: '`relay-to direct`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'direct'),
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`relayhost =` (each domain’s MX), `smtp_tls_security_level = may`, `smtp_destination_concurrency_limit = 2`',
        note: 'Postfix does not fetch MTA-STS policies: a domain whose policy says `enforce` gets opportunistic TLS (add postfix-mta-sts-resolver’s socketmap to `smtp_tls_policy_maps` for it).',
      },
      opensmtpd: {
        fidelity: 'approximate',
        mapping: '`action "SERVER-relay" relay helo HOSTNAME` (each domain’s MX, STARTTLS when offered)',
        note: 'OpenSMTPD does not fetch MTA-STS policies (a domain that enforces one gets opportunistic TLS) and has no limit of transactions at once per destination (smtppolicy: 2).',
      },
    },
  },
  {
    setting: 'ServerConfig.routes',
    policy: '`route DOMAIN HOST:PORT`',
    scope: 'server',
    inUse: onServer((server) => (server.routes ?? []).length > 0),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`transport_maps = texthash:transport` (`DOMAIN smtp:[HOST]:PORT`), `smtp_tls_policy_maps = texthash:route-tls-policy` (`[HOST]:PORT may`), `smtp_destination_concurrency_limit = 2`',
        note: 'Postfix has one transport table for all its services: when servers name different routes, every server uses all of them (reported as approximate then).',
      },
      opensmtpd: { fidelity: 'exact', mapping: '`action "SERVER-route-N" relay host smtp://HOST:PORT helo HOSTNAME`, `match … for domain "DOMAIN" action "SERVER-route-N"` before the relay rule' },
    },
  },
  {
    setting: 'ServerConfig.hostname (outbound EHLO)',
    policy: '`hostname FQDN` (with `relay-to direct` or a `route`)',
    scope: 'server',
    inUse: onServer(looksUpDestinations),
    targets: {
      postfix: {
        fidelity: 'exact',
        mapping: '`smtp_helo_name = $myhostname` (main.cf: the first server’s hostname)',
        note: 'Postfix’s smtp client has one EHLO name: when servers that relay have different hostnames, the first server’s is used for all (reported as approximate then).',
      },
      opensmtpd: { fidelity: 'exact', mapping: '`relay … helo FQDN` on the server’s relay and route actions' },
    },
  },
  {
    setting: 'SmarthostTarget.tls',
    policy: '`smarthost … { tls require | optional | none }`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'smarthost'),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtp_tls_security_level = encrypt | may | none`' },
      opensmtpd: { fidelity: 'exact', mapping: '`relay host "smtp+tls://…"` (require) | `"smtp://…"` (optional) | `"smtp+notls://…"` (none)' },
    },
  },
  {
    setting: 'SmarthostTarget.verifyCertificate',
    policy: '`smarthost … { tls … no-verify }`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'smarthost' && server.relayTo.tls !== 'none'),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtp_tls_security_level = secure` (verify) instead of `encrypt`; `smtp_tls_CApath` the system store' },
      opensmtpd: { fidelity: 'exact', mapping: '`relay host "smtp+tls://…"` (verifies by default) or with `tls no-verify`' },
    },
  },
  {
    setting: 'SmarthostTarget.user',
    policy: '`smarthost … { user "…" }`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'smarthost' && server.relayTo.user !== null),
    targets: {
      postfix: { fidelity: 'exact', mapping: '`smtp_sasl_auth_enable = yes`, `smtp_sasl_password_maps = texthash:smarthost-password` (`[HOST]:PORT USER:PASSWORD`)' },
      opensmtpd: { fidelity: 'exact', mapping: '`relay host "smtp+tls://smarthost@HOST:PORT" auth <SERVER-smarthost-secrets>` (`smarthost USER:PASSWORD`)' },
    },
  },
  {
    setting: 'SmarthostTarget.password',
    policy: '`smarthost … { password env NAME | file "…" }`',
    scope: 'server',
    inUse: onServer((server) => server.relayTo.kind === 'smarthost' && server.relayTo.password !== null),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'the password field of `smarthost-password` (written as a placeholder)', note: 'Postfix reads the secret from a table file only, never from the environment: replace the placeholder with the secret on the mail host.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'the password field of `SERVER-smarthost-secrets` (written as a placeholder)', note: 'OpenSMTPD reads the secret from a table file only: replace the placeholder with the secret on the mail host.' },
    },
  },
  {
    setting: 'LimitsConfig.messageSizeBytes',
    policy: '`limits { message-size … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o message_size_limit=BYTES` (main.cf: the largest of all servers, for cleanup)' },
      opensmtpd: { fidelity: 'exact', mapping: '`smtp max-message-size BYTES` (one for all listeners: when servers differ, the smallest, reported as approximate)' },
    },
  },
  {
    setting: 'LimitsConfig.recipientsPerMessage',
    policy: '`limits { recipients … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o smtpd_recipient_limit=N`' },
      opensmtpd: { fidelity: 'exact', mapping: '`smtp limit max-rcpt N` (one for all listeners: when servers differ, the smallest, reported as approximate)' },
    },
  },
  {
    setting: 'LimitsConfig.maxConnections',
    policy: '`limits { connections … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'master.cf `maxproc` of each of the server’s services', note: 'counted per listener, not per server; connections beyond it wait in the listen queue instead of being refused with 421.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no connection limit per listener.' },
    },
  },
  {
    setting: 'LimitsConfig.maxConnectionsPerAddress',
    policy: '`limits { connections-per-address … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'anvil: `-o smtpd_client_connection_count_limit=N`, `smtpd_client_event_limit_exceptions` empty', note: 'anvil counts per IP address; smtppolicy counts per /24 (IPv4) or /64 (IPv6), so one IPv6 host cannot multiply its share.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no per-client connection limit.' },
    },
  },
  {
    setting: 'LimitsConfig.sessionTimeoutMs',
    policy: '`limits { session-timeout … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'none', note: 'Postfix has no deadline for a whole session: a client that keeps sending commands stays connected (up to `smtpd_hard_error_limit` errors).' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none', note: 'OpenSMTPD has no deadline for a whole session.' },
    },
  },
  {
    setting: 'LimitsConfig.dataTimeoutMs',
    policy: '`limits { data-timeout … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'none (`smtpd_timeout` bounds each read)', note: 'Postfix bounds each read of the message, not the whole DATA phase.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none', note: 'OpenSMTPD bounds each read, not the whole DATA phase.' },
    },
  },
  {
    setting: 'LimitsConfig.idleTimeoutMs',
    policy: '`limits { idle-timeout … }`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: { fidelity: 'exact', mapping: '`-o smtpd_timeout=SECONDS` (rounded up to whole seconds)' },
      opensmtpd: { fidelity: 'approximate', mapping: 'none (a fixed timeout)', note: 'OpenSMTPD’s command timeout is not configurable.' },
    },
  },
  {
    setting: 'LimitsConfig.greetingDelayMs',
    policy: '`limits { greeting-delay … }`',
    scope: 'server',
    inUse: onServer((server) => server.limits.greetingDelayMs > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: '`sleep SECONDS, reject_unauth_pipelining` first in `smtpd_client_restrictions`', note: 'whole seconds (rounded up); the client that talked first is refused with 503 5.5.0 (improper pipelining) where smtppolicy answers 554.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no greeting delay.' },
    },
  },
  {
    setting: 'LimitsConfig.authFailures',
    policy: '`limits { auth-failures … }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.mechanisms.length > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'anvil: `-o smtpd_client_auth_rate_limit=N`', note: 'anvil counts AUTH commands (not only failed ones) per client address, in `anvil_rate_time_unit`; there is no count per user name.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no login throttle.' },
    },
  },
  {
    setting: 'LimitsConfig.authFailureWindowMs',
    policy: '`limits { auth-failure-window … }`',
    scope: 'server',
    inUse: onServer((server) => server.auth.mechanisms.length > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: '`anvil_rate_time_unit` (one window for every server: the longest is written)', note: 'one window for all of Postfix’s rate limits, not only logins.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no login throttle.' },
    },
  },
  {
    setting: 'LimitsConfig.rates',
    policy: '`limits { connection-rate-per-address … }` and the other `*-rate-per-*`',
    scope: 'server',
    inUse: onServer((server) => (server.limits.rates ?? []).length > 0),
    targets: {
      postfix: {
        fidelity: 'unsupported',
        mapping: 'none (not written)',
        note: 'Postfix’s anvil has `smtpd_client_connection_rate_limit`, `smtpd_client_message_rate_limit` and `smtpd_client_recipient_rate_limit` per client address only, all counted in one `anvil_rate_time_unit`, with `$mynetworks` exempt; there is nothing per network or per user. Set the per-address ones by hand.',
      },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none', note: 'OpenSMTPD has no rate limits.' },
    },
  },
  {
    setting: 'ServerConfig.proxyProtocol',
    policy: '`proxy-protocol { … }`',
    scope: 'server',
    inUse: onServer((server) => server.proxyProtocol.length > 0),
    targets: {
      postfix: { fidelity: 'unsupported', mapping: 'none (`smtpd_upstream_proxy_protocol = haproxy` trusts every peer)', note: 'Postfix cannot restrict PROXY headers to trusted balancers: it would take a client’s claimed address from anyone.' },
      opensmtpd: { fidelity: 'unsupported', mapping: 'none (`listen on … proxy-v2` trusts every peer)', note: 'OpenSMTPD cannot restrict PROXY headers to trusted balancers.' },
    },
  },
  {
    setting: 'ServerConfig.gateways',
    policy: '`gateways { … }`',
    scope: 'server',
    inUse: onServer((server) => server.gateways.length > 0),
    targets: {
      postfix: { fidelity: 'approximate', mapping: 'nothing: decisions do not change (a declaration the linter uses)', note: 'Postfix behaves the same, but its configuration cannot carry the declaration: a policy imported back from it has no gateways.' },
      opensmtpd: { fidelity: 'approximate', mapping: 'nothing: decisions do not change (a declaration the linter uses)', note: 'OpenSMTPD’s configuration cannot carry the declaration.' },
    },
  },
  {
    setting: 'ServerConfig.rejectBareLineEndings',
    policy: '`allow-bare-newlines`',
    scope: 'server',
    inUse: always,
    targets: {
      postfix: {
        fidelity: 'approximate',
        mapping: '`smtpd_forbid_bare_newline = yes`, `smtpd_forbid_bare_newline_exclusions` empty (Postfix 3.7.10 and later), or `no` with `allow-bare-newlines`',
        note: 'Postfix refuses a bare LF (and disconnects); a bare CR alone is passed on.',
      },
      opensmtpd: { fidelity: 'approximate', mapping: 'none', note: 'OpenSMTPD 6.8 accepts bare LF line endings in DATA (7.4 and later refuse them); not configurable.' },
    },
  },
];

/**
 * Fields of runtime/config/schema.json that are not settings, and why: the test that every
 * field has a row skips exactly these.
 */
export const NOT_SETTINGS: Readonly<Record<string, string>> = {
  'RuntimeConfig.version': 'the format version of the JSON',
  'RateLimitConfig.event': 'a part of one rate limit: LimitsConfig.rates has the row',
  'RateLimitConfig.per': 'a part of one rate limit: LimitsConfig.rates has the row',
  'RateLimitConfig.count': 'a part of one rate limit: LimitsConfig.rates has the row',
  'RateLimitConfig.periodMs': 'a part of one rate limit: LimitsConfig.rates has the row',
  'RuntimeConfig.sources': 'the files the config was compiled from',
  'RuntimeConfig.resolver': 'a block: its fields have rows',
  'RuntimeConfig.storage': 'a block: its fields have rows',
  'RuntimeConfig.userStores': 'a list of stores: PasswordFileStoreConfig and DirectoryStoreConfig have rows',
  'RuntimeConfig.admin': 'a block: AdminConfig.listen has a row',
  'RuntimeConfig.state': 'a block: StateConfig.url has the row',
  ...Object.fromEntries(
    ['backend', 'password', 'caFile', 'onUnreachable'].map((field) => [`StateConfig.${field}`, 'a part of the shared state: StateConfig.url has the row']),
  ),
  'RuntimeConfig.servers': 'a list of servers: ServerConfig has rows',
  'PasswordFileStoreConfig.name': 'a name the mechanisms refer to (AuthMechanismConfig.userStore)',
  'DirectoryStoreConfig.name': 'a name the mechanisms refer to (AuthMechanismConfig.userStore)',
  ...Object.fromEntries(
    ['url', 'bindDn', 'bindPassword', 'base', 'filter', 'caFile', 'startTls', 'cleartextLoopback', 'timeoutMs', 'pool', 'mailboxCacheMs'].map((field) => [
      `LdapConfig.${field}`,
      'a part of the directory store: DirectoryStoreConfig.ldap has the row',
    ]),
  ),
  'ServerConfig.listen': 'a list of listeners: Endpoint and ListenConfig have rows',
  'ListenConfig.address': 'as Endpoint.address',
  'ListenConfig.port': 'as Endpoint.port',
  'ServerConfig.connections': 'a block: ConnectionControl has rows',
  'ServerConfig.auth': 'a block: AuthConfig has rows',
  'ServerConfig.relay': 'a block: RelayConfig has rows',
  'ServerConfig.limits': 'a block: LimitsConfig has rows',
  'TlsConfig.certificates': 'a list: CertificateConfig has rows',
  'AuthMechanismConfig.mechanism': 'as AuthConfig.mechanisms',
  'AddressItem.kind': 'the kind of an entry: the entries rows are refined by it',
  'CidrItem.kind': 'the kind of an entry',
  'CidrItem.cidr': 'the entry itself (the rows of the lists it is in)',
  'CidrItem.list': 'the named list an entry came from',
  'DomainItem.kind': 'the kind of an entry',
  'DomainItem.domain': 'the entry itself (the rows of the lists it is in)',
  'DomainItem.list': 'the named list an entry came from',
  'RelayTarget.kind': 'as ServerConfig.relayTo',
  'SmarthostTarget.kind': 'as ServerConfig.relayTo',
  'SmarthostTarget.host': 'as ServerConfig.relayTo',
  'SmarthostTarget.port': 'as ServerConfig.relayTo',
  'HoldTarget.kind': 'as ServerConfig.relayTo',
  'DirectTarget.kind': 'as ServerConfig.relayTo (direct)',
  'ServerConfig.recipients': 'a list of recipient lists: their mailboxes, aliases and catch-all have rows',
  'RecipientsConfig.domain': 'the local domain a list is for (ServerConfig.localDomains)',
  'RecipientsConfig.mailboxes': 'a list of sources: MailboxFileSource and MailboxUsersSource have rows',
  'MailboxSource.kind': 'the kind of a source: each kind has its row',
  'MailboxFileSource.kind': 'as MailboxFileSource.file',
  'MailboxUsersSource.kind': 'as MailboxUsersSource.userStore',
  'AliasConfig.localPart': 'as RecipientsConfig.aliases',
  'AliasConfig.targets': 'as RecipientsConfig.aliases',
  'RouteConfig.domain': 'as ServerConfig.routes',
  'RouteConfig.host': 'as ServerConfig.routes',
  'RouteConfig.port': 'as ServerConfig.routes',
};

/** Every `source` field is a position in the policy, never a setting. */
export const NOT_SETTING_PROPERTIES: readonly string[] = ['source'];

export function settingRow(setting: string): SettingRow {
  const row = SETTING_ROWS.find((r) => r.setting === setting);
  if (!row) throw new Error(`targets/settings.ts has no row '${setting}'`);
  return row;
}
