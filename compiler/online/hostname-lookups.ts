// What `lint --online` learns from DNS before the rules run: the A/AAAA records of every
// server's hostname, asked of the resolver the policy names (or the system's), the way the
// article's *Check DNS* button asked. Rules stay synchronous functions of what they are
// given; only this step touches the network, and only when the user asked for it.
import { createDnsResolver } from '../../runtime/dns/dns-resolver.js';
import { addressesOf } from '../../runtime/dns/mail-exchangers.js';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { probeDirectories, type DirectoryReach } from './directory-probes.js';

export type HostnameLookup =
  | { kind: 'addresses'; addresses: string[] }
  /** The name has no A or AAAA record (or does not exist). */
  | { kind: 'none' }
  /** The resolver did not answer (timeout, refused, SERVFAIL): nothing can be said. */
  | { kind: 'unreachable'; reason: string };

export interface OnlineFacts {
  /** The resolver that was asked, as a reader would name it. */
  resolver: string;
  hostnames: ReadonlyMap<string, HostnameLookup>;
  /** By directory store name: whether its host resolves and accepts a connection (directory-probes.ts). */
  directories?: ReadonlyMap<string, DirectoryReach>;
}

export async function lookUpHostnames(config: RuntimeConfig): Promise<OnlineFacts> {
  const resolver = createDnsResolver(config.resolver);
  const names = [...new Set(config.servers.map((s) => s.hostname).filter((h) => h !== ''))];
  const hostnames = new Map<string, HostnameLookup>();
  const directories = probeDirectories(config);
  await Promise.all(
    names.map(async (name) => {
      const found = await addressesOf(resolver, name);
      hostnames.set(name, 'error' in found ? { kind: 'unreachable', reason: found.error } : found.addresses.length > 0 ? { kind: 'addresses', addresses: found.addresses } : { kind: 'none' });
    }),
  );
  const servers = resolver.getServers();
  return {
    resolver: config.resolver.servers.length > 0 ? `the resolver ${config.resolver.servers.join(', ')}` : `the system resolver (${servers.join(', ') || 'none configured'})`,
    hostnames,
    directories: await directories,
  };
}
