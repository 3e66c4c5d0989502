// One server of the policy in smtpd.conf: its tables, the connect-phase filter of its
// connection lists, a `listen on` per listener (tagged with the server's name), its local
// and relay actions and the `match` rules that choose between them. OpenSMTPD takes the
// first rule that matches an envelope and refuses a recipient no rule matches (550), so the
// rules are: local recipients, then routes and the relay for each relay grant. Connection
// control runs at connect (a filter that answers instead of the greeting, as
// runtime/policy/connect.ts does); TLS before MAIL and login before MAIL are listener options.
import type { AddressItem, ListenConfig, ServerConfig } from '../../runtime/config/types.js';
import type { MailboxSnapshot } from '../mailboxes.js';
import { inlineTable, q, serverNames } from './names.js';
import { localRecipients } from './recipients.js';

export interface OpenSmtpdServer {
  /** Declarations that come before any listener: tables, pki, filters. */
  declarations: string[];
  listeners: string[];
  actions: string[];
  matches: string[];
  /** Extra files by name (the smart host's credentials). */
  files: Map<string, string>;
}

export interface ServerContext {
  absolute: (path: string) => string;
  mailboxes: MailboxSnapshot;
  deliveryUser: string;
  maildir: string;
}

/** The runtime's refusal of a client its connection lists do not admit (replies.accessDenied). */
const ACCESS_DENIED = '554 5.7.1 Access denied';

function cidrs(entries: readonly AddressItem[]): string[] {
  return entries.flatMap((item) => (item.kind === 'cidr' ? [item.cidr] : []));
}

function domains(entries: readonly AddressItem[]): string[] {
  return entries.flatMap((item) => (item.kind === 'domain' ? [item.domain.toLowerCase().replace(/\.$/, '')] : []));
}

/**
 * The connect-phase filters, chained: an allow-list lets a client an entry admits bypass the
 * rest and refuses everyone else; a deny-list refuses a client an entry names. (One filter
 * rule holds one condition, so "no entry admits it" is a bypass per kind, then a refusal.)
 */
function connectionFilter(server: ServerConfig, declarations: string[]): string | null {
  const names = serverNames(server.name);
  const addresses = cidrs(server.connections.entries);
  const hostnames = domains(server.connections.entries);
  if (addresses.length > 0) declarations.push(inlineTable(names.connections, addresses));
  if (hostnames.length > 0) declarations.push(inlineTable(names.connectionDomains, hostnames));
  const allow = server.connections.mode === 'allow-list';
  const filters: string[] = [];
  const filter = (suffix: string, condition: string, decision: string) => {
    const name = `${names.connectionFilter}${suffix}`;
    declarations.push(`filter ${q(name)} phase connect match ${condition} ${decision}`);
    filters.push(name);
  };
  const refuse = `disconnect ${q(ACCESS_DENIED)}`;
  const decision = allow ? 'bypass' : refuse;
  if (addresses.length > 0) filter('-addresses', `src <${names.connections}>`, decision);
  if (hostnames.length > 0) filter('-domains', `rdns <${names.connectionDomains}>`, decision);
  if (allow) {
    declarations.push(inlineTable(names.everyone, ['0.0.0.0/0', '::/0']));
    filter('-others', `src <${names.everyone}>`, refuse);
  }
  if (filters.length === 0) return null;
  if (filters.length === 1) return filters[0]!;
  declarations.push(`filter ${q(names.connectionFilter)} chain { ${filters.map(q).join(', ')} }`);
  return names.connectionFilter;
}

/**
 * Whether OpenSMTPD can offer this server's logins: it offers AUTH only over TLS (smtpd
 * refuses `auth` on a listener without `tls`/`smtps`: "auth requires tls/smtps"), so a
 * server without TLS offers none (translate.ts reports the policy's as unsupported).
 */
export function offersLogin(server: ServerConfig): boolean {
  return server.tls !== null && server.auth.mechanisms.some((m) => m.mechanism !== 'XOAUTH2');
}

function listenLine(server: ServerConfig, listen: ListenConfig, filter: string | null): string {
  const names = serverNames(server.name);
  const parts = [`listen on ${listen.address} port ${listen.port}`, `hostname ${q(server.hostname)}`, `tag ${q(names.tag)}`];
  const tls = server.tls;
  if (tls !== null) {
    if (listen.tlsMode === 'implicit') parts.push('smtps');
    else parts.push(tls.mode === 'required' ? 'tls-require' : 'tls');
    parts.push(`pki ${q(server.hostname)}`);
  }
  const store = offersLogin(server) ? server.auth.mechanisms.find((m) => m.mechanism !== 'XOAUTH2')?.userStore : undefined;
  if (store) parts.push(`${server.auth.anonymous ? 'auth-optional' : 'auth'} <${store}>`);
  if (filter !== null) parts.push(`filter ${q(filter)}`);
  return parts.join(' ');
}

/** `smtp://host:port`, an IPv6 address in brackets. */
function url(scheme: string, host: string, port: number, label?: string): string {
  const at = label ? `${label}@` : '';
  return `${scheme}://${at}${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function relayAction(server: ServerConfig, files: Map<string, string>, declarations: string[], context: ServerContext): string {
  const names = serverNames(server.name);
  const helo = `helo ${q(server.hostname)}`;
  const target = server.relayTo;
  if (target.kind === 'direct') return `action ${q(names.relayAction)} relay ${helo}`;
  // a closed port on loopback: relayed mail stays queued and is retried (OpenSMTPD cannot hold)
  if (target.kind === 'hold') return `action ${q(names.relayAction)} relay host ${q(url('smtp+notls', '127.0.0.1', 9))} ${helo}`;
  const scheme = target.tls === 'none' ? 'smtp+notls' : target.tls === 'optional' ? 'smtp' : 'smtp+tls';
  const options = [helo];
  if (target.tls === 'required' && !target.verifyCertificate) options.push('tls no-verify');
  let label: string | undefined;
  if (target.user !== null) {
    label = 'smarthost';
    const secret = target.password === null ? '' : 'env' in target.password ? `REPLACE-WITH-$${target.password.env}` : `REPLACE-WITH-THE-CONTENT-OF-${target.password.file}`;
    const file = names.smarthostSecrets;
    files.set(file, `# the smart host's login (OpenSMTPD reads the secret from this file only): LABEL USER:PASSWORD\n${label} ${target.user}:${secret}\n`);
    declarations.push(`table ${q(names.smarthostSecrets)} file:${context.absolute(file)}`);
    options.push(`auth <${names.smarthostSecrets}>`);
  }
  return `action ${q(names.relayAction)} relay host ${q(url(scheme, target.host, target.port, label))} ${options.join(' ')}`;
}

export function translateServer(server: ServerConfig, context: ServerContext): OpenSmtpdServer {
  const names = serverNames(server.name);
  const declarations: string[] = [`# server ${server.name} (${server.source})`];
  const files = new Map<string, string>();
  // OpenSMTPD picks the pki whose name is the client's SNI name (a handshake with a name no
  // pki has fails): the default certificate is named after the hostname, the others after
  // the names they serve
  for (const [index, certificate] of (server.tls?.certificates ?? []).entries()) {
    const pkiNames = index === 0 ? [server.hostname, ...certificate.serverNames] : certificate.serverNames;
    for (const name of pkiNames) declarations.push(`pki ${q(name)} cert ${q(context.absolute(certificate.certificate))}`, `pki ${q(name)} key ${q(context.absolute(certificate.key))}`);
  }
  const filter = connectionFilter(server, declarations);

  const recipients = localRecipients(server, context.mailboxes, context.deliveryUser);
  declarations.push(inlineTable(names.recipients, recipients.listed), inlineTable(names.virtual, recipients.virtual));
  if (recipients.anyLocalPart.length > 0) declarations.push(inlineTable(names.anyLocalPart, recipients.anyLocalPart));
  const relayCidrs = cidrs(server.relay.entries);
  const relayDomains = domains(server.relay.entries);
  if (relayCidrs.length > 0) declarations.push(inlineTable(names.relay, relayCidrs));
  if (relayDomains.length > 0) declarations.push(inlineTable(names.relayDomains, relayDomains));

  const maildir = `${context.absolute(context.maildir)}/%{dest.domain:lowercase}/%{dest.user:lowercase}`;
  const actions = [`action ${q(names.localAction)} maildir ${q(maildir)} virtual <${names.virtual}>`, relayAction(server, files, declarations, context)];
  const routes = server.routes ?? [];
  routes.forEach((route, index) => actions.push(`action ${q(names.routeAction(index))} relay host ${q(url('smtp', route.host, route.port))} helo ${q(server.hostname)}`));

  const tag = `tag ${q(names.tag)}`;
  const matches = [`# server ${server.name}: local recipients, then relaying for each grant (first match wins; no match: 550)`];
  // Only logged-in clients may send, and none can log in (no mechanism OpenSMTPD offers, or
  // no TLS: see offersLogin): every recipient is refused, as no client could ever meet the
  // policy's condition (translate.ts reports the refusal at RCPT instead of MAIL).
  if (!server.auth.anonymous && !offersLogin(server)) matches.push(`match from any ${tag} for any reject`);
  matches.push(`match from any ${tag} for rcpt-to <${names.recipients}> action ${q(names.localAction)}`);
  if (recipients.anyLocalPart.length > 0) matches.push(`match from any ${tag} for domain <${names.anyLocalPart}> action ${q(names.localAction)}`);
  // Any other local part of a local domain is refused here, before the relay rules: a client
  // allowed to relay must not have an unknown local recipient relayed (`for any` matches
  // local domains too), as runtime/policy refuses it at RCPT whoever asks.
  if (server.localDomains.length > 0) {
    declarations.push(inlineTable(names.localDomains, [...new Set(server.localDomains.map((d) => d.domain.toLowerCase().replace(/\.$/, '')))]));
    matches.push(`match from any ${tag} for domain <${names.localDomains}> reject`);
  }
  const grants = server.relay.anyone
    ? ['from any']
    : [...(server.relay.authenticated ? ['from auth'] : []), ...(relayCidrs.length > 0 ? [`from src <${names.relay}>`] : []), ...(relayDomains.length > 0 ? [`from rdns <${names.relayDomains}>`] : [])];
  for (const grant of grants) {
    routes.forEach((route, index) => matches.push(`match ${grant} ${tag} for domain ${q(route.domain)} action ${q(names.routeAction(index))}`));
    matches.push(`match ${grant} ${tag} for any action ${q(names.relayAction)}`);
  }
  return { declarations, listeners: server.listen.map((listen) => listenLine(server, listen, filter)), actions, matches, files };
}
