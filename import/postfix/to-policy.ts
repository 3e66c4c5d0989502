// A Postfix configuration directory → an equivalent .smtppolicy: one server per smtpd
// service (or per syslog_name, for the services `compile --target postfix` writes), the
// user stores Cyrus SASL names, the smart host. Every line remembers the Postfix setting it
// came from; a line that maps only approximately says what differs in a comment.
import { readFile as readFromDisk } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ReadContext } from './access.js';
import { parseMainCf, type PostfixParameter } from './main-cf.js';
import { parseMasterCf } from './master-cf.js';
import { logicalLines, type PostfixPosition } from './positions.js';
import { writeServer, type AuthFacts, type ServerGroup } from './server-block.js';
import { ServiceView } from './service-view.js';
import { readTable, type ReadFile } from './tables.js';
import { PolicyWriter, type Approximation } from './writer.js';

export interface ImportOptions {
  /** The Postfix configuration directory, absolute. */
  directory: string;
  /** How file names are shown in positions (the directory as the user wrote it). */
  displayDirectory: string;
  readFile?: ReadFile;
}

export interface ImportedPolicy {
  text: string;
  /** For each line of `text` (index = line - 1), the Postfix setting it came from. */
  origins: Array<PostfixPosition | null>;
  approximations: Approximation[];
  /** The Postfix files read, by display name, for code frames. */
  sources: Map<string, string>;
}

function serverName(group: string): string {
  const name = group.replace(/^postfix\//, '').replace(/[^A-Za-z0-9_-]/g, '-');
  return /^[A-Za-z]/.test(name) ? name : `smtpd-${name}`;
}

/** Cyrus SASL's key: value configuration for a service, when Postfix uses Cyrus. */
async function saslFacts(view: ServiceView, readFile: ReadFile, directory: string, display: (path: string) => string): Promise<{ auth: AuthFacts; store: { name: string; file: string; origin: PostfixPosition } }> {
  const origin = view.position('smtpd_sasl_path');
  const type = view.get('smtpd_sasl_type') || 'cyrus';
  const fallback = (note: string) => ({ auth: { mechanisms: ['basic' as const], store: 'postfix-sasl', note }, store: { name: 'postfix-sasl', file: 'postfix-sasl.passwd', origin } });
  if (type !== 'cyrus') return fallback(`Postfix checks logins with ${type} SASL: its mechanisms and users are not read`);
  const configPath = join(view.get('cyrus_sasl_config_path') || join(directory, 'sasl'), `${view.get('smtpd_sasl_path') || 'smtpd'}.conf`);
  let text: string;
  try {
    text = await readFile(configPath);
  } catch {
    return fallback(`no Cyrus SASL configuration at ${display(configPath)}: its mechanisms are not known`);
  }
  const settings = new Map(logicalLines(text, display(configPath)).map((line) => {
    const at = line.text.indexOf(':');
    return [line.text.slice(0, at).trim(), line.text.slice(at + 1).trim()] as const;
  }));
  const mechanisms = (settings.get('mech_list') ?? 'PLAIN LOGIN').toUpperCase().split(/\s+/);
  const methods: AuthFacts['mechanisms'] = [];
  if (mechanisms.includes('PLAIN') || mechanisms.includes('LOGIN')) methods.push('basic');
  if (mechanisms.includes('CRAM-MD5') || mechanisms.includes('DIGEST-MD5')) methods.push('challenge-response');
  const sasldb = settings.get('sasldb_path') ?? '/etc/sasldb2';
  const name = serverName(basename(sasldb).replace(/\.(sasldb|db)$/, ''));
  return { auth: { mechanisms: methods, store: name }, store: { name, file: sasldb, origin } };
}

/** The table that lists the valid recipients of the domains of `mydestination` or `virtual_mailbox_domains`. */
const RECIPIENT_MAPS: Readonly<Record<string, string>> = { mydestination: 'local_recipient_maps', virtual_mailbox_domains: 'virtual_mailbox_maps' };

async function localDomains(view: ServiceView, context: ReadContext): Promise<{ domains: string[]; origin: PostfixPosition; note?: string; recipientsChecked: boolean }> {
  const domains: string[] = [];
  const dropped: string[] = [];
  // Postfix refuses unknown recipients of a domain whose recipient table is set; the import
  // does not turn those tables into recipient lists (report: not carried)
  let recipientsChecked = true;
  for (const name of ['mydestination', 'virtual_mailbox_domains']) {
    if (view.list(name).length > 0 && view.get(RECIPIENT_MAPS[name]!) === '') recipientsChecked = false;
    for (const item of view.list(name)) {
      if (/^[a-z]+:/.test(item)) {
        const table = await readTable(item, context.table(item, view.position(name)));
        if (table.kind === 'entries') domains.push(...table.entries.map((e) => e.key));
        else dropped.push(item);
      } else if (item.includes('.')) domains.push(item.toLowerCase());
      else dropped.push(item);
    }
  }
  const origin = view.position(view.isSet('virtual_mailbox_domains') ? 'virtual_mailbox_domains' : 'mydestination');
  const unique = [...new Set(domains)];
  return { domains: unique, origin, recipientsChecked, ...(dropped.length > 0 ? { note: `not imported: ${dropped.join(', ')} (not a domain name the policy accepts)` } : {}) };
}

function writeRelayTo(w: PolicyWriter, view: ServiceView, login: SmarthostLogin | null): void {
  const relayhost = view.get('relayhost');
  if (!relayhost) {
    // no relay host: Postfix delivers to each domain's MX (relay-to direct), unless its smtp
    // transport is deferred (relay-to hold)
    if (view.list('defer_transports').includes('smtp')) w.line('relay-to hold', view.position('defer_transports'));
    else w.line('relay-to direct', view.position('relayhost'), 'Postfix uses opportunistic TLS for every domain; the policy also requires TLS where a domain publishes an MTA-STS policy in enforce mode');
    return;
  }
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(relayhost);
  const host = match?.[1] ?? relayhost;
  const port = match?.[2] ?? '25';
  const level = view.get('smtp_tls_security_level');
  const tls = ['encrypt', 'secure', 'verify', 'dane', 'dane-only', 'fingerprint'].includes(level) ? 'require' : level === 'may' ? 'optional' : 'none';
  const verify = tls === 'require' && level !== 'encrypt';
  w.open(`relay-to smarthost ${JSON.stringify(`${host}:${port}`)}`, view.position('relayhost'));
  w.line(`tls ${tls}${tls !== 'none' && !verify ? ' no-verify' : ''}`, view.position('smtp_tls_security_level'));
  if (login) {
    w.line(`user ${JSON.stringify(login.user)}`, login.origin);
    const env = /^REPLACE-WITH-\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(login.password);
    if (env) w.line(`password env ${env[1]}`, login.origin);
    else w.line(`password file ${JSON.stringify(login.file)}`, login.origin, 'Postfix keeps the password in its table; the policy reads it from a file holding only the password');
  }
  w.close(view.position('relayhost'));
}

interface SmarthostLogin {
  user: string;
  password: string;
  file: string;
  origin: PostfixPosition;
}

/** The smart host's login from smtp_sasl_password_maps (the first entry). */
async function smarthostLogin(view: ServiceView, context: ReadContext): Promise<SmarthostLogin | null> {
  const maps = view.get('smtp_sasl_password_maps');
  if (!view.yes('smtp_sasl_auth_enable') || !maps) return null;
  const table = await readTable(maps, context.table(maps, view.position('smtp_sasl_password_maps')));
  const entry = table.kind === 'entries' ? table.entries[0] : undefined;
  const at = entry?.result.indexOf(':') ?? -1;
  if (!entry || at < 0) return null;
  return { user: entry.result.slice(0, at), password: entry.result.slice(at + 1), file: maps.replace(/^[a-z]+:/, ''), origin: entry.position };
}

export async function importPostfix(options: ImportOptions): Promise<ImportedPolicy> {
  const readRaw = options.readFile ?? ((path: string) => readFromDisk(path, 'utf8'));
  const sources = new Map<string, string>();
  const display = (path: string) => {
    const inside = relative(options.directory, path);
    return inside.startsWith('..') ? path : join(options.displayDirectory, inside);
  };
  const readFile: ReadFile = async (path) => {
    const text = await readRaw(path);
    sources.set(display(path), text);
    return text;
  };
  const mainFile = join(options.directory, 'main.cf');
  const main: Map<string, PostfixParameter> = parseMainCf(await readFile(mainFile), display(mainFile));
  const masterFile = join(options.directory, 'master.cf');
  const services = parseMasterCf(await readFile(masterFile), display(masterFile));
  const context: ReadContext = {
    directory: options.directory,
    table: (_reference, position) => ({ directory: options.directory, readFile, position, displayName: display }),
  };

  const groups: ServerGroup[] = [];
  for (const service of services.filter((s) => s.type === 'inet' && s.command === 'smtpd')) {
    const view = new ServiceView(service, main, options.directory);
    const name = serverName(view.service.overrides.get('syslog_name')?.value ?? service.service);
    const group = groups.find((g) => g.name === name);
    if (group) group.views.push(view);
    else groups.push({ name, views: [view] });
  }

  const w = new PolicyWriter();
  w.comment(`Imported from ${options.displayDirectory} by smtppolicy import postfix. Each line comes from the Postfix setting lint names;`);
  w.comment("lines marked 'approximate' say what Postfix does differently.");
  const stores = new Map<string, { file: string; origin: PostfixPosition }>();
  const auths = new Map<string, AuthFacts | null>();
  for (const group of groups) {
    const view = group.views[0]!;
    if (!view.yes('smtpd_sasl_auth_enable')) {
      auths.set(group.name, null);
      continue;
    }
    const { auth, store } = await saslFacts(view, readFile, options.directory, display);
    auths.set(group.name, auth);
    stores.set(store.name, store);
  }
  for (const [name, store] of stores) {
    w.line(`users ${name} file ${JSON.stringify(store.file)}`, store.origin, 'Postfix checks passwords with Cyrus SASL; smtppolicy reads its own password file (smtppolicy passwd)');
  }
  for (const group of groups) {
    w.blank();
    const view = group.views[0]!;
    const domains = await localDomains(view, context);
    const login = await smarthostLogin(view, context);
    await writeServer(w, group, auths.get(group.name) ?? null, domains, context, (writer) => writeRelayTo(writer, view, login));
  }
  if (groups.length === 0) w.comment('master.cf has no smtpd service on the network (inet): there is no server to import');
  return { text: w.text(), origins: w.origins, approximations: w.approximations, sources };
}
