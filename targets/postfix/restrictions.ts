// A server's SMTP restrictions: who may connect (smtpd_client_restrictions, evaluated at
// connect because the service sets smtpd_delay_reject=no), who may send (sender
// restrictions: anonymous access, sender ownership) and who may relay (relay restrictions,
// ending in reject_unauth_destination unless the policy is an open relay). Each list is
// what runtime/policy decides at the same stage, in the same order.
import type { ServerConfig } from '../../runtime/config/types.js';
import { tableFiles, tableRef } from './names.js';
import type { ListTables } from './tables.js';

export function clientRestrictions(server: ServerConfig, tables: ListTables): string[] {
  const restrictions: string[] = [];
  // The pre-greeting test Postfix documents: wait, then refuse a client that talked first.
  if (server.limits.greetingDelayMs > 0) restrictions.push(`sleep ${Math.ceil(server.limits.greetingDelayMs / 1000)}`, 'reject_unauth_pipelining');
  if (tables.cidr !== null) restrictions.push(`check_client_access ${tableRef('cidr', tableFiles.connections(server))}`);
  if (tables.domains !== null) restrictions.push(`check_client_access ${tableRef('texthash', tableFiles.connectionDomains(server))}`);
  // An allow-list ends in reject (a client no entry admitted); a deny-list in permit.
  restrictions.push(server.connections.mode === 'allow-list' ? 'reject' : 'permit');
  return restrictions;
}

/** The reply runtime/policy gives when anonymous access is off (replies.authRequired). */
export const AUTH_REQUIRED = 'static:{530 5.7.0 Authentication required}';

export function senderRestrictions(server: ServerConfig): string[] {
  const restrictions: string[] = [];
  if (server.auth.senderMustMatch) restrictions.push('reject_authenticated_sender_login_mismatch');
  if (!server.auth.anonymous) restrictions.push('permit_sasl_authenticated', `check_sender_access ${AUTH_REQUIRED}`);
  else restrictions.push('permit');
  return restrictions;
}

export function relayRestrictions(server: ServerConfig, tables: ListTables): string[] {
  if (server.relay.anyone) return ['permit'];
  const restrictions: string[] = [];
  if (server.relay.authenticated) restrictions.push('permit_sasl_authenticated');
  if (tables.cidr !== null) restrictions.push(`check_client_access ${tableRef('cidr', tableFiles.relay(server))}`);
  if (tables.domains !== null) restrictions.push(`check_client_access ${tableRef('texthash', tableFiles.relayDomains(server))}`);
  restrictions.push('reject_unauth_destination');
  return restrictions;
}
