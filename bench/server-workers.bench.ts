// `serve --workers 1` against `serve --workers 2` (issue 22): 1 KiB messages accepted per
// second from 20 parallel sessions over loopback, (a) reusing connections and (b) one
// connection per message, both servers running the shipped CLI bundle with the policy of
// the throughput benchmark (bench/server-throughput/bench-policy.ts) with relayed mail held
// (`relay-to hold`: the primary's delivery reads each message once and leaves it, alike in
// both modes), decisions logged at info (to /dev/null). With 2 workers every connection
// also costs the round trip to the primary for its slot (runtime/state): the figure
// includes the price of exact limits. On a 2-core machine the primary, both workers and the
// benchmark's clients share the two cores, so the ratio is a floor for larger machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { startServe as startServeChild, type Serve } from './serve-child.js';
import { sendMessages } from './smtp-session.js';

const SESSIONS = 20;

function startServe(dir: string, workers: number): Promise<Serve> {
  return startServeChild(dir, { workers, policy: (listen) => benchPolicyText('127.0.0.0/8').replace('listen 127.0.0.1:2525', `listen ${listen}\n  relay-to hold`) });
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'smtppolicy-bench-workers-'))));
  const servers: Serve[] = [];
  try {
    const one = await startServe(dirs[0]!, 1);
    servers.push(one);
    const two = await startServe(dirs[1]!, 2);
    servers.push(two);
    const figures = { one: { reuse: [] as number[], perMessage: [] as number[] }, two: { reuse: [] as number[], perMessage: [] as number[] } };
    const rounds = options.quick ? 3 : 5;
    const count = options.quick ? 300 : 2000;
    for (const server of [one, two]) await sendMessages({ port: server.port, count: 100, reuse: true, sessions: SESSIONS }); // warm-up
    // the machine is shared: both measured back to back each round, in alternating order
    for (let round = 0; round < rounds; round++) {
      const order: ['one' | 'two', Serve][] = round % 2 === 0 ? [['one', one], ['two', two]] : [['two', two], ['one', one]];
      for (const [name, server] of order) figures[name].reuse.push(await sendMessages({ port: server.port, count, reuse: true, sessions: SESSIONS }));
      for (const [name, server] of order) figures[name].perMessage.push(await sendMessages({ port: server.port, count: count / 2, reuse: false, sessions: SESSIONS }));
    }
    const row = (name: string, value: number[], ref: number[]): BenchRow => ({
      name, value: median(value), unit: 'msg/s', reference: { name: 'serve --workers 1', value: median(ref) },
    });
    return [
      row('serve --workers 2, accepted, 1 KiB, 20 sessions, (a) reusing connections', figures.two.reuse, figures.one.reuse),
      row('serve --workers 2, accepted, 1 KiB, 20 sessions, (b) one connection per message', figures.two.perMessage, figures.one.perMessage),
    ];
  } finally {
    for (const server of servers) await server.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 1);
