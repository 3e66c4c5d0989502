// One server of the imported policy: the smtpd services that share a syslog_name (as
// `compile --target postfix` writes one service per listener) or, otherwise, one service.
// Each setting is read from the first service of the group, except what differs per
// listener (its address and implicit TLS).
import { hostname as machineName } from 'node:os';
import { myNetworks, readAccessTable, type ListRead, type PolicyEntry, type ReadContext } from './access.js';
import type { PostfixPosition } from './positions.js';
import type { ServiceView } from './service-view.js';
import type { PolicyWriter } from './writer.js';

const PORTS: Record<string, number> = { smtp: 25, submission: 587, smtps: 465, submissions: 465 };
const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
const VERSION_TEXT: Record<(typeof VERSIONS)[number], string> = { TLSv1: '1.0', 'TLSv1.1': '1.1', 'TLSv1.2': '1.2', 'TLSv1.3': '1.3' };

export interface ServerGroup {
  name: string;
  views: ServiceView[];
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The addresses a service listens on: its host, else inet_interfaces for inet_protocols. */
function listenAddresses(view: ServiceView): { addresses: string[]; port: number | null } {
  const name = view.service.service;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(.+)$/.exec(name);
  const portText = match ? match[3]! : name;
  const port = /^\d+$/.test(portText) ? Number(portText) : (PORTS[portText] ?? null);
  if (match) return { addresses: [match[1] ?? match[2]!], port };
  const interfaces = view.list('inet_interfaces');
  const protocols = view.get('inet_protocols');
  if (interfaces.length === 0 || interfaces.includes('all')) {
    const v4 = protocols !== 'ipv6';
    const v6 = protocols === 'all' || protocols.includes('ipv6');
    return { addresses: [...(v4 ? ['0.0.0.0'] : []), ...(v6 ? ['::'] : [])], port };
  }
  return { addresses: interfaces.map((i) => (i === 'loopback-only' ? '127.0.0.1' : i)), port };
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function writeListen(w: PolicyWriter, group: ServerGroup): void {
  const parts: string[] = [];
  for (const view of group.views) {
    const { addresses, port } = listenAddresses(view);
    if (port === null) {
      w.comment(`not imported: the service name ${view.service.service} is not a port smtppolicy knows`, view.service.position);
      continue;
    }
    const implicit = view.yes('smtpd_tls_wrappermode') ? ' implicit-tls' : '';
    for (const address of addresses) parts.push(`${endpoint(address, port)}${implicit}`);
  }
  w.line(`listen ${parts.join(', ')}`, group.views[0]!.service.position);
}

function minVersion(protocols: string): (typeof VERSIONS)[number] {
  const at = /^>=\s*(TLSv1(?:\.[123])?)/i.exec(protocols);
  if (at) return VERSIONS.find((v) => v.toLowerCase() === at[1]!.toLowerCase()) ?? 'TLSv1';
  const items = protocols.split(/[\s,:]+/).filter(Boolean);
  const excluded = new Set(items.filter((i) => i.startsWith('!')).map((i) => i.slice(1).toLowerCase()));
  const included = items.filter((i) => !i.startsWith('!')).map((i) => i.toLowerCase());
  return VERSIONS.find((v) => !excluded.has(v.toLowerCase()) && (included.length === 0 || included.includes(v.toLowerCase()))) ?? 'TLSv1';
}

function tlsLevel(view: ServiceView): 'none' | 'may' | 'encrypt' {
  const level = view.get('smtpd_tls_security_level');
  if (level === 'encrypt' || level === 'may' || level === 'none') return level;
  if (level === '') return view.yes('smtpd_enforce_tls') ? 'encrypt' : view.yes('smtpd_use_tls') ? 'may' : 'none';
  return 'none';
}

function writeTls(w: PolicyWriter, view: ServiceView): boolean {
  const level = tlsLevel(view);
  const wrapper = view.yes('smtpd_tls_wrappermode');
  if (level === 'none' && !wrapper) return false;
  const chain = view.list('smtpd_tls_chain_files');
  const certificate = chain.length >= 2 ? chain[1]! : view.get('smtpd_tls_cert_file');
  const key = chain.length >= 2 ? chain[0]! : view.get('smtpd_tls_key_file') || certificate;
  const certificateAt = view.position(chain.length >= 2 ? 'smtpd_tls_chain_files' : 'smtpd_tls_cert_file');
  if (!certificate) {
    w.comment('not imported: TLS is on but no certificate is named (smtpd_tls_cert_file, smtpd_tls_chain_files)', view.position('smtpd_tls_security_level'));
    return false;
  }
  w.block('tls', view.position('smtpd_tls_security_level'), () => {
    w.line(`certificate ${quote(certificate)}`, certificateAt);
    w.line(`key ${quote(key)}`, view.position(chain.length >= 2 ? 'smtpd_tls_chain_files' : 'smtpd_tls_key_file'));
    w.line(level === 'encrypt' || wrapper ? 'require' : 'optional', view.position('smtpd_tls_security_level'));
    const protocolsName = level === 'encrypt' ? 'smtpd_tls_mandatory_protocols' : 'smtpd_tls_protocols';
    w.line(`min-version ${VERSION_TEXT[minVersion(view.get(protocolsName))]}`, view.position(protocolsName));
    // Postfix's default grade, medium, is the policy's default (128 bits): written only when set
    const ciphersName = level === 'encrypt' ? 'smtpd_tls_mandatory_ciphers' : 'smtpd_tls_ciphers';
    if (view.isSet(ciphersName)) {
      const grade = view.get(ciphersName);
      const bits = grade === 'high' ? 256 : grade === 'medium' ? 128 : 0;
      w.line(`min-cipher-bits ${bits}`, view.position(ciphersName), `Postfix's cipher grade '${grade}' is an OpenSSL cipher list, not a bit count`);
    }
  });
  return true;
}

export interface AuthFacts {
  mechanisms: Array<'basic' | 'challenge-response'>;
  store: string;
  /** What differs, when the mechanisms were not read from Cyrus's configuration. */
  note?: string;
}

function writeAuth(w: PolicyWriter, view: ServiceView, auth: AuthFacts | null, tls: boolean): void {
  const sender = view.list('smtpd_sender_restrictions');
  const senderMustMatch = sender.some((r) => /^reject(_authenticated)?_sender_login_mismatch$/.test(r));
  const permitAt = sender.indexOf('permit_sasl_authenticated');
  // anonymous off: logged-in clients are permitted, and what follows refuses everyone else
  const anonymousOff = permitAt >= 0 && sender.slice(permitAt + 1).some((r) => r === 'reject' || r === 'check_sender_access' || r.startsWith('static:'));
  if (!auth) return;
  // Postfix may offer PLAIN and LOGIN before STARTTLS; the language offers them only after it
  const inClear = tls && !view.yes('smtpd_tls_auth_only') && !view.get('smtpd_sasl_security_options').includes('noplaintext')
    ? 'Postfix offers AUTH PLAIN and LOGIN before STARTTLS here (smtpd_tls_auth_only = no): passwords may cross the network in clear; the policy offers them only after STARTTLS'
    : undefined;
  w.block('auth', view.position('smtpd_sasl_auth_enable'), () => {
    for (const mechanism of auth.mechanisms) {
      const notes = [auth.note, mechanism === 'basic' ? inClear : undefined].filter((n) => n !== undefined);
      w.line(`${mechanism} users ${auth.store}`, view.position(mechanism === 'basic' && inClear ? 'smtpd_tls_auth_only' : 'smtpd_sasl_path'), notes.length > 0 ? notes.join('; ') : undefined);
    }
    if (!anonymousOff) w.line('anonymous', view.position('smtpd_sender_restrictions'));
    if (senderMustMatch) w.line('sender-must-match', view.position('smtpd_sender_restrictions'), 'Postfix compares the sender with the login through smtpd_sender_login_maps');
  });
}

function entries(w: PolicyWriter, list: PolicyEntry[]): void {
  for (const entry of list) w.line(entry.text, entry.origin);
}

async function clientLists(view: ServiceView, context: ReadContext): Promise<{ mode: 'only' | 'except'; list: ListRead; unread: string[]; greetingDelay: number | null }> {
  const restrictions = view.list('smtpd_client_restrictions');
  const list: ListRead = { permitted: [], refused: [], unread: [] };
  let mode: 'only' | 'except' = 'except';
  let greetingDelay: number | null = null;
  for (let i = 0; i < restrictions.length; i++) {
    const item = restrictions[i]!;
    if (item === 'sleep') greetingDelay = Number(restrictions[++i]);
    else if (item === 'reject_unauth_pipelining') continue;
    else if (item === 'check_client_access') {
      const read = await readAccessTable(restrictions[++i] ?? '', view, 'smtpd_client_restrictions', context);
      list.permitted.push(...read.permitted);
      list.refused.push(...read.refused);
      list.unread.push(...read.unread);
    } else if (item === 'permit_mynetworks') {
      const read = await myNetworks(view, context);
      list.permitted.push(...read.permitted);
      list.unread.push(...read.unread);
    } else if (item === 'reject') {
      mode = 'only';
      break;
    } else if (item === 'permit') break;
    else list.unread.push(item);
  }
  return { mode, list, unread: list.unread, greetingDelay };
}

function writeConnections(w: PolicyWriter, view: ServiceView, client: Awaited<ReturnType<typeof clientLists>>): void {
  const chosen = client.mode === 'only' ? client.list.permitted : client.list.refused;
  const ignored = client.mode === 'only' ? client.list.refused : client.list.permitted;
  if (client.mode === 'except' && chosen.length === 0 && client.unread.length === 0) return;
  const notes = [
    ...(client.unread.length > 0 ? [`not read: ${client.unread.join(', ')}`] : []),
    ...(ignored.length > 0 ? [`entries that do not decide in an ${client.mode === 'only' ? 'allow' : 'deny'}-list are left out: ${ignored.map((e) => e.text).join(', ')}`] : []),
    ...(!view.isSet('smtpd_delay_reject') || view.yes('smtpd_delay_reject') ? ['Postfix refuses these clients at RCPT (smtpd_delay_reject = yes), the policy at connect'] : []),
  ];
  w.block(`connections ${client.mode}`, view.position('smtpd_client_restrictions'), () => entries(w, chosen), notes.length > 0 ? notes.join('; ') : undefined);
}

async function writeRelay(w: PolicyWriter, view: ServiceView, context: ReadContext): Promise<void> {
  const items = [...view.list('smtpd_relay_restrictions'), ...view.list('smtpd_recipient_restrictions')];
  const granted: PolicyEntry[] = [];
  const unread: string[] = [];
  let authenticated = false;
  let anyone = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item === 'reject_unauth_destination' || item === 'defer_unauth_destination' || item === 'reject' || item === 'defer') {
      anyone = false;
      break;
    }
    if (item === 'permit') break;
    if (item === 'permit_sasl_authenticated') authenticated = true;
    else if (item === 'permit_mynetworks') {
      const read = await myNetworks(view, context);
      granted.push(...read.permitted);
      unread.push(...read.unread);
    } else if (item === 'check_client_access') {
      const read = await readAccessTable(items[++i] ?? '', view, 'smtpd_relay_restrictions', context);
      granted.push(...read.permitted);
      unread.push(...read.unread);
    } else if (/^(check_\w+_access|check_policy_service|reject_rbl_client|reject_rhsbl_\w+)$/.test(item)) {
      unread.push(`${item} ${items[++i] ?? ''}`);
    } else unread.push(item);
  }
  const at = view.position(view.isSet('smtpd_relay_restrictions') ? 'smtpd_relay_restrictions' : 'smtpd_recipient_restrictions');
  const note = unread.length > 0 ? `not read: ${unread.join(', ')}` : undefined;
  w.block('relay', at, () => {
    if (anyone) w.line('anyone', at, 'no reject_unauth_destination: Postfix relays for every client');
    if (authenticated) w.line('authenticated', view.position('smtpd_relay_restrictions'));
    entries(w, granted);
  }, note);
}

function writeLimits(w: PolicyWriter, view: ServiceView, greetingDelay: number | null): void {
  w.block('limits', view.service.position, () => {
    w.line(`message-size ${view.get('message_size_limit')}`, view.position('message_size_limit'));
    w.line(`recipients ${view.get('smtpd_recipient_limit')}`, view.position('smtpd_recipient_limit'));
    const maxproc = view.service.maxproc === '-' ? view.get('default_process_limit') : view.service.maxproc;
    w.line(`connections ${maxproc}`, view.service.position, 'Postfix counts processes per service; more clients wait in the listen queue');
    const perAddress = view.get('smtpd_client_connection_count_limit');
    if (perAddress !== '0') w.line(`connections-per-address ${perAddress}`, view.position('smtpd_client_connection_count_limit'), 'anvil counts per IP address, the policy per /24 or /64');
    const timeout = view.get('smtpd_timeout').replace(/s$/, '');
    if (/^\d+$/.test(timeout)) w.line(`idle-timeout ${timeout}s`, view.position('smtpd_timeout'));
    if (greetingDelay !== null && Number.isInteger(greetingDelay)) w.line(`greeting-delay ${greetingDelay}s`, view.position('smtpd_client_restrictions'));
    const auth = view.get('smtpd_client_auth_rate_limit');
    if (/^[1-9]\d*$/.test(auth)) w.line(`auth-failures ${auth}`, view.position('smtpd_client_auth_rate_limit'), 'anvil counts AUTH commands per client address, not failed logins');
  });
}

export async function writeServer(
  w: PolicyWriter,
  group: ServerGroup,
  auth: AuthFacts | null,
  localDomains: { domains: string[]; origin: PostfixPosition; note?: string; recipientsChecked: boolean },
  context: ReadContext,
  relayTo: (w: PolicyWriter) => void,
): Promise<void> {
  const view = group.views[0]!;
  w.open(`server ${group.name}`, view.service.position);
  writeListen(w, group);
  const host = view.get('myhostname');
  w.line(`hostname ${host || machineName()}`, view.position('myhostname'), host ? undefined : "Postfix's default: this machine's name");
  const banner = view.get('smtpd_banner');
  const prefix = `${host} ESMTP`;
  if (banner.startsWith(prefix) && banner.length > prefix.length) w.line(`banner ${quote(banner.slice(prefix.length).trim())}`, view.position('smtpd_banner'));
  const tls = writeTls(w, view);
  const client = await clientLists(view, context);
  writeConnections(w, view, client);
  writeAuth(w, view, auth, tls);
  await writeRelay(w, view, context);
  if (localDomains.domains.length > 0) {
    if (localDomains.recipientsChecked) {
      w.comment('smtppolicy-ignore local-domain-without-recipients -- Postfix refuses unknown recipients (local_recipient_maps, virtual_mailbox_maps); import does not copy those tables into recipients blocks', localDomains.origin);
    }
    w.line(`local-domains ${localDomains.domains.join(', ')}`, localDomains.origin, localDomains.note);
  }
  relayTo(w);
  writeLimits(w, view, client.greetingDelay);
  if (!view.yes('smtpd_forbid_bare_newline')) w.line('allow-bare-newlines', view.position('smtpd_forbid_bare_newline'));
  if (view.get('smtpd_upstream_proxy_protocol')) w.comment('not imported: smtpd_upstream_proxy_protocol trusts a PROXY header from every peer; the policy trusts only proxy-protocol { … } addresses', view.position('smtpd_upstream_proxy_protocol'));
  w.close(view.service.position);
}
