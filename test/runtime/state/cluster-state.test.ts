// The shared state of `serve --workers`, in one process: two ClusterSharedState "workers"
// wired to one StateService "primary" through message ports that deliver asynchronously
// (as the cluster's IPC channel does, through a JSON round trip). The decisions are the
// primary's: a per-address limit holds across the workers, a dead worker's slots and
// throttle turns are released, a worker cut off from the primary is refused, never let in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterSharedState, LocalSharedState, StateService, type SharedLimitNumbers, type StateRequest, type StateReply } from '../../../runtime/state/index.js';

/** Lets the simulated channel carry every message in flight (each hop is one setImmediate). */
async function delivered(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

const LIMITS: SharedLimitNumbers = { maxConnections: 100, maxConnectionsPerAddress: 5, idleTimeoutMs: 300_000, authFailures: 5, authFailureWindowMs: 900_000 };

function cluster() {
  const workers = new Map<number, { deliver: (m: unknown) => void; connected: boolean }>();
  const service = new StateService((message) => {
    for (const w of workers.values()) if (w.connected) setImmediate(() => w.deliver(JSON.parse(JSON.stringify(message))));
  });
  const worker = (id: number) => {
    const listeners: ((m: unknown) => void)[] = [];
    const entry = { deliver: (m: unknown) => listeners.forEach((l) => l(m)), connected: true };
    workers.set(id, entry);
    const port = { id, send: (message: StateReply) => { if (entry.connected) setImmediate(() => entry.deliver(JSON.parse(JSON.stringify(message)))); } };
    const state = new ClusterSharedState({
      send: (message: StateRequest) => {
        if (!entry.connected) throw new Error('channel closed');
        setImmediate(() => service.handle(port, JSON.parse(JSON.stringify(message)) as StateRequest));
      },
      onMessage: (listener) => listeners.push(listener),
    });
    return {
      state,
      die: () => { entry.connected = false; service.workerGone(id); },
      cutOff: () => { entry.connected = false; state.disconnected(); },
    };
  };
  return { service, worker };
}

test('a per-address limit holds across workers: 20 admissions from one address over 2 workers grant exactly 5', async () => {
  const { worker } = cluster();
  const a = worker(1).state.server('mx', LIMITS);
  const b = worker(2).state.server('mx', LIMITS);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).admit('192.0.2.7')));
  const granted = results.filter((r) => 'slot' in r);
  assert.equal(granted.length, 5);
  for (const r of results) if ('refusal' in r) assert.equal(r.refusal, 'max-connections-per-address');
  // a release on one worker frees the slot for the other
  (granted[0] as { slot: { release(): void } }).slot.release();
  await delivered();
  assert.ok('slot' in await b.admit('192.0.2.7'));
  assert.ok('refusal' in await a.admit('192.0.2.7'));
});

test('the precheck of a worker never refuses what the primary would grant (its counts are a lower bound)', async () => {
  const { worker } = cluster();
  const a = worker(1).state.server('mx', LIMITS);
  const b = worker(2).state.server('mx', LIMITS);
  for (let i = 0; i < 4; i++) assert.ok('slot' in await b.admit('192.0.2.8'));
  assert.equal(a.precheck('192.0.2.8'), null, 'worker 1 holds none of them: it must ask');
  assert.ok('slot' in await a.admit('192.0.2.8'));
  assert.equal(a.precheck('192.0.2.8'), null);
  assert.equal((await a.admit('192.0.2.8') as { refusal: string }).refusal, 'max-connections-per-address');
});

test('a worker that dies leaves no slot taken and no throttle turn held', async () => {
  const { service, worker } = cluster();
  const doomed = worker(1);
  const other = worker(2).state.server('mx', LIMITS);
  const d = doomed.state.server('mx', LIMITS);
  for (let i = 0; i < 5; i++) assert.ok('slot' in await d.admit('192.0.2.9'));
  assert.ok('refusal' in await other.admit('192.0.2.9'));
  // a password check under way on the dying worker holds the turn of its network and user
  let started!: () => void;
  const checking = new Promise<void>((r) => (started = r));
  void d.authAttempt('192.0.2.9', 'alice', () => { started(); return new Promise(() => {}); }).catch(() => undefined);
  await checking;
  doomed.die();
  assert.equal(service.slotsHeld(), 0);
  assert.ok('slot' in await other.admit('192.0.2.9'));
  const attempt = await other.authAttempt('192.0.2.9', 'alice', async () => ({ failed: true }));
  assert.ok(typeof attempt === 'object' && 'verdict' in attempt, 'the turn came free');
});

test('failed logins on two workers count together: the fifth failure locks the address out everywhere', async () => {
  const { worker } = cluster();
  const a = worker(1).state.server('mx', LIMITS);
  const b = worker(2).state.server('mx', LIMITS);
  const verdicts = [];
  for (let i = 0; i < 5; i++) verdicts.push(await (i % 2 ? a : b).authAttempt('192.0.2.10', `user${i}`, async () => ({ failed: true })));
  assert.deepEqual(verdicts.map((v) => typeof v === 'object' && 'verdict' in v && v.verdict.lockedOut), [false, false, false, false, true]);
  assert.equal(await a.authLockedOut('192.0.2.10'), true);
  assert.equal(await b.authLockedOut('192.0.2.10'), true);
  let checked = false;
  assert.equal(await a.authAttempt('192.0.2.10', 'someone', async () => { checked = true; return { user: 'someone' }; }), 'locked-out');
  assert.equal(checked, false, 'no password is checked once locked out');
});

test('a worker cut off from the primary refuses: its waiting and new requests fail, nothing is granted', async () => {
  const { worker } = cluster();
  const w = worker(1);
  const limits = w.state.server('mx', LIMITS);
  const pending = limits.admit('192.0.2.11');
  w.cutOff();
  await assert.rejects(Promise.resolve(pending), /primary process cannot be asked/);
  await assert.rejects(Promise.resolve(limits.admit('192.0.2.11')), /primary process cannot be asked/);
  await assert.rejects(limits.authLockedOut('192.0.2.11'), /primary process cannot be asked/);
});

test('a rate limit holds across workers: 30 messages from one address over 2 workers are counted once each, 10 allowed', async () => {
  const { worker } = cluster();
  const a = worker(1).state.server('mx', LIMITS);
  const b = worker(2).state.server('mx', LIMITS);
  const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).rateHit('message:address:192.0.2.20', 10, 60_000)));
  assert.equal(verdicts.filter((v) => v.allowed).length, 10);
  for (const v of verdicts) if (!v.allowed) assert.ok(v.retryAfterMs > 0 && v.retryAfterMs <= 60_000);
  // another address is unaffected, on either worker
  assert.equal((await a.rateHit('message:address:192.0.2.21', 10, 60_000)).allowed, true);
});

test('a worker cut off from the primary gets no rate verdict: the event is refused, never counted nowhere', async () => {
  const { worker } = cluster();
  const w = worker(1);
  const limits = w.state.server('mx', LIMITS);
  w.cutOff();
  await assert.rejects(limits.rateHit('connection:address:192.0.2.22', 10, 60_000), /primary process cannot be asked/);
});

test('the stress flag follows the host: half of the slots taken on one worker puts the other under stress', async () => {
  const { worker } = cluster();
  const small = { ...LIMITS, maxConnections: 4, maxConnectionsPerAddress: 4 };
  const a = worker(1).state.server('mx', small);
  const b = worker(2).state.server('mx', small);
  assert.equal(b.underStress(), false);
  await a.admit('192.0.2.12');
  const second = await a.admit('192.0.2.12');
  await delivered();
  assert.equal(b.underStress(), true);
  (second as { slot: { release(): void } }).slot.release();
  await delivered();
  assert.equal(b.underStress(), false);
});

test('one process: LocalSharedState decides synchronously, with the same rules', () => {
  const local = new LocalSharedState().server('mx', LIMITS);
  const results = Array.from({ length: 7 }, () => local.admit('192.0.2.13'));
  assert.equal(results.filter((r) => 'slot' in r).length, 5);
});
