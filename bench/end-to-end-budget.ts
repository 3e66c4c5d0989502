// Where an end-to-end message's cost goes (issue 19): the quickstart's server takes N
// messages over 20 reused connections, each delivered into the Maildir, and the budget per
// message is read from the serving process itself:
//   - CPU µs per message: utime + stime from /proc/<pid>/stat over the whole run (accept,
//     spool, delivery, cleanup, logging), without strace attached;
//   - system calls per message, by name, from `strace -c -f` attached to every thread
//     (libuv's pool threads do the fsyncs) during a second run of N messages;
//   - log lines per message, from the server's log file.
// The server is `smtppolicy serve` on the quickstart policy, set up by `npm start` in a temp
// dir (certificate, demo user) and then started directly, so that `--cpu-prof DIR` can
// profile it (the profile is written when it stops, after the runs).
// Not part of `npm run bench`: strace slows the server several times over; the figures are
// counts, not rates. Needs strace and permission to ptrace the server (root).
//   node --import tsx bench/end-to-end-budget.ts [--messages N] [--cpu-prof DIR] [--root CHECKOUT] [--skip-strace]
// `--skip-strace` leaves out the traced run (the CPU figures only, e.g. while profiling);
// `--runs K` measures K untraced runs and reports the one with the median CPU (a loaded
// machine makes single runs scatter).
// `--root` measures another checkout's build (e.g. the code before a change, exported with
// `git archive` and built there), with this script's client and method.
import { spawn } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, REPO_ROOT } from './published-build.js';
import { oneProcess, startQuickstart, waitDelivered, type Target } from './end-to-end.bench.js';
import { waitForPort } from './postfix/postfix.js';
import { sendMessages } from './smtp-session.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '2000' }, 'cpu-prof': { type: 'string' }, root: { type: 'string' }, 'skip-strace': { type: 'boolean', default: false }, runs: { type: 'string', default: '1' } } });
const N = Number(values.messages);
const root = values.root ? resolve(values.root) : REPO_ROOT;
const SESSIONS = 20;
const RECIPIENT = 'postmaster@example.test';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Ticks {
  user: number;
  system: number;
}

function ticksOf(stat: string): Ticks {
  // the fields after the command name (which may hold spaces) start after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) }; // utime, stime
}

async function cpuTicks(pid: number): Promise<Ticks> {
  return ticksOf(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU ticks of the main thread (JavaScript, the event loop, the sockets) and of the other
 * threads (libuv's pool: every file operation and fsync; V8's compiler and garbage
 * collector helpers; Node names none of them). The main thread is the part one process
 * cannot spread over cores.
 */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const byKind = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue; // the thread ended meanwhile
    const kind = tid === String(pid) ? 'main thread' : 'other threads';
    const { user, system } = ticksOf(stat);
    byKind.set(kind, (byKind.get(kind) ?? 0) + user + system);
  }
  return byKind;
}

/** N messages in, delivered, and gone from the spool. */
async function oneRun(target: Target, spoolQueue: string): Promise<void> {
  const before = await target.delivered();
  await sendMessages({ port: target.port, count: N, reuse: true, sessions: SESSIONS, recipient: RECIPIENT });
  await waitDelivered(target, before + N, 600_000);
  while ((await readdir(spoolQueue)).length > 0) await new Promise((r) => setTimeout(r, 20));
  // the last removals and log lines may trail the last file in new/ by a moment
  await new Promise((r) => setTimeout(r, 1500));
}

async function strace(pid: number, run: () => Promise<void>): Promise<string> {
  const out = join(tmpdir(), `smtppolicy-budget-strace-${pid}.txt`);
  const tracer = spawn('strace', ['-c', '-f', '-o', out, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  tracer.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // strace says "Process N attached" (one line per thread) once it is in place
  await new Promise<void>((resolvePromise, reject) => {
    const check = () => (err.includes('attached') ? resolvePromise() : setTimeout(check, 50));
    tracer.once('exit', (code) => reject(new Error(`strace exited (${code}): ${err}`)));
    check();
  });
  await run();
  const exited = new Promise<void>((r) => tracer.once('exit', () => r()));
  tracer.kill('SIGINT');
  await exited;
  const text = await readFile(out, 'utf8');
  await rm(out, { force: true });
  return text;
}

function perMessage(summary: string): Array<{ name: string; calls: number }> {
  const rows: Array<{ name: string; calls: number }> = [];
  for (const line of summary.split('\n')) {
    // % time, seconds, usecs/call, calls, [errors,] syscall
    const match = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
    if (match && match[2] !== 'total') rows.push({ name: match[2]!, calls: Number(match[1]) / N });
  }
  return rows.sort((a, b) => b.calls - a.calls);
}

/** `smtppolicy serve` on the quickstart's policy (as the quickstart runs it), logging to serve.log. */
async function startServe(dir: string, port: number, delivered: Target['delivered']) {
  const log = await open(join(dir, 'serve.log'), 'w');
  const cli = join(root, JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).bin.smtppolicy as string);
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [];
  const child = spawn(process.execPath, [...profile, cli, 'serve', join(dir, 'var', 'quickstart-ports.smtppolicy'), ...oneProcess(root)], { stdio: ['ignore', log.fd, 'inherit'] });
  await log.close();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port, 60_000);
  const target: Target = { name: 'smtppolicy', port, pid: child.pid!, delivered, stop: async () => {
    child.kill('SIGTERM'); // a drain and a clean exit: the profile is written then
    await exited;
  } };
  return target;
}

if (root === REPO_ROOT) await ensureBuilt();
const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-budget-'));
try {
  const setup = await startQuickstart(dir, root);
  await setup.stop();
  const target = await startServe(dir, setup.port, setup.delivered);
  try {
    const queue = join(dir, 'var', 'spool', 'queue');
    await oneRun(target, queue); // warm-up: JIT, the Maildir's creation
    const measured: Array<{ seconds: number; cpu: Ticks; threads: Map<string, number>; logLines: number }> = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const logBefore = (await readFile(join(dir, 'serve.log'), 'utf8')).split('\n').length;
      const ticks = await cpuTicks(target.pid!);
      const threadsBefore = await threadTicks(target.pid!);
      const started = performance.now();
      await oneRun(target, queue);
      const seconds = (performance.now() - started) / 1000 - 1.5;
      const ticksAfter = await cpuTicks(target.pid!);
      const threadsAfter = await threadTicks(target.pid!);
      const threads = new Map([...threadsAfter].map(([kind, after]) => [kind, after - (threadsBefore.get(kind) ?? 0)]));
      const logLines = ((await readFile(join(dir, 'serve.log'), 'utf8')).split('\n').length - logBefore) / N;
      measured.push({ seconds, cpu: { user: ticksAfter.user - ticks.user, system: ticksAfter.system - ticks.system }, threads, logLines });
    }
    const micros = (t: number) => ((t / TICKS_PER_SECOND / N) * 1e6).toFixed(0);
    const totalOf = (m: (typeof measured)[number]) => m.cpu.user + m.cpu.system;
    const median = [...measured].sort((a, b) => totalOf(a) - totalOf(b))[Math.floor(measured.length / 2)]!;
    const rows = values['skip-strace'] ? [] : perMessage(await strace(target.pid!, () => oneRun(target, queue)));
    const total = rows.reduce((sum, r) => sum + r.calls, 0);
    const fsyncs = rows.filter((r) => r.name === 'fsync' || r.name === 'fdatasync').reduce((sum, r) => sum + r.calls, 0);
    console.log(`${root}: ${N} messages, 1 KiB, ${SESSIONS} reused connections, quickstart, logging at info to a file`);
    if (measured.length > 1) console.log(`CPU per message in each run: ${measured.map((m) => `${micros(totalOf(m))} µs`).join(', ')}; the median run:`);
    console.log(`CPU per message: ${micros(totalOf(median))} µs (serve process, user + system); untraced run ${median.seconds.toFixed(1)} s`);
    console.log(`  user ${micros(median.cpu.user)} µs, system ${micros(median.cpu.system)} µs`);
    for (const [kind, ticks] of median.threads) console.log(`  ${kind.padEnd(14)} ${micros(ticks)} µs`);
    console.log(`log lines per message: ${median.logLines.toFixed(2)}`);
    if (!values['skip-strace']) {
      console.log(`system calls per message: ${total.toFixed(1)}, of them fsync + fdatasync: ${fsyncs.toFixed(2)}`);
      for (const r of rows.filter((row) => row.calls >= 0.05)) console.log(`  ${r.name.padEnd(16)} ${r.calls.toFixed(2)}`);
    }
  } finally {
    await target.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
