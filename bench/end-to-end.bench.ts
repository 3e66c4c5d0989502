// End to end: mail accepted AND delivered into a Maildir (the file fsynced and renamed into
// new/), which is when a user's mail is done (issue 19). smtppolicy runs as `npm start` runs
// it: the quickstart policy (inbound server: STARTTLS offered, connection list, example.test
// local), the published command, one process, logging at info to a file. Postfix runs from a
// temp dir (bench/postfix/postfix.ts, `delivery: 'maildir'`): virtual(8) delivers every
// example.test recipient into one Maildir. Both get the same load from this process's client
// (bench/smtp-session.ts): 1 KiB messages to postmaster@example.test over 20 parallel
// sessions, each from its own loopback address (smtp-source has one address, and the
// quickstart admits 10 connections per address), (a) reusing connections and (b) one
// connection per message. A run is timed from its first connection until the last message
// is in new/ (delivered) and until the last 250 (accepted). Both servers run side by side and each round
// measures them back to back in alternating order, so that the shared machine's load hits
// both alike; the medians are reported.
//
// Then the queue: a burst at Postfix's own delivered rate for 30 s (quick: 10 s), paced by
// this process's client over 20 connections; the queue length is what was accepted but not
// yet in new/ when the burst's last message was acknowledged, and the drain time is how long
// the rest took to arrive. A server that keeps up has a queue of a few messages and drains
// at once; one that does not grows a queue, linearly, for as long as the burst lasts.
//
// Requires root and Debian's postfix package (bench/postfix/install.sh).
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { postfixUnavailable, startPostfix, waitForPort } from './postfix/postfix.js';
import { freePort } from './postfix/smtp-source.js';
import { ensureBuilt, REPO_ROOT } from './published-build.js';
import { sendMessages, Session, sourceAddress } from './smtp-session.js';

const SESSIONS = 20;
const RECIPIENT = 'postmaster@example.test';

export interface Target {
  name: string;
  port: number;
  /** The process that serves (smtppolicy: the `serve` process the quickstart started). */
  pid?: number;
  /** Messages in the Maildir's new/ so far. */
  delivered(): Promise<number>;
  stop(): Promise<void>;
}

async function filesIn(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * One server process, as issue 19 compares it with Postfix: `--workers 1` for a checkout that
 * has `serve --workers` (issue 22, whose default is a worker per core); older checkouts run
 * one process anyway and do not know the flag.
 */
export function oneProcess(root: string): string[] {
  return existsSync(join(root, 'runtime', 'cluster')) ? ['--workers', '1'] : [];
}

/** `npm start` in a temp copy (SMTPPOLICY_QUICKSTART_DIR): the quickstart's own policy and var/. */
/** `root`: the checkout whose quickstart runs (another one's, to measure its code next to this). */
export async function startQuickstart(dir: string, root = REPO_ROOT): Promise<Target> {
  await mkdir(join(dir, 'examples'));
  await copyFile(join(root, 'examples', 'quickstart.smtppolicy'), join(dir, 'examples', 'quickstart.smtppolicy'));
  // its recipient list (issue 20), beside it; a checkout from before recipient lists has none
  const mailboxes = join(root, 'examples', 'quickstart.mailboxes');
  if (existsSync(mailboxes)) await copyFile(mailboxes, join(dir, 'examples', 'quickstart.mailboxes'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const log = await open(join(dir, 'serve.log'), 'w');
  const child = spawn(process.execPath, [join(root, 'scripts', 'quickstart.mjs'), ...oneProcess(root)], {
    env: { ...process.env, SMTPPOLICY_QUICKSTART_DIR: dir, SMTPPOLICY_QUICKSTART_PORTS: ports.join(',') },
    // the server's JSON log goes to a file, as a daemon's stdout does (journald, a log file)
    stdio: ['ignore', log.fd, 'inherit'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await log.close();
  const stop = async () => {
    // the whole group: the quickstart script and the `serve` process it started
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  try {
    await Promise.race([
      waitForPort(ports[0]!, 60_000),
      exited.then(() => Promise.reject(new Error(`the quickstart exited before listening: ${join(dir, 'serve.log')}`))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const newDir = join(dir, 'var', 'mail', 'example.test', 'postmaster', 'new');
  const served = Number((await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).trim().split(' ')[0]);
  const stopBoth = async () => {
    await stop();
    // the serve process too, so that its ports are free when this returns
    while (await readFile(`/proc/${served}/stat`, 'utf8').then((stat) => !/^\d+ \(.*\) Z/.test(stat), () => false)) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { name: 'smtppolicy', port: ports[0]!, pid: served, delivered: () => filesIn(newDir), stop: stopBoth };
}

async function startPostfixTarget(): Promise<Target> {
  const postfix = await startPostfix({ port: await freePort(), mynetworks: '127.0.0.0/8', delivery: 'maildir' });
  return { name: 'Postfix', port: postfix.port, delivered: () => filesIn(join(postfix.maildir, 'new')), stop: () => postfix.stop() };
}

/** Waits until `target` has `expected` messages in new/; throws (with the count) when they do not arrive. */
export async function waitDelivered(target: Target, expected: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const delivered = await target.delivered();
    if (delivered === expected) return;
    if (delivered > expected) throw new Error(`${target.name} delivered ${delivered} messages, expected ${expected}: a duplicate`);
    if (performance.now() > deadline) throw new Error(`${target.name} delivered ${delivered} of ${expected} messages within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Rates {
  accepted: number;
  delivered: number;
}

async function endToEnd(target: Target, count: number, reuse: boolean): Promise<Rates> {
  const before = await target.delivered();
  const started = performance.now();
  await sendMessages({ port: target.port, count, reuse, sessions: SESSIONS, recipient: RECIPIENT });
  const acceptedAt = performance.now();
  // the slowest plausible server still delivers 20 msg/s
  await waitDelivered(target, before + count, Math.max(60_000, (count / 20) * 1000));
  const deliveredAt = performance.now();
  return { accepted: count / ((acceptedAt - started) / 1000), delivered: count / ((deliveredAt - started) / 1000) };
}

interface Burst {
  /** Accepted but not yet in new/ when the burst's last message was acknowledged. */
  queued: number;
  /** Seconds from then until the last message was in new/. */
  drainSeconds: number;
  /** The rate the server actually accepted the burst at. */
  acceptedRate: number;
}

/** `rate` messages per second for `seconds`, paced over SESSIONS reused connections. */
async function burst(target: Target, rate: number, seconds: number): Promise<Burst> {
  const before = await target.delivered();
  const total = Math.round(rate * seconds);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: SESSIONS }, async (_, i) => {
    const session = await Session.open(target.port, sourceAddress(i));
    await session.greet();
    for (let k = next++; k < total; k = next++) {
      const due = started + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await session.send(RECIPIENT);
    }
    await session.quit();
  }));
  const ended = performance.now();
  const queued = before + total - (await target.delivered());
  await waitDelivered(target, before + total, Math.max(60_000, (total / 20) * 1000));
  return { queued, drainSeconds: (performance.now() - ended) / 1000, acceptedRate: total / ((ended - started) / 1000) };
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const unavailable = postfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  await ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-end-to-end-'));
  const targets: Target[] = [];
  try {
    const ours = await startQuickstart(dir);
    targets.push(ours);
    const postfix = await startPostfixTarget();
    targets.push(postfix);
    const rounds = options.quick ? 1 : 3;
    const count = options.quick ? 600 : 3000;
    const burstSeconds = options.quick ? 10 : 30;
    // warm-up: JIT, Postfix's process pool, the Maildirs' creation
    for (const target of targets) await endToEnd(target, 200, true);
    const figures = new Map<Target, { reuse: Rates[]; perMessage: Rates[] }>(targets.map((t) => [t, { reuse: [], perMessage: [] }]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [ours, postfix] : [postfix, ours];
      for (const target of order) figures.get(target)!.reuse.push(await endToEnd(target, count, true));
      for (const target of order) figures.get(target)!.perMessage.push(await endToEnd(target, count / 2, false));
    }
    const med = (target: Target, mode: 'reuse' | 'perMessage', figure: keyof Rates) => median(figures.get(target)![mode].map((r) => r[figure]));
    const rate = Math.round(med(postfix, 'reuse', 'delivered'));
    const bursts = new Map<Target, Burst>();
    for (const target of [postfix, ours]) bursts.set(target, await burst(target, rate, burstSeconds));
    const logLines = (await readFile(join(dir, 'serve.log'), 'utf8')).split('\n').length - 1;
    process.stderr.write(`  end-to-end: smtppolicy wrote ${logLines} log lines\n`);

    const vsPostfix = (name: string, mode: 'reuse' | 'perMessage', figure: keyof Rates): BenchRow => {
      const value = med(ours, mode, figure);
      const reference = med(postfix, mode, figure);
      return { name, value, unit: 'msg/s', reference: { name: `Postfix, same load, virtual(8) Maildir`, value: reference }, target: '≥ 1× Postfix', met: value >= reference };
    };
    const oursBurst = bursts.get(ours)!;
    const postfixBurst = bursts.get(postfix)!;
    return [
      vsPostfix('delivered to Maildir (fsynced), 1 KiB, 20 sessions, (a) reusing connections', 'reuse', 'delivered'),
      vsPostfix('delivered to Maildir (fsynced), 1 KiB, 20 sessions, (b) one connection per message', 'perMessage', 'delivered'),
      vsPostfix('accepted while delivering, quickstart settings (logging on), (a) reusing connections', 'reuse', 'accepted'),
      vsPostfix('accepted while delivering, quickstart settings (logging on), (b) one connection per message', 'perMessage', 'accepted'),
      {
        name: `queue length after a ${burstSeconds} s burst at Postfix's delivered rate (${rate} msg/s; accepted at ${Math.round(oursBurst.acceptedRate)} msg/s)`,
        value: oursBurst.queued, unit: 'messages',
        reference: { name: `Postfix (accepted at ${Math.round(postfixBurst.acceptedRate)} msg/s)`, value: postfixBurst.queued },
      },
      {
        name: `drain time after that burst`, value: oursBurst.drainSeconds, unit: 's',
        reference: { name: 'Postfix', value: postfixBurst.drainSeconds }, target: '< 1 s (no backlog)', met: oursBurst.drainSeconds < 1,
      },
    ];
  } finally {
    for (const target of targets) await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 1);
