// The cost of the shared state across hosts (issue 22: Redis limits on vs off, ≤ 15%):
// 1 KiB messages accepted per second from 20 parallel sessions over loopback, one
// connection per message (each connection takes and frees a slot: the decisions the state
// makes), against the same `serve` (one process, the shipped CLI bundle, the throughput
// benchmark's policy with relayed mail held) without a state block, measured in the same
// run, rounds alternating. With the block every connection costs one script in a local
// redis-server (started here, no persistence) that takes its slot and frees the slots of the
// sessions that ended before it (runtime/state/redis/redis-lease.ts); the reference keeps
// its counts in memory. Reusing connections (b) shows the floor: slots are
// taken once per session.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchRedis, type RedisFixture } from '../test/helpers/redis.js';
import { toolPath } from '../test/helpers/tools.js';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { startServe as startServeChild, type Serve } from './serve-child.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { sendMessages } from './smtp-session.js';

const SESSIONS = 20;

/** One process on the throughput benchmark's policy, relayed mail held; with a state block when given a Redis. */
function startServe(dir: string, redisUrl: string | null): Promise<Serve> {
  const state = redisUrl ? `state {\n  redis "${redisUrl}"\n}\n\n` : '';
  return startServeChild(dir, {
    workers: 1,
    policy: (listen) => state + benchPolicyText('127.0.0.0/8').replace('listen 127.0.0.1:2525', `listen ${listen}\n  relay-to hold`),
  });
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const binary = toolPath('redis-server');
  if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'smtppolicy-bench-state-'))));
  const servers: Serve[] = [];
  let redis: RedisFixture | undefined;
  try {
    redis = await launchRedis(binary);
    const local = await startServe(dirs[0]!, null);
    servers.push(local);
    const shared = await startServe(dirs[1]!, redis.url);
    servers.push(shared);
    const figures = { local: { perMessage: [] as number[], reuse: [] as number[] }, shared: { perMessage: [] as number[], reuse: [] as number[] } };
    const rounds = options.quick ? 3 : 5;
    const count = options.quick ? 300 : 2000;
    for (const server of [local, shared]) await sendMessages({ port: server.port, count: 100, reuse: false, sessions: SESSIONS }); // warm-up
    // the machine is shared: both measured back to back each round, in alternating order
    for (let round = 0; round < rounds; round++) {
      const order: ['local' | 'shared', Serve][] = round % 2 === 0 ? [['local', local], ['shared', shared]] : [['shared', shared], ['local', local]];
      for (const [name, server] of order) figures[name].perMessage.push(await sendMessages({ port: server.port, count: count / 2, reuse: false, sessions: SESSIONS }));
      for (const [name, server] of order) figures[name].reuse.push(await sendMessages({ port: server.port, count, reuse: true, sessions: SESSIONS }));
    }
    const row = (name: string, value: number[], ref: number[], target?: string): BenchRow => {
      const r: BenchRow = { name, value: median(value), unit: 'msg/s', reference: { name: 'serve without a state block', value: median(ref) } };
      if (target) {
        r.target = target;
        r.met = median(value) >= 0.85 * median(ref);
      }
      return r;
    };
    return [
      row('serve with Redis limits (state block), accepted, 1 KiB, 20 sessions, (a) one connection per message', figures.shared.perMessage, figures.local.perMessage, '≥ 0.85× (cost ≤ 15%)'),
      row('serve with Redis limits (state block), accepted, 1 KiB, 20 sessions, (b) reusing connections', figures.shared.reuse, figures.local.reuse),
    ];
  } finally {
    for (const server of servers) await server.stop();
    await redis?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 1);
