// The cost of deciding whether a recipient exists in the directory (slapd on loopback,
// StartTLS, the service account's search as runtime/recipients does it): one lookup at a
// time, with mailbox-cache 0s (every recipient searches the directory) against the default
// mailbox-cache 1m (after the first answer, the cache); and a group of 10 members, uncached
// (its search, then one read per member). Needs slapd (Debian: apt-get install slapd);
// skipped without it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DirectoryStore } from '../runtime/auth/directory-store.js';
import type { LdapConfig } from '../runtime/config/types.js';
import { DirectoryMailboxes } from '../runtime/recipients/index.js';
import { launchSlapd, SUFFIX } from '../test/helpers/slapd.js';
import { toolPath } from '../test/helpers/tools.js';
import { printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';

const HOST = '127.0.21.50';
const MAILBOXES = 100;

/** Microseconds per lookup, one at a time (a session asks for its recipients in turn). */
async function microsPerLookup(mailboxes: DirectoryMailboxes, addresses: string[], count: number): Promise<number> {
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    const answer = await mailboxes.lookup(addresses[n % addresses.length]!);
    if (answer.kind === 'none') throw new Error(`${addresses[n % addresses.length]} not found`);
  }
  return ((performance.now() - start) * 1000) / count;
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const slapd = toolPath('slapd');
  if (!slapd) {
    console.error('directory-recipients: slapd is not installed (apt-get install slapd): skipped');
    return [];
  }
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-slapd-'));
  const directory = await launchSlapd(slapd, dir, HOST);
  try {
    const service = await directory.addService('smtp', 'service-secret');
    const dns: string[] = [];
    for (let n = 0; n < MAILBOXES; n++) dns.push(await directory.addMailbox(`user${n}`, { mail: `user${n}@example.test` }));
    await directory.addGroup('team', dns.slice(0, 10), 'team@example.test');
    const config: LdapConfig = {
      url: directory.url, bindDn: service, bindPassword: { env: 'BIND' }, base: SUFFIX, filter: '(uid={login})',
      caFile: directory.certificate.certPath, startTls: true, cleartextLoopback: false, timeoutMs: 10_000, pool: 4, mailboxCacheMs: 60_000,
    };
    const store = new DirectoryStore('staff', config, { baseDir: dir, env: { BIND: 'service-secret' } });
    await store.load();
    try {
      const addresses = dns.map((_, n) => `user${n}@example.test`);
      const count = options.quick ? 200 : 2000;
      const uncached = new DirectoryMailboxes(store, { base: SUFFIX, ttlMs: 0 });
      await microsPerLookup(uncached, addresses, 20); // warm up: the connection opened, StartTLS done
      const searched = await microsPerLookup(uncached, addresses, count);
      const cached = new DirectoryMailboxes(store, { base: SUFFIX, ttlMs: 60_000 });
      await microsPerLookup(cached, addresses, addresses.length); // every address answered once
      const hit = await microsPerLookup(cached, addresses, count * 10);
      const group = await microsPerLookup(uncached, ['team@example.test'], options.quick ? 50 : 300);
      return [
        { name: 'recipient lookup, mailbox-cache 1m (answered from the cache)', value: hit, unit: 'µs/lookup', reference: { name: 'mailbox-cache 0s (a directory search each)', value: searched } },
        { name: 'recipient lookup of a group of 10, uncached (search + 10 reads)', value: group, unit: 'µs/lookup', reference: { name: 'one mailbox, uncached', value: searched } },
      ];
    } finally {
      store.close();
    }
  } finally {
    await directory.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 0);
