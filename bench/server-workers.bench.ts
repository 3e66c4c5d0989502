// `serve --workers 1` against `serve --workers 2` (issue 22): 1 KiB messages accepted per
// second from 20 parallel sessions over loopback, (a) reusing connections and (b) one
// connection per message, both servers running the shipped CLI bundle with the policy of
// the throughput benchmark (bench/server-throughput/bench-policy.ts) with relayed mail held
// (`relay-to hold`: the primary's delivery reads each message once and leaves it, alike in
// both modes), decisions logged at info (to /dev/null). With 2 workers every connection
// also costs the round trip to the primary for its slot (runtime/state): the figure
// includes the price of exact limits. On a 2-core machine the primary, both workers and the
// benchmark's clients share the two cores, so the ratio is a floor for larger machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { freePort } from './postfix/smtp-source.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileToRuntimeConfig, hasErrors } from '../compiler/index.js';
import { bundleShipped } from './shipped.js';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { sendMessages, Session } from './smtp-session.js';

const SESSIONS = 20;

interface Serve {
  port: number;
  stop(): Promise<void>;
}

async function startServe(dir: string, workers: number): Promise<Serve> {
  const port = await freePort();
  const policyPath = join(dir, 'bench.smtppolicy');
  await writeFile(policyPath, benchPolicyText('127.0.0.0/8').replace('listen 127.0.0.1:2525', `listen 127.0.0.1:${port}\n  relay-to hold`));
  const compiled = await compileToRuntimeConfig(policyPath);
  if (hasErrors(compiled.diagnostics)) throw new Error(`bench policy: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const configPath = join(dir, 'bench.json');
  await writeFile(configPath, JSON.stringify(compiled.config));
  const cli = await bundleShipped('cli/main.ts');
  // its own process group: the stop below reaches the workers too
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', configPath, '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  // ready when every worker greets: a few sessions in a row reach each one (round-robin)
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`serve --workers ${workers} exited (${child.exitCode}) before it was ready`);
    try {
      for (let i = 0; i < workers * 2; i++) {
        const session = await Session.open(port, '127.0.0.1');
        await session.expect(220);
        session.close();
      }
      return { port, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw error;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
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
