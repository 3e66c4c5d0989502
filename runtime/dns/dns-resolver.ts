// The one way the server builds a DNS resolver: Node's c-ares resolver, pointed at the
// policy's `resolver { servers … }` (the article's "external DNS servers"), or at the
// system's when the policy names none. Reverse lookups for connection decisions and the
// MX, address, TXT lookups of direct delivery all ask the servers the policy names.
import { promises as dnsPromises } from 'node:dns';
import type { ResolverConfig } from '../config/types.js';
import { toResolverServer } from './resolver-servers.js';

export type DnsResolver = InstanceType<typeof dnsPromises.Resolver>;

export function createDnsResolver(config: ResolverConfig): DnsResolver {
  // one try: the caller's own deadline and retries (a deferred delivery, a 4xx) handle the rest
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, config.timeoutMs), tries: 1 });
  if (config.servers.length > 0) resolver.setServers(config.servers.map(toResolverServer));
  return resolver;
}

/** c-ares codes for "the name or the record does not exist": an answer, not an outage. */
export const NO_DATA_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ENODATA']);

export function dnsErrorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
