// A runtime config → the files of a Postfix configuration directory (main.cf, master.cf,
// the lists' tables, Cyrus SASL's configuration) and the report of how faithfully each
// setting the policy uses came through (targets/settings.ts).
import { isAbsolute, resolve } from 'node:path';
import type { RuntimeConfig, ServerConfig } from '../../runtime/config/types.js';
import { mappingFindings, type Downgrade } from '../findings.js';
import type { TargetOutput } from '../types.js';
import type { MailboxSnapshot } from '../mailboxes.js';
import { mainCf, SENDER_LOGINS_TABLE } from './main-cf.js';
import { recipientTables, sharedRecipientNotes } from './recipients.js';
import { allRoutes, routeTlsTable, transportTable } from './routes.js';
import { masterCf } from './master-cf.js';
import { checkNamesDistinct, tableFiles } from './names.js';
import { cyrusConfig, cyrusMechanisms } from './sasl.js';
import { translateServer } from './server.js';

export class PostfixServiceClash extends Error {}

export interface PostfixOptions {
  /** The directory the files will be read from by Postfix (its config_directory): relative paths of the config are resolved against it. */
  directory: string;
  /** The mailboxes of the recipient lists (cli/target-mailboxes.ts reads them): Postfix gets a copy. */
  mailboxes: MailboxSnapshot;
}

function sameRelayTarget(a: ServerConfig, b: ServerConfig): boolean {
  const strip = ({ source: _source, ...rest }: ServerConfig['relayTo']) => JSON.stringify(rest);
  return strip(a.relayTo) === strip(b.relayTo);
}

/** The row of the mapping table for a server's relay-to (targets/settings.ts). */
function relayToSetting(server: ServerConfig): string {
  return server.relayTo.kind === 'smarthost' ? 'ServerConfig.relayTo' : `ServerConfig.relayTo (${server.relayTo.kind})`;
}

function sameRoutes(a: ServerConfig, b: ServerConfig): boolean {
  const strip = (server: ServerConfig) => JSON.stringify((server.routes ?? []).map(({ source: _source, ...rest }) => rest));
  return strip(a) === strip(b);
}

/** Where one Postfix setting cannot give each server its own value, the report says so. */
function sharedSettingDowngrades(config: RuntimeConfig): Downgrade[] {
  const [first, ...rest] = config.servers;
  if (!first) return [];
  const downgrades: Downgrade[] = [];
  for (const server of rest) {
    if (!sameRelayTarget(first, server)) {
      downgrades.push({ setting: relayToSetting(server), server: server.name, fidelity: 'unsupported', note: `Postfix has one relay host: this server's relay-to is replaced by server ${first.name}'s.` });
    }
    if (!sameRoutes(first, server)) {
      downgrades.push({ setting: 'ServerConfig.routes', server: server.name, fidelity: 'approximate', note: 'Postfix has one transport table: this server also uses the other servers’ routes (the first server’s route wins for a domain both name).' });
    }
  }
  const relaying = config.servers.filter((s) => s.relayTo.kind === 'direct' || (s.routes ?? []).length > 0);
  if (relaying.some((s) => s.hostname !== first.hostname)) {
    for (const server of relaying) {
      downgrades.push({ setting: 'ServerConfig.hostname (outbound EHLO)', server: server.name, fidelity: 'approximate', note: `Postfix's smtp client has one EHLO name: server ${first.name}'s hostname ${first.hostname} is used for all.` });
    }
  }
  // one set of local domains, and one recipient table for each: a server's own differ
  const domainSets = new Set(config.servers.map((s) => s.localDomains.map((d) => d.domain.toLowerCase()).sort().join(',')));
  const recipientNotes = sharedRecipientNotes(config);
  for (const server of config.servers.filter((s) => s.localDomains.length > 0)) {
    const notes = [
      ...(domainSets.size > 1 ? ['Postfix has one set of local domains: this server also accepts mail for the other servers’ local domains.'] : []),
      ...(recipientNotes.get(server.name) ?? []),
    ];
    if (notes.length > 0) downgrades.push({ setting: 'ServerConfig.localDomains', server: server.name, fidelity: 'approximate', note: notes.join(' ') });
  }
  const windows = new Set(config.servers.map((s) => s.limits.authFailureWindowMs));
  if (windows.size > 1) {
    for (const server of config.servers) {
      downgrades.push({ setting: 'LimitsConfig.authFailureWindowMs', server: server.name, fidelity: 'approximate', note: 'Postfix has one anvil_rate_time_unit: the longest window of all servers is written.' });
    }
  }
  return downgrades;
}

export function translateToPostfix(config: RuntimeConfig, options: PostfixOptions): TargetOutput {
  checkNamesDistinct(config.servers);
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(options.directory, path));
  const header = `# Written by smtppolicy compile --target postfix from ${config.sources[0] ?? 'a runtime config'}.\n# Do not edit: change the policy and compile again.`;
  const files = new Map<string, string>();
  const services = new Map<string, string>();
  const translated = config.servers.map((server) => {
    const result = translateServer(server, absolute);
    for (const service of result.services) {
      const owner = services.get(service.name);
      if (owner !== undefined) throw new PostfixServiceClash(`servers '${owner}' and '${server.name}' both listen on ${service.name}`);
      services.set(service.name, server.name);
    }
    for (const [name, text] of result.files) files.set(name, text);
    if (server.auth.mechanisms.length > 0 && cyrusMechanisms(server).length > 0) {
      files.set(`${tableFiles.saslDirectory}/${tableFiles.saslApplication(server)}.conf`, cyrusConfig(absolute(tableFiles.saslDirectory), server));
    }
    return result;
  });
  const relayServer = config.servers[0]!;
  const recipients = recipientTables(config, options.mailboxes);
  files.set('main.cf', mainCf(header, { config, recipients, absolute, relayServer, serverBlocks: translated.map((t) => t.parameters) }));
  files.set('master.cf', masterCf(header, translated.flatMap((t) => t.services)));
  const tables: Array<[string, string | null]> = [
    [tableFiles.recipients, recipients.mailboxes],
    [tableFiles.aliases, recipients.aliases],
    [tableFiles.mailboxes, recipients.anyLocalPart],
    [tableFiles.transport, transportTable(allRoutes(config))],
    [tableFiles.routeTls, routeTlsTable(allRoutes(config))],
  ];
  for (const [name, text] of tables) if (text !== null) files.set(name, text);
  if (config.servers.some((s) => s.auth.senderMustMatch)) files.set(tableFiles.senderLogins, SENDER_LOGINS_TABLE);
  if (relayServer.relayTo.kind === 'smarthost' && relayServer.relayTo.user !== null) {
    const { host, port, user, password } = relayServer.relayTo;
    const secret = password === null ? '' : 'env' in password ? `REPLACE-WITH-$${password.env}` : `REPLACE-WITH-THE-CONTENT-OF-${password.file}`;
    files.set(tableFiles.smarthostPassword, `# the smart host's login (Postfix reads the secret from this file only)\n[${host}]:${port} ${user}:${secret}\n`);
  }
  return { target: 'postfix', files, findings: mappingFindings(config, 'postfix', sharedSettingDowngrades(config)) };
}
