// main.cf: what Postfix has once for all its services (host name for its own mail, local
// domains and their delivery, the smart host, anvil's window), then each server's block of
// parameters that its master.cf services point at.
import type { RuntimeConfig, ServerConfig } from '../../runtime/config/types.js';
import { seconds, tableFiles, tableRef } from './names.js';
import type { RecipientTables } from './recipients.js';
import { routeLines } from './routes.js';

export interface GlobalParts {
  config: RuntimeConfig;
  recipients: RecipientTables;
  absolute: (path: string) => string;
  /** The server whose smart host Postfix uses (Postfix has one relayhost). */
  relayServer: ServerConfig;
  serverBlocks: string[][];
}

function inetProtocols(config: RuntimeConfig): string {
  const addresses = config.servers.flatMap((s) => s.listen.map((l) => l.address));
  const v6 = addresses.some((a) => a.includes(':'));
  const v4 = addresses.some((a) => !a.includes(':'));
  return v6 && v4 ? 'all' : v6 ? 'ipv6' : 'ipv4';
}

function localDomains(config: RuntimeConfig): string[] {
  return [...new Set(config.servers.flatMap((s) => s.localDomains.map((d) => d.domain.toLowerCase().replace(/\.$/, ''))))];
}

function smarthost(server: ServerConfig): string[] {
  const target = server.relayTo;
  if (target.kind === 'hold') {
    return [`# relay-to hold (${target.source ?? 'the default'}): relayed mail waits in the queue`, 'relayhost =', 'defer_transports = smtp'];
  }
  if (target.kind === 'direct') {
    // each domain's MX, STARTTLS when offered (unverified), as runtime/delivery/mx-delivery.ts
    return [`# relay-to direct (${target.source}): each recipient domain's MX hosts`, 'relayhost =', 'smtp_tls_security_level = may'];
  }
  const level = target.tls === 'none' ? 'none' : target.tls === 'optional' ? 'may' : target.verifyCertificate ? 'secure' : 'encrypt';
  const lines = [
    `# relay-to smarthost (${target.source})`,
    `relayhost = [${target.host}]:${target.port}`,
    `smtp_tls_security_level = ${level}`,
  ];
  if (level === 'secure') lines.push('smtp_tls_CApath = /etc/ssl/certs');
  if (target.user !== null) {
    lines.push('smtp_sasl_auth_enable = yes', `smtp_sasl_password_maps = ${tableRef('texthash', tableFiles.smarthostPassword)}`, 'smtp_sasl_security_options = noanonymous');
  }
  return lines;
}

export function mainCf(header: string, parts: GlobalParts): string {
  const { config } = parts;
  const domains = localDomains(config);
  const servers = config.servers;
  const largestMessage = Math.max(...servers.map((s) => s.limits.messageSizeBytes));
  const longestAuthWindow = Math.max(...servers.map((s) => s.limits.authFailureWindowMs));
  const first = servers[0]!;
  const lines = [
    header,
    'compatibility_level = 3.6',
    `myhostname = ${first.hostname}`,
    // The bare `postmaster` is completed with myorigin: the first local domain makes it local,
    // as runtime/policy/postmaster.ts delivers it.
    `myorigin = ${domains[0] ?? '$myhostname'}`,
    `mydestination = ${domains.length === 0 ? '$myhostname' : ''}`.trimEnd(),
    ...(domains.length === 0 ? ['local_recipient_maps = inline:{ postmaster=postmaster }', 'alias_maps = inline:{ postmaster=root }'] : ['local_recipient_maps =', 'alias_maps =']),
    'alias_database =',
    'mynetworks =',
    'relay_domains =',
    'inet_interfaces = all',
    `inet_protocols = ${inetProtocols(config)}`,
    'smtpd_banner = $myhostname ESMTP',
    'biff = no',
    'append_dot_mydomain = no',
    '# Services override these; the defaults refuse relaying.',
    'smtpd_relay_restrictions = reject_unauth_destination',
    '# anvil and the bare-newline check exempt nobody (their defaults exempt $mynetworks)',
    'smtpd_client_event_limit_exceptions =',
    'smtpd_forbid_bare_newline_exclusions =',
    `anvil_rate_time_unit = ${seconds(longestAuthWindow)}`,
    `message_size_limit = ${largestMessage}`,
    '# Postfix refuses to start when a mailbox limit is below message_size_limit: the policy has none',
    'mailbox_size_limit = 0',
    'virtual_mailbox_limit = 0',
    'smtpd_sasl_type = cyrus',
    `cyrus_sasl_config_path = $config_directory/${tableFiles.saslDirectory}`,
    'smtpd_sasl_local_domain =',
    '',
  ];
  if (domains.length > 0) {
    const { recipients } = parts;
    const maps = [
      ...(recipients.mailboxes === null ? [] : [tableRef('texthash', tableFiles.recipients)]),
      ...(recipients.anyLocalPart === null ? [] : [tableRef('regexp', tableFiles.mailboxes)]),
    ];
    lines.push(
      `# local-domains: delivered to the Maildir <maildir>/<domain>/<user>/ (${config.storage.maildir});`,
      '# a recipient no table names is refused at RCPT (550 5.1.1)',
      `virtual_mailbox_domains = ${domains.join(', ')}`,
      `virtual_mailbox_base = ${parts.absolute(config.storage.maildir)}`,
      `virtual_mailbox_maps = ${maps.join(', ')}`,
      ...(recipients.aliases === null ? [] : [`virtual_alias_maps = ${tableRef('texthash', tableFiles.aliases)}`]),
      '# the owner of delivered files: change to the user that owns the Maildir',
      'virtual_uid_maps = static:5000',
      'virtual_gid_maps = static:5000',
      '',
    );
  }
  lines.push(...smarthost(parts.relayServer), ...routeLines(config), '');
  for (const block of parts.serverBlocks) lines.push(...block, '');
  return lines.join('\n');
}

/** Every sender address is owned by the login of the same name (sender-must-match). */
export const SENDER_LOGINS_TABLE = '# a sender address is owned by the login of the same name\n/^(.+@.+)$/ ${1}\n';
