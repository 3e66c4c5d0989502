// What `lint --online` learns about each directory store's host before the rules run: does
// the name resolve (the policy's resolver, as for the servers' hostnames), and does
// something accept a TCP connection at its port? Only reachability: no TLS handshake, no
// bind (lint holds no bind password and must not send one), so a wrong CA or account still
// shows only when the server or `smtppolicy users test` talks to the directory.
import { isIP, Socket } from 'node:net';
import { createDnsResolver } from '../../runtime/dns/dns-resolver.js';
import { addressesOf } from '../../runtime/dns/mail-exchangers.js';
import { isDirectoryStore, type RuntimeConfig } from '../../runtime/config/types.js';
import { parseLdapUrl } from '../../runtime/auth/ldap-url.js';

export type DirectoryReach =
  | { kind: 'reachable'; address: string }
  /** The host name has no A or AAAA record (or does not exist). */
  | { kind: 'no-address'; host: string }
  /** No address of the host accepted a connection at the port within the time. */
  | { kind: 'unreachable'; host: string; port: number; reason: string }
  /** The resolver did not answer: nothing can be said. */
  | { kind: 'unknown'; reason: string };

/** A connection attempt waits at most this long (or the store's timeout, if shorter). */
const CONNECT_LIMIT_MS = 5000;

/** By store name: what the directory's URL leads to. */
export async function probeDirectories(config: RuntimeConfig): Promise<Map<string, DirectoryReach>> {
  const stores = config.userStores.filter(isDirectoryStore);
  const probes = new Map<string, DirectoryReach>();
  if (stores.length === 0) return probes;
  const resolver = createDnsResolver(config.resolver);
  await Promise.all(
    stores.map(async (store) => {
      const url = parseLdapUrl(store.ldap.url);
      if ('error' in url) return; // a semantic error already
      let addresses: string[];
      if (isIP(url.host)) addresses = [url.host];
      else {
        const found = await addressesOf(resolver, url.host);
        if ('error' in found) return probes.set(store.name, { kind: 'unknown', reason: found.error });
        if (found.addresses.length === 0) return probes.set(store.name, { kind: 'no-address', host: url.host });
        addresses = found.addresses;
      }
      const timeout = Math.min(store.ldap.timeoutMs, CONNECT_LIMIT_MS);
      const reasons: string[] = [];
      for (const address of addresses) {
        const problem = await tryConnect(address, url.port, timeout);
        if (problem === null) return probes.set(store.name, { kind: 'reachable', address });
        reasons.push(`${address}: ${problem}`);
      }
      return probes.set(store.name, { kind: 'unreachable', host: url.host, port: url.port, reason: reasons.join('; ') });
    }),
  );
  return probes;
}

/** null when a TCP connection opened (it is closed at once), else why not. */
function tryConnect(address: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (problem: string | null): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.connect({ host: address, port }, () => done(null));
  });
}
