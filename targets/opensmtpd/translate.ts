// A runtime config → OpenSMTPD's smtpd.conf (with the files its tables name) and the report
// of how faithfully each setting the policy uses came through (targets/settings.ts). What
// OpenSMTPD has once for all listeners (message size, recipients per message, ciphers) takes
// the strictest value of all servers, and the report says so where servers differ.
import { isAbsolute, resolve } from 'node:path';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { mappingFindings, type Downgrade } from '../findings.js';
import type { MailboxSnapshot } from '../mailboxes.js';
import type { TargetOutput } from '../types.js';
import { q } from './names.js';
import { offersLogin, translateServer } from './server.js';

export interface OpenSmtpdOptions {
  /** The directory the files are read from: relative paths of the config are resolved against it. */
  directory: string;
  /** The mailboxes of the recipient lists (cli/target-mailboxes.ts reads them): OpenSMTPD gets a copy. */
  mailboxes: MailboxSnapshot;
  /** The system user that owns every Maildir and delivers into them; default `vmail`. */
  deliveryUser?: string;
}

export const DEFAULT_DELIVERY_USER = 'vmail';

/** OpenSSL cipher lists for a minimum strength: HIGH is 128 bits and up (smtpd's default list). */
function cipherList(bits: number): string {
  return bits <= 128 ? 'HIGH:!aNULL:!MD5' : 'HIGH:!aNULL:!MD5:!AES128:!CAMELLIA128:!ARIA128';
}

function sharedSettingDowngrades(config: RuntimeConfig): Downgrade[] {
  const downgrades: Downgrade[] = [];
  const differ = (value: (s: RuntimeConfig['servers'][number]) => number) => new Set(config.servers.map(value)).size > 1;
  const each = (setting: string, note: string) => config.servers.forEach((server) => downgrades.push({ setting, server: server.name, fidelity: 'approximate', note }));
  if (differ((s) => s.limits.messageSizeBytes)) each('LimitsConfig.messageSizeBytes', 'OpenSMTPD has one max-message-size for all listeners: the smallest of all servers is written.');
  if (differ((s) => s.limits.recipientsPerMessage)) each('LimitsConfig.recipientsPerMessage', 'OpenSMTPD has one max-rcpt for all listeners: the smallest of all servers is written.');
  for (const server of config.servers) {
    if (server.tls === null && server.auth.mechanisms.some((m) => m.mechanism !== 'XOAUTH2')) {
      downgrades.push({
        setting: 'AuthConfig.mechanisms', server: server.name, fidelity: 'unsupported',
        note: server.auth.anonymous
          ? 'OpenSMTPD offers AUTH only over TLS and this server has none: no login is offered (anonymous clients are unaffected, relaying for logged-in clients never applies).'
          : 'OpenSMTPD offers AUTH only over TLS and this server has none: no login is offered, and since anonymous mail is off every recipient is refused.',
      });
    }
    if (!server.auth.anonymous && !offersLogin(server)) {
      downgrades.push({
        setting: 'AuthConfig.anonymous', server: server.name, fidelity: 'approximate',
        note: 'no client can log in on this server in OpenSMTPD, so every recipient is refused (550 at RCPT, where smtppolicy refuses MAIL with 530 5.7.0).',
      });
    }
    if (server.tls?.minVersion === 'TLSv1.3') {
      downgrades.push({ setting: 'TlsConfig.minVersion', server: server.name, fidelity: 'unsupported', note: 'OpenSMTPD 6.8 cannot require TLS 1.3: the system OpenSSL’s minimum (TLS 1.2 on Debian 12) applies.' });
    }
  }
  return downgrades;
}

export function translateToOpenSmtpd(config: RuntimeConfig, options: OpenSmtpdOptions): TargetOutput {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(options.directory, path));
  const deliveryUser = options.deliveryUser ?? DEFAULT_DELIVERY_USER;
  const files = new Map<string, string>();
  const servers = config.servers.map((server) =>
    translateServer(server, { absolute, mailboxes: options.mailboxes, deliveryUser, maildir: config.storage.maildir }),
  );
  const lines = [
    `# Written by smtppolicy compile --target opensmtpd from ${config.sources[0] ?? 'a runtime config'}.`,
    '# Do not edit: change the policy and compile again.',
    `# Delivered mail belongs to the system user ${deliveryUser}: create it, and let it own ${absolute(config.storage.maildir)}.`,
    '',
    `smtp max-message-size ${Math.min(...config.servers.map((s) => s.limits.messageSizeBytes))}`,
    `smtp limit max-rcpt ${Math.min(...config.servers.map((s) => s.limits.recipientsPerMessage))}`,
  ];
  const strongest = Math.max(0, ...config.servers.map((s) => s.tls?.minCipherBits ?? 0));
  if (strongest > 0) lines.push(`smtp ciphers ${q(cipherList(strongest))}`);
  const stores = new Set(config.servers.flatMap((s) => s.auth.mechanisms.flatMap((m) => (m.mechanism === 'XOAUTH2' || m.userStore === null ? [] : [m.userStore]))));
  for (const store of stores) {
    const file = `${store}.credentials`;
    // OpenSMTPD checks crypt(3) hashes (smtpctl encrypt); smtppolicy's scrypt file cannot be read
    files.set(file, `# users of the store '${store}': one "USER HASH" a line, HASH from 'smtpctl encrypt' (smtppolicy's password file cannot be read by OpenSMTPD)\n`);
    lines.push(`table ${q(store)} file:${absolute(file)}`);
  }
  lines.push('');
  for (const server of servers) {
    lines.push(...server.declarations, '');
    for (const [name, text] of server.files) files.set(name, text);
  }
  for (const server of servers) lines.push(...server.listeners);
  lines.push('');
  for (const server of servers) lines.push(...server.actions);
  lines.push('');
  for (const server of servers) lines.push(...server.matches);
  files.set('smtpd.conf', `${lines.join('\n')}\n`);
  return { target: 'opensmtpd', files, findings: mappingFindings(config, 'opensmtpd', sharedSettingDowngrades(config)) };
}
