// Server throughput over loopback: 1 KiB messages accepted per second from 20 parallel SMTP
// sessions, (a) each session reusing its connection and (b) one connection per message, for
// smtppolicy's full stack (a compiled policy with connection control and relay by address,
// STARTTLS off, no auth, decisions logged at info, the durable spool) next to a bare
// smtp-server whose onData writes the same spool through the same Spool class. Both run as
// child processes (bench/server-throughput/server-child.ts) and get the same client.
// Also: peak RSS (VmHWM) of each server after 1,000 idle sessions, measured before any
// throughput run so the figure is the sessions' own cost. Both servers run from the same
// bundle (its code is in both peaks alike).
//
// Note on (b): smtp-server waits a fixed 100 ms before every greeting (its early-talker
// check, not configurable); smtppolicy replaces it by the policy's greeting delay (0 here).
// So in mode (b) the bare server's figure includes that pause and is lower than its disk
// limit; mode (a) is the fair comparison of the per-message path.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileToRuntimeConfig, hasErrors } from '../compiler/index.js';
import { bundleShipped } from './shipped.js';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { sendMessages, Session, sourceAddress } from './smtp-session.js';

const SESSIONS = 20;
const IDLE_CONNECTIONS = 1000;
// The server runs as it ships: bundled to plain JavaScript (bench/shipped.ts), not under tsx,
// whose closure wrappers cost the server as they cost the compiler.
const CHILD = 'bench/server-throughput/server-child.ts';

/** Messages accepted per second by `SESSIONS` sessions sending `count` messages in all. */
const throughput = (port: number, count: number, reuse: boolean) => sendMessages({ port, count, reuse, sessions: SESSIONS });

interface Child {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

async function startChild(mode: 'policy' | 'bare', arg: string): Promise<Child> {
  const bundle = await bundleShipped(CHILD);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bundle, mode, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (data: string) => {
      out += data;
      const line = out.split('\n')[0]!;
      if (out.includes('\n')) {
        const { port } = JSON.parse(line) as { port: number };
        resolve({ pid: child.pid!, port, stop: async () => { child.kill('SIGKILL'); await exited; } });
      }
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code}) before it was ready`)));
  });
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kib / 1024;
}

/** Opens IDLE_CONNECTIONS greeted sessions, reads the server's peak RSS, closes them. */
async function idleRss(server: Child): Promise<number> {
  const sessions: Session[] = [];
  try {
    for (let batch = 0; batch < IDLE_CONNECTIONS; batch += 100) {
      sessions.push(...await Promise.all(Array.from({ length: 100 }, async (_, i) => {
        const session = await Session.open(server.port, sourceAddress(batch + i));
        await session.expect(220);
        return session;
      })));
    }
    await new Promise((r) => setTimeout(r, 500));
    return await peakRssMiB(server.pid);
  } finally {
    for (const session of sessions) session.close();
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Figures {
  rss: number;
  reuse: number[];
  perMessage: number[];
}

// The machine is shared: its load drifts during a run. Both servers run side by side and
// every round measures them back to back, in alternating order, so that a load change
// hits both figures alike; the medians over the rounds are reported.
async function measureBoth(ours: Child, bare: Child, options: BenchOptions): Promise<{ ours: Figures; bare: Figures }> {
  const figures = { ours: { rss: await idleRss(ours), reuse: [], perMessage: [] } as Figures, bare: { rss: await idleRss(bare), reuse: [], perMessage: [] } as Figures };
  const rounds = options.quick ? 3 : 5;
  const count = options.quick ? 300 : 2000;
  for (const server of [ours, bare]) await throughput(server.port, 100, true); // warm-up: JIT, spool directories
  for (let round = 0; round < rounds; round++) {
    const order: ['ours' | 'bare', Child][] = round % 2 === 0 ? [['ours', ours], ['bare', bare]] : [['bare', bare], ['ours', ours]];
    for (const [name, server] of order) figures[name].reuse.push(await throughput(server.port, count, true));
    for (const [name, server] of order) figures[name].perMessage.push(await throughput(server.port, count / 2, false));
  }
  return figures;
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-server-'));
  const children: Child[] = [];
  try {
    const policyPath = join(dir, 'bench.smtppolicy');
    await writeFile(policyPath, benchPolicyText('127.0.0.0/8'));
    const compiled = await compileToRuntimeConfig(policyPath);
    if (hasErrors(compiled.diagnostics)) throw new Error(`bench policy: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    const configPath = join(dir, 'bench.json');
    await writeFile(configPath, JSON.stringify(compiled.config));

    const [ours, bare] = await Promise.all([startChild('policy', configPath), startChild('bare', join(dir, 'bare-spool'))]);
    children.push(ours, bare);
    const figures = await measureBoth(ours, bare, options);

    const ratioRow = (name: string, value: number[], ref: number[]): BenchRow => ({
      name, value: median(value), unit: 'msg/s', reference: { name: 'bare smtp-server, same spool', value: median(ref) },
      target: '≥ 90% of bare smtp-server', met: median(value) >= 0.9 * median(ref),
    });
    return [
      ratioRow('accepted, 1 KiB, 20 sessions, (a) reusing connections', figures.ours.reuse, figures.bare.reuse),
      ratioRow('accepted, 1 KiB, 20 sessions, (b) one connection per message (bare: incl. its fixed 100 ms greeting pause)', figures.ours.perMessage, figures.bare.perMessage),
      {
        name: `peak RSS (VmHWM) with ${IDLE_CONNECTIONS} idle connections`, value: figures.ours.rss, unit: 'MiB',
        reference: { name: 'bare smtp-server', value: figures.bare.rss }, target: '< 200 MB', met: figures.ours.rss * 1.048576 < 200,
      },
    ];
  } finally {
    for (const child of children) await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 1);
