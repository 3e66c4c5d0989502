// What a Redis URL of the policy's `state` block says: TLS from the start (`rediss://`) or
// not, the host and database, and whether it stays on this host (a loopback address
// literal). The compiler's checks, the lint rule and the runtime read URLs here, so "is
// this a cleartext connection to another host" has one answer.
import { parseServiceUrl } from '../../../net/service-url.js';

export interface RedisUrl {
  /** `rediss://`: TLS from the first byte. */
  tls: boolean;
  /** The host as written, without IPv6 brackets. */
  host: string;
  port: number;
  db: number;
  /** The host is a loopback address literal (127.0.0.0/8, ::1); a name never counts. */
  loopback: boolean;
}

/** The parts of `redis[s]://HOST[:PORT][/DB]`, or what is wrong with it. */
export function parseRedisUrl(text: string): RedisUrl | { error: string } {
  const parsed = parseServiceUrl(text, 'redis', 'rediss://redis.example.com:6380/0');
  if ('error' in parsed) return parsed;
  const { url, tls, host, loopback } = parsed;
  // the policy (and the compiled config) are read by more people than the secret should be
  if (url.password !== '' || url.username !== '') return { error: 'a password (or user) in the URL would be written in the policy: use password env NAME or password file "PATH"' };
  if (host === '') return { error: 'the URL names no host' };
  const db = /^\/?(\d*)$/.exec(url.pathname);
  if (!db || url.search !== '' || url.hash !== '') return { error: 'expected only a scheme, a host, a port and a database number like /0' };
  return { tls, host, port: url.port === '' ? 6379 : Number(url.port), db: db[1] === '' ? 0 : Number(db[1]), loopback };
}
