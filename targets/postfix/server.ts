// One server of the policy in Postfix's terms: a block of main.cf parameters named after it
// (the values with spaces and commas, which a master.cf `-o` cannot carry) and one master.cf
// smtpd service per listener whose `-o` overrides point at them.
import type { ListenConfig, ServerConfig, TlsConfig } from '../../runtime/config/types.js';
import { parameterPrefix, seconds, tableFiles } from './names.js';
import { clientRestrictions, relayRestrictions, senderRestrictions } from './restrictions.js';
import { cyrusMechanisms } from './sasl.js';
import { listTables, type ListTables } from './tables.js';

export interface PostfixServer {
  /** main.cf lines (comment first). */
  parameters: string[];
  /** master.cf services, one per listener (wildcards on one port share one), with their `-o` lines. */
  services: Array<{ name: string; lines: string[] }>;
  /** Table files by name. */
  files: Map<string, string>;
  connectionTables: ListTables;
  relayTables: ListTables;
}

const TLS_LEVEL = { required: 'encrypt', optional: 'may' } as const;

/** Postfix 3.6+ protocol syntax: `>=TLSv1.2`. */
function protocols(tls: TlsConfig): string {
  return `>=${tls.minVersion}`;
}

/** OpenSSL cipher grades: `medium` admits 128-bit ciphers and up, `high` OpenSSL's HIGH list. */
function cipherGrade(tls: TlsConfig): string | null {
  if (tls.minCipherBits === 0) return null;
  return tls.minCipherBits <= 128 ? 'medium' : 'high';
}

/** `127.0.0.1:25`, `[::1]:25`; a wildcard address listens on every interface: the port alone. */
export function serviceName(listen: ListenConfig): string {
  if (listen.address === '0.0.0.0' || listen.address === '::') return String(listen.port);
  return listen.address.includes(':') ? `[${listen.address}]:${listen.port}` : `${listen.address}:${listen.port}`;
}

function overrides(server: ServerConfig, listen: ListenConfig, prefix: string): string[] {
  const tls = server.tls;
  const auth = server.auth.mechanisms.length > 0 && cyrusMechanisms(server).length > 0;
  const o: Array<[string, string]> = [
    ['syslog_name', `postfix/${server.name}`],
    ['myhostname', server.hostname],
    ['smtpd_delay_reject', 'no'],
    ['smtpd_client_restrictions', `$${prefix}client_restrictions`],
    ['smtpd_helo_restrictions', ''],
    ['smtpd_sender_restrictions', `$${prefix}sender_restrictions`],
    ['smtpd_relay_restrictions', `$${prefix}relay_restrictions`],
    ['smtpd_recipient_restrictions', ''],
    ['smtpd_tls_security_level', tls === null ? 'none' : TLS_LEVEL[tls.mode]],
  ];
  if (server.banner !== undefined) o.push(['smtpd_banner', `$${prefix}banner`]);
  if (listen.tlsMode === 'implicit') o.push(['smtpd_tls_wrappermode', 'yes']);
  if (tls !== null) {
    o.push(['smtpd_tls_chain_files', `$${prefix}tls_chain_files`]);
    o.push(['smtpd_tls_protocols', protocols(tls)], ['smtpd_tls_mandatory_protocols', protocols(tls)]);
    const grade = cipherGrade(tls);
    if (grade !== null) o.push(['smtpd_tls_ciphers', grade], ['smtpd_tls_mandatory_ciphers', grade]);
    // Before TLS only mechanisms that do not reveal the secret (CRAM-MD5) may be offered, as
    // runtime/policy/auth-offer.ts decides. Without one, smtpd_tls_auth_only hides AUTH until
    // STARTTLS (noplaintext would leave Cyrus no mechanism, which ends Postfix's session).
    const secretSafe = cyrusMechanisms(server).includes('CRAM-MD5');
    o.push(['smtpd_tls_auth_only', tls.mode === 'required' || !secretSafe ? 'yes' : 'no']);
  }
  o.push(['smtpd_sasl_auth_enable', auth ? 'yes' : 'no']);
  if (auth) {
    o.push(['smtpd_sasl_path', tableFiles.saslApplication(server)]);
    // In clear (optional TLS, CRAM-MD5 configured) no plaintext mechanism; after TLS, or
    // without a certificate, all.
    o.push(['smtpd_sasl_security_options', tls === null ? 'noanonymous' : `$${prefix}sasl_security_options`]);
    o.push(['smtpd_sasl_tls_security_options', 'noanonymous']);
    o.push(['smtpd_client_auth_rate_limit', String(server.limits.authFailures)]);
  }
  if (server.auth.senderMustMatch) o.push(['smtpd_sender_login_maps', `$${prefix}sender_login_maps`]);
  o.push(
    ['message_size_limit', String(server.limits.messageSizeBytes)],
    ['smtpd_recipient_limit', String(server.limits.recipientsPerMessage)],
    ['smtpd_client_connection_count_limit', String(server.limits.maxConnectionsPerAddress)],
    ['smtpd_timeout', seconds(server.limits.idleTimeoutMs)],
    ['smtpd_forbid_bare_newline', server.rejectBareLineEndings ? 'yes' : 'no'],
  );
  return o.map(([name, value]) => `  -o ${name}=${value}`);
}

/** `absolute` turns a path of the config (relative to its directory) into one Postfix can open. */
export function translateServer(server: ServerConfig, absolute: (path: string) => string): PostfixServer {
  const prefix = parameterPrefix(server);
  const connectionTables = listTables(server.connections.entries, server.connections.mode === 'allow-list' ? 'OK' : 'REJECT', `server ${server.name}: connections ${server.connections.mode === 'allow-list' ? 'only' : 'except'} (${server.connections.source ?? server.source})`);
  const relayTables = listTables(server.relay.entries, 'OK', `server ${server.name}: relay grants (${server.relay.source ?? server.source})`);
  const files = new Map<string, string>();
  if (connectionTables.cidr) files.set(tableFiles.connections(server), connectionTables.cidr);
  if (connectionTables.domains) files.set(tableFiles.connectionDomains(server), connectionTables.domains);
  if (relayTables.cidr) files.set(tableFiles.relay(server), relayTables.cidr);
  if (relayTables.domains) files.set(tableFiles.relayDomains(server), relayTables.domains);

  const parameters = [
    `# server ${server.name} (${server.source})`,
    `${prefix}client_restrictions = ${clientRestrictions(server, connectionTables).join(', ')}`,
    `${prefix}sender_restrictions = ${senderRestrictions(server).join(', ')}`,
    `${prefix}relay_restrictions = ${relayRestrictions(server, relayTables).join(', ')}`,
  ];
  if (server.banner !== undefined) parameters.push(`${prefix}banner = $myhostname ESMTP ${server.banner}`);
  if (server.tls !== null) {
    const certificate = server.tls.certificates[0];
    if (certificate) parameters.push(`${prefix}tls_chain_files = ${absolute(certificate.key)}, ${absolute(certificate.certificate)}`);
    parameters.push(`${prefix}sasl_security_options = noanonymous, noplaintext`);
  }
  if (server.auth.senderMustMatch) parameters.push(`${prefix}sender_login_maps = regexp:$config_directory/${tableFiles.senderLogins}`);

  const services: PostfixServer['services'] = [];
  for (const listen of server.listen) {
    const name = serviceName(listen);
    // 0.0.0.0:25 and [::]:25 are both the service `25` (every interface, every protocol)
    if (services.some((s) => s.name === name)) continue;
    services.push({
      name,
      lines: [`# server ${server.name}, ${listen.source}`, `${name} inet n - n - ${server.limits.maxConnections} smtpd`, ...overrides(server, listen, prefix)],
    });
  }
  return { parameters, services, files, connectionTables, relayTables };
}
