// Logins per second against a real OpenLDAP (slapd on loopback, StartTLS, service search
// then user bind, as the server checks PLAIN and LOGIN): 16 logins at a time with the
// default pool of 4 connections, against a pool of 1 (the reference: every login waits
// for the one connection). Needs slapd (Debian: apt-get install slapd); skipped without it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DirectoryStore } from '../runtime/auth/directory-store.js';
import type { LdapConfig } from '../runtime/config/types.js';
import { launchSlapd, SUFFIX } from '../test/helpers/slapd.js';
import { toolPath } from '../test/helpers/tools.js';
import { printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';

const HOST = '127.0.72.1';
const USERS = 20;

async function loginsPerSecond(store: DirectoryStore, count: number, parallel: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const n = next++ % USERS;
        if ((await store.verify(`user${n}`, `password-${n}`)) === null) throw new Error(`user${n} did not log in`);
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const slapd = toolPath('slapd');
  if (!slapd) {
    console.error('directory-login: slapd is not installed (apt-get install slapd): skipped');
    return [];
  }
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-slapd-'));
  const directory = await launchSlapd(slapd, dir, HOST);
  try {
    const service = await directory.addService('smtp', 'service-secret');
    for (let n = 0; n < USERS; n++) await directory.addUser(`user${n}`, `password-${n}`);
    const config = (pool: number): LdapConfig => ({
      url: directory.url, bindDn: service, bindPassword: { env: 'BIND' }, base: `ou=people,${SUFFIX}`, filter: '(uid={login})',
      caFile: directory.certificate.certPath, startTls: true, cleartextLoopback: false, timeoutMs: 10_000, pool, mailboxCacheMs: 60_000,
    });
    const count = options.quick ? 200 : 1000;
    const measure = async (pool: number): Promise<number> => {
      const store = new DirectoryStore(`pool${pool}`, config(pool), { baseDir: dir, env: { BIND: 'service-secret' } });
      await store.load();
      try {
        await loginsPerSecond(store, 20, 4); // warm up: connections opened, StartTLS done
        return await loginsPerSecond(store, count, 16);
      } finally {
        store.close();
      }
    };
    const single = await measure(1);
    const pooled = await measure(4);
    return [{ name: 'directory logins, 16 at a time, pool 4', value: pooled, unit: 'logins/s', reference: { name: 'pool 1', value: single } }];
  } finally {
    await directory.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 0);
