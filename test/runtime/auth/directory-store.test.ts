// The directory store's bounds without a directory: a server that accepts the connection
// and never answers costs a login its timeout and no more (454, not a hang); an empty
// password never reaches the network; the pool never opens more than its size and gives
// up waiting at the caller's deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Client } from 'ldapts';
import { DirectoryStore } from '../../../runtime/auth/directory-store.js';
import { LdapPool } from '../../../runtime/auth/ldap-pool.js';
import { DirectoryUnavailableError } from '../../../runtime/auth/user-store.js';
import type { LdapConfig } from '../../../runtime/config/types.js';

const HOST = '127.0.73.1';

function config(url: string, timeoutMs: number): LdapConfig {
  return { url, bindDn: 'cn=smtp,dc=example,dc=test', bindPassword: { env: 'BIND' }, base: 'dc=example,dc=test', filter: '(uid={login})', caFile: null, startTls: false, cleartextLoopback: true, timeoutMs, pool: 2, mailboxCacheMs: 60_000 };
}

/** A TCP server on loopback that reads everything and answers nothing; counts connections. */
async function silentServer(t: { after: (fn: () => unknown) => void }): Promise<{ url: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { url: `ldap://${HOST}:${(server.address() as { port: number }).port}`, connections: () => sockets.length };
}

test('a directory that never answers fails the login as unavailable within its timeout', async (t) => {
  const silent = await silentServer(t);
  const store = new DirectoryStore('staff', config(silent.url, 300), { baseDir: '/', env: { BIND: 'secret' } });
  await store.load();
  t.after(() => store.close());
  const started = performance.now();
  await assert.rejects(store.verify('alice', 'alice-password'), (error: Error) => error instanceof DirectoryUnavailableError && /no answer within 300 ms/.test(error.message));
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 290 && elapsed < 2000, `took ${Math.round(elapsed)} ms`);
});

test('an empty password or user name is wrong without asking the directory', async (t) => {
  const silent = await silentServer(t);
  const store = new DirectoryStore('staff', config(silent.url, 300), { baseDir: '/', env: { BIND: 'secret' } });
  await store.load();
  t.after(() => store.close());
  assert.equal(await store.verify('alice', ''), null);
  assert.equal(await store.verify('', 'alice-password'), null);
  assert.equal(silent.connections(), 0);
});

test('a cleartext bind to another host is refused when the store is made', () => {
  assert.throws(() => new DirectoryStore('staff', { ...config('ldap://dc.example.test', 300), cleartextLoopback: false }, { baseDir: '/', env: {} }), /without starttls sends the bind passwords/);
  assert.throws(() => new DirectoryStore('staff', config('ldap://dc.example.test', 300), { baseDir: '/', env: {} }), /in clear/);
});

test('the pool opens at most its size, hands a returned connection to the next in line, and stops waiting at the deadline', async () => {
  let opened = 0;
  const fake = () => ({ isConnected: true, unbind: async () => {} }) as unknown as Client;
  const pool = new LdapPool(1, async () => {
    opened++;
    return fake();
  });
  let release!: () => void;
  const held = pool.with(new AbortController().signal, () => new Promise<void>((resolve) => (release = resolve)));
  await new Promise((resolve) => setImmediate(resolve));
  const deadline = new AbortController();
  const waiting = pool.with(deadline.signal, async () => 'second');
  const timedOut = new AbortController();
  const givenUp = pool.with(timedOut.signal, async () => 'never');
  timedOut.abort();
  await assert.rejects(givenUp, /no free connection/);
  release();
  await held;
  assert.equal(await waiting, 'second');
  assert.equal(opened, 1);
});

test('a failed login drops the connection and every idle one (after StartTLS the library misses a closed connection)', async () => {
  const clients: { unbound: boolean }[] = [];
  const pool = new LdapPool(2, async () => {
    const state = { unbound: false };
    clients.push(state);
    return { isConnected: true, unbind: async () => void (state.unbound = true) } as unknown as Client;
  });
  const signal = new AbortController().signal;
  let release!: () => void;
  const first = pool.with(signal, () => new Promise<void>((resolve) => (release = resolve)));
  await new Promise((resolve) => setImmediate(resolve));
  await assert.rejects(pool.with(signal, async () => { throw new Error('socket closed'); }));
  release();
  await first; // returned to the pool, idle
  await assert.rejects(pool.with(signal, async () => { throw new Error('socket closed'); }));
  assert.deepEqual(clients.map((c) => c.unbound), [true, true]);
});
