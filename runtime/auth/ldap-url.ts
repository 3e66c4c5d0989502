// What an LDAP URL says about the connection: TLS from the start (`ldaps://`) or not, and
// whether it stays on this host (a loopback address literal). The compiler's lint rules and
// the runtime's store read URLs here, so "is this a cleartext connection to another host"
// has one answer.
import { parseServiceUrl } from '../../net/service-url.js';

export interface LdapUrl {
  /** `ldaps://`: TLS from the first byte. */
  ldaps: boolean;
  /** The host as written, without IPv6 brackets. */
  host: string;
  port: number;
  /** The host is a loopback address literal (127.0.0.0/8, ::1); a name never counts. */
  loopback: boolean;
}

/** The parts of `ldap://HOST[:PORT]` or `ldaps://HOST[:PORT]`, or what is wrong with it. */
export function parseLdapUrl(text: string): LdapUrl | { error: string } {
  const parsed = parseServiceUrl(text, 'ldap', 'ldaps://dc.example.com:636');
  if ('error' in parsed) return parsed;
  const { url, tls, host, loopback } = parsed;
  if (host === '') return { error: 'the URL names no host' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { error: 'expected only a scheme, a host and a port: the base DN, filter and credentials are settings of their own' };
  }
  return { ldaps: tls, host, port: url.port === '' ? (tls ? 636 : 389) : Number(url.port), loopback };
}

/** Why a directory connection would carry passwords in clear, or null when it would not. */
export function cleartextProblem(url: LdapUrl, startTls: boolean, cleartextLoopback: boolean): string | null {
  if (url.ldaps || startTls) return null;
  if (!url.loopback) return `ldap://${url.host} without starttls sends the bind passwords (the users' too) in clear: use ldaps:// or starttls`;
  if (!cleartextLoopback) return `ldap://${url.host} without starttls sends the bind passwords in clear: use ldaps:// or starttls, or write cleartext-loopback to allow it on this host`;
  return null;
}
