// Cyrus SASL's configuration for one server: the mechanisms the policy offers (XOAUTH2 has
// no Cyrus mechanism in Debian and is left out: reported unsupported), checked against a
// sasldb per user store. Postfix reads it as `<cyrus_sasl_config_path>/<smtpd_sasl_path>.conf`.
import { join } from 'node:path';
import type { AuthMechanism, ServerConfig } from '../../runtime/config/types.js';

const CYRUS_MECHANISMS: ReadonlySet<AuthMechanism> = new Set(['PLAIN', 'LOGIN', 'CRAM-MD5']);

export function cyrusMechanisms(server: ServerConfig): AuthMechanism[] {
  return server.auth.mechanisms.map((m) => m.mechanism).filter((m) => CYRUS_MECHANISMS.has(m));
}

/** The sasldb a server's logins are checked against, beside its Cyrus configuration: named after its first user store. */
export function sasldbPath(saslDirectory: string, server: ServerConfig): string {
  const store = server.auth.mechanisms.find((m) => m.userStore !== null)?.userStore ?? server.name;
  return join(saslDirectory, `${store}.sasldb`);
}

export function cyrusConfig(saslDirectory: string, server: ServerConfig): string {
  return [
    `# server ${server.name} (${server.auth.source ?? server.source}): written by smtppolicy compile --target postfix`,
    '# Add users with: saslpasswd2 -f ' + sasldbPath(saslDirectory, server) + ' -c USER',
    'pwcheck_method: auxprop',
    'auxprop_plugin: sasldb',
    `sasldb_path: ${sasldbPath(saslDirectory, server)}`,
    `mech_list: ${cyrusMechanisms(server).join(' ')}`,
    '',
  ].join('\n');
}
