// The Redis shared state, in one process against a real redis-server: each RedisSharedState
// below stands for one process of its own host (its own connection, its own slot ids), as
// two hosts behind a load balancer are. The limits hold across them exactly, the login
// throttle and rate counts are shared, a crashed process's slots expire with their lease,
// and Redis going away is what the policy's `on-unreachable` says, then restored.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { LocalSharedState, SharedStateUnavailableError, type SharedLimitNumbers } from '../../../../runtime/state/index.js';
import { RedisBackend } from '../../../../runtime/state/redis/redis-backend.js';
import { dropProcessLeases } from '../../../../runtime/state/redis/redis-lease.js';
import { RedisSharedState, type FallbackDecision, type OnUnreachable } from '../../../../runtime/state/redis/redis-shared-state.js';
import { startRedis, type RedisFixture } from '../../../helpers/redis.js';

const LIMITS: SharedLimitNumbers = { maxConnections: 100, maxConnectionsPerAddress: 5, idleTimeoutMs: 300_000, authFailures: 3, authFailureWindowMs: 900_000 };

interface Host {
  state: RedisSharedState;
  backend: RedisBackend;
  changes: boolean[];
  fallbacks: string[];
}

/** One host of a deployment: its own connection to Redis, the deployment's key prefix. */
async function host(t: TestContext, redis: RedisFixture, onUnreachable: OnUnreachable = 'fail-closed', leaseMs = 30_000, prefix = `t${Math.random().toString(36).slice(2)}:`): Promise<Host> {
  const changes: boolean[] = [];
  const fallbacks: string[] = [];
  const backend = new RedisBackend({ url: redis.url, commandTimeoutMs: 500, onChange: (up) => changes.push(up) });
  const state = new RedisSharedState({
    redis: backend, onUnreachable, fallback: new LocalSharedState(),
    onFallback: (decision: FallbackDecision, mode) => fallbacks.push(`${decision}/${mode}`),
    limits: { leaseMs, prefix },
  });
  t.after(() => state.close());
  assert.ok(await backend.ready(2000), 'the host connects to Redis');
  return { state, backend, changes, fallbacks };
}

/** Hosts that share one key prefix (one deployment). */
async function hosts(t: TestContext, redis: RedisFixture, count: number, onUnreachable: OnUnreachable = 'fail-closed', leaseMs = 30_000): Promise<Host[]> {
  const prefix = `t${Math.random().toString(36).slice(2)}:`;
  const made: Host[] = [];
  for (let i = 0; i < count; i++) made.push(await host(t, redis, onUnreachable, leaseMs, prefix));
  return made;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Redis shared state', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  t.after(() => redis.close());

  await t.test('a per-address limit of 5 holds exactly across 4 processes: 20 simultaneous admissions grant 5', async (t) => {
    const all = await hosts(t, redis, 4);
    const limits = all.map((h) => h.state.server('mx', LIMITS));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limits[i % 4]!.admit('192.0.2.7')));
    const granted = results.filter((r) => 'slot' in r);
    assert.equal(granted.length, 5);
    for (const r of results) if ('refusal' in r) assert.equal(r.refusal, 'max-connections-per-address');
    // another address is not affected; a released slot is free for any host at once
    assert.ok('slot' in await limits[1]!.admit('192.0.2.8'));
    (granted[0] as { slot: { release(): void } }).slot.release();
    await until('the release reaches Redis', async () => {
      const again = await limits[3]!.admit('192.0.2.7');
      return 'slot' in again;
    });
    assert.deepEqual(await limits[2]!.admit('192.0.2.7'), { refusal: 'max-connections-per-address' });
  });

  await t.test('the per-network limit and the reserved slots are decided in Redis too', async (t) => {
    const [a, b] = await hosts(t, redis, 2);
    const small = { ...LIMITS, maxConnections: 10, maxConnectionsPerAddress: 2 };
    const la = a!.state.server('mx', small);
    const lb = b!.state.server('mx', small);
    // per network: max(2, 10/5) = 2 for clients not known good
    assert.ok('slot' in await la.admit('198.51.100.1'));
    assert.ok('slot' in await lb.admit('198.51.100.2'));
    assert.deepEqual(await la.admit('198.51.100.3'), { refusal: 'max-connections-per-network' });
    // a client known good on one host may use the network's and the reserved slots on the other
    la.rememberGood('198.51.100.3');
    await until('the good client is known to Redis', async () => 'slot' in await lb.admit('198.51.100.3'));
  });

  await t.test('a crashed process\'s slots free themselves after the lease; a live one keeps its slots by renewing', async (t) => {
    const [crashed, live] = await hosts(t, redis, 2, 'fail-closed', 300);
    const lc = crashed!.state.server('mx', LIMITS);
    const ll = live!.state.server('mx', LIMITS);
    for (let i = 0; i < 3; i++) assert.ok('slot' in await lc.admit('203.0.113.9'));
    for (let i = 0; i < 2; i++) assert.ok('slot' in await ll.admit('203.0.113.9'));
    assert.deepEqual(await ll.admit('203.0.113.9'), { refusal: 'max-connections-per-address' });
    await crashed!.backend.close(); // no release, no renewal: as a process killed with -9
    await new Promise((r) => setTimeout(r, 700));
    const after = await Promise.all([1, 2, 3, 4].map(() => ll.admit('203.0.113.9')));
    // the live host's 2 slots outlived two leases (renewed); the crashed host's 3 came free
    assert.equal(after.filter((r) => 'slot' in r).length, 3);
  });

  await t.test('a dead process\'s slots are free at once when its leases are dropped (the primary saw it die), and a closing one frees its own', async (t) => {
    const [dead, closing, live] = await hosts(t, redis, 3);
    const ld = dead!.state.server('mx', LIMITS);
    const lc = closing!.state.server('mx', LIMITS);
    const ll = live!.state.server('mx', LIMITS);
    for (let i = 0; i < 3; i++) assert.ok('slot' in await ld.admit('203.0.113.20'));
    for (let i = 0; i < 2; i++) assert.ok('slot' in await lc.admit('203.0.113.20'));
    assert.deepEqual(await ll.admit('203.0.113.20'), { refusal: 'max-connections-per-address' });
    await dead!.backend.close();
    assert.equal(await dropProcessLeases(live!.backend, dead!.state.keyPrefix, dead!.state.leaseOwner), 3);
    assert.equal((await Promise.all([1, 2, 3, 4].map(() => ll.admit('203.0.113.20')))).filter((r) => 'slot' in r).length, 3);
    await closing!.state.close();
    assert.equal((await Promise.all([1, 2, 3].map(() => ll.admit('203.0.113.20')))).filter((r) => 'slot' in r).length, 2);
  });

  await t.test('Redis restarted empty: the sessions still open are counted again before the next admission', async (t) => {
    const h = await host(t, redis);
    const limits = h.state.server('mx', LIMITS);
    for (let i = 0; i < 3; i++) assert.ok('slot' in await limits.admit('203.0.113.30'));
    await redis.stop();
    await redis.start();
    await until('the host saw Redis go and come back', () => h.changes.includes(false) && h.changes.at(-1) === true);
    const after = await Promise.all([1, 2, 3, 4].map(() => limits.admit('203.0.113.30')));
    assert.equal(after.filter((r) => 'slot' in r).length, 2, JSON.stringify(after));
  });

  await t.test('failed logins are counted across hosts: the third failure, on any host, locks the network out everywhere', async (t) => {
    const [a, b] = await hosts(t, redis, 2);
    const la = a!.state.server('mx', LIMITS);
    const lb = b!.state.server('mx', LIMITS);
    const fail = async () => ({ failed: true as const });
    const first = await la.authAttempt('192.0.2.50', 'alice', fail);
    const second = await lb.authAttempt('192.0.2.50', 'bob', fail);
    assert.deepEqual(first, { verdict: { delayMs: 250, lockedOut: false } });
    assert.deepEqual(second, { verdict: { delayMs: 500, lockedOut: false } });
    assert.deepEqual(await la.authAttempt('192.0.2.50', 'carol', fail), { verdict: { delayMs: 1000, lockedOut: true } });
    assert.equal(await lb.authLockedOut('192.0.2.50'), true);
    let checked = false;
    assert.equal(await lb.authAttempt('192.0.2.50', 'alice', async () => ((checked = true), { user: 'alice' })), 'locked-out');
    assert.equal(checked, false, 'a locked-out network gets no password check');
    assert.equal(await la.authLockedOut('192.0.2.51'), false);
  });

  await t.test('one credential check at a time per network across hosts: parallel guesses each see the failures before them', async (t) => {
    const all = await hosts(t, redis, 3);
    const limits = all.map((h) => h.state.server('mx', LIMITS));
    let running = 0;
    let most = 0;
    const slowFail = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { failed: true as const };
    };
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => limits[i % 3]!.authAttempt('192.0.2.60', `user${i}`, slowFail)));
    assert.equal(most, 1);
    // 3 checks ran (the third locked the network out), the other 6 were refused unchecked
    assert.equal(results.filter((r) => r === 'locked-out').length, 6);
  });

  await t.test('rateHit counts across hosts in one window', async (t) => {
    const [a, b] = await hosts(t, redis, 2);
    const la = a!.state.server('mx', LIMITS);
    const lb = b!.state.server('mx', LIMITS);
    const verdicts = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? la : lb).rateHit('messages:192.0.2.70', 4, 60_000)));
    assert.equal(verdicts.filter((v) => v.allowed).length, 4);
    const refused = verdicts.find((v) => !v.allowed)!;
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000);
    assert.deepEqual(await la.rateHit('messages:192.0.2.71', 4, 60_000), { allowed: true, retryAfterMs: 0 });
  });

  await t.test('Redis down: fail-closed (the default) refuses and counts it; Redis back: restored', async (t) => {
    const h = await host(t, redis);
    const limits = h.state.server('mx', LIMITS);
    assert.ok('slot' in await limits.admit('192.0.2.80'));
    await redis.stop();
    await assert.rejects(async () => limits.admit('192.0.2.81'), SharedStateUnavailableError);
    await assert.rejects(() => limits.authAttempt('192.0.2.81', 'alice', async () => ({ user: 'alice' })), SharedStateUnavailableError);
    assert.deepEqual(h.fallbacks, ['admit/fail-closed', 'auth/fail-closed']);
    assert.equal(h.state.health().up, false);
    assert.match(h.state.health().detail, /unreachable \(on-unreachable fail-closed: sessions refused\)/);
    assert.equal(h.state.health().refusing, true);
    await redis.start();
    await until('the host reconnects', () => h.state.health().up);
    assert.ok('slot' in await limits.admit('192.0.2.81'));
    assert.deepEqual(h.changes, [true, false, true]);
  });

  await t.test('Redis down with on-unreachable local: this host\'s own limits decide, and each decision is counted', async (t) => {
    const h = await host(t, redis, 'local');
    const limits = h.state.server('mx', LIMITS);
    await redis.stop();
    const results = await Promise.all(Array.from({ length: 8 }, () => limits.admit('192.0.2.90')));
    // the per-host limit: 5 on this host (another host would grant 5 more)
    assert.equal(results.filter((r) => 'slot' in r).length, 5);
    assert.equal(h.fallbacks.filter((f) => f === 'admit/local').length, 8);
    assert.deepEqual(await limits.authAttempt('192.0.2.90', 'alice', async () => ({ user: 'alice' })), { user: 'alice' });
    assert.match(h.state.health().detail, /unreachable \(on-unreachable local: this host's own limits\)/);
    assert.equal(h.state.health().refusing, false);
    await redis.start();
    await until('the host reconnects', () => h.state.health().up);
    // Redis decides again, from its own (empty) counts
    assert.equal((await Promise.all(Array.from({ length: 6 }, () => limits.admit('192.0.2.90')))).filter((r) => 'slot' in r).length, 5);
  });
});
