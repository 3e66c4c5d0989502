// The common part of the URLs a policy names for a service it connects to (`ldap[s]://`,
// `redis[s]://`): the scheme, which says TLS from the first byte or not, WHATWG URL parsing,
// the host without IPv6 brackets, and whether the host is a loopback address literal. Each
// service's parser (runtime/auth/ldap-url.ts, runtime/state/redis/redis-url.ts) checks the
// parts that service allows on top, so "is this cleartext to another host" has one answer.
import { addressKind } from './address-kind.js';
import { parseAddress } from './ip.js';

export interface ServiceUrl {
  /** The parsed URL, for the parts a service's own parser checks (port, path, credentials). */
  url: URL;
  /** The TLS scheme (`ldaps://`, `rediss://`): TLS from the first byte. */
  tls: boolean;
  /** The host as written, without IPv6 brackets; empty when the URL names none. */
  host: string;
  /** The host is a loopback address literal (127.0.0.0/8, ::1); a name never counts. */
  loopback: boolean;
}

/**
 * Parses `text` as a URL of the service whose schemes are `plain` and `plain + 's'` (TLS).
 * `example` is a well-formed URL of the service, named in the error for text that is not one.
 */
export function parseServiceUrl(text: string, plain: string, example: string): ServiceUrl | { error: string } {
  const scheme = new RegExp(`^(${plain}s?)://`, 'i').exec(text);
  if (!scheme) return { error: `expected a URL starting with ${plain}s:// or ${plain}://` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `expected a URL like ${example}` };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const address = parseAddress(host);
  return {
    url,
    tls: scheme[1]!.toLowerCase() === `${plain}s`,
    host,
    loopback: address !== undefined && addressKind(address.bytes) === 'loopback',
  };
}
