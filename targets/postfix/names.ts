// Names in the written Postfix configuration: the main.cf parameters that hold one server's
// settings and the table files of its lists. A server name may contain `-`, which Postfix's
// `$name` expansion stops at, so parameters use `_`; two servers whose names differ only
// there would collide, and are refused before anything is written.
import type { ServerConfig } from '../../runtime/config/types.js';

export class PostfixNameClash extends Error {}

/** The prefix of a server's main.cf parameters: `smtppolicy_<name>_`. */
export function parameterPrefix(server: ServerConfig): string {
  return `smtppolicy_${server.name.replace(/-/g, '_')}_`;
}

export function checkNamesDistinct(servers: readonly ServerConfig[]): void {
  const seen = new Map<string, string>();
  for (const server of servers) {
    const prefix = parameterPrefix(server);
    const other = seen.get(prefix);
    if (other !== undefined) {
      throw new PostfixNameClash(`servers '${other}' and '${server.name}' would share the Postfix parameters ${prefix}…: rename one (Postfix names cannot tell '-' from '_')`);
    }
    seen.set(prefix, server.name);
  }
}

/** Table files live beside main.cf; Postfix expands `$config_directory` in a table's name. */
export function tableRef(type: 'cidr' | 'texthash' | 'regexp', file: string): string {
  return `${type}:$config_directory/${file}`;
}

export const tableFiles = {
  connections: (server: ServerConfig) => `${server.name}-connections.cidr`,
  connectionDomains: (server: ServerConfig) => `${server.name}-connection-domains`,
  relay: (server: ServerConfig) => `${server.name}-relay.cidr`,
  relayDomains: (server: ServerConfig) => `${server.name}-relay-domains`,
  mailboxes: 'mailboxes.regexp',
  recipients: 'recipients',
  aliases: 'aliases',
  transport: 'transport',
  routeTls: 'route-tls-policy',
  senderLogins: 'sender-logins.regexp',
  smarthostPassword: 'smarthost-password',
  saslDirectory: 'sasl',
  /** Cyrus SASL reads `<smtpd_sasl_path>.conf` from `cyrus_sasl_config_path`. */
  saslApplication: (server: ServerConfig) => `smtpd-${server.name}`,
};

/** Durations are milliseconds in the config; Postfix takes whole seconds (rounded up: never shorter). */
export function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}
