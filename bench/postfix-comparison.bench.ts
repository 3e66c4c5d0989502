// smtppolicy next to Postfix, both driven by Postfix's own load generator `smtp-source`:
// 1 KiB messages, 20 parallel sessions, (a) each session reusing its connection (`-d`) and
// (b) one connection per message. smtppolicy runs its full stack (compiled policy with a
// connection list and relay by address, STARTTLS off, no auth, decisions logged, the durable
// spool) as a child process (bench/server-throughput/server-child.ts), then as the shipped
// `serve --workers 2` (bench/serve-child.ts, issue 22); Postfix runs from a
// temp dir (bench/postfix/postfix.ts) with the same relay rule, fsyncing its queue files as
// it always does, and a `discard` transport. Each figure is the median of several runs, and
// every run is checked: the number of messages each server accepted must equal the number
// sent (a server that refuses mail quickly must not look fast).
//
// Requires root and Debian's postfix package (bench/postfix/install.sh).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileToRuntimeConfig, hasErrors } from '../compiler/index.js';
import { bundleShipped } from './shipped.js';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { postfixUnavailable, startPostfix } from './postfix/postfix.js';
import { freePort, smtpSource } from './postfix/smtp-source.js';
import { startServe } from './serve-child.js';

const SESSIONS = 20;
const MESSAGE_BYTES = 1024;
const RELAY_NETWORKS = '127.0.0.0/8';
// The server runs as it ships: bundled to plain JavaScript (bench/shipped.ts), not under tsx,
// whose closure wrappers cost the server as they cost the compiler.
const CHILD = 'bench/server-throughput/server-child.ts';

interface Target {
  name: string;
  port: number;
  /** How many messages the server has accepted so far. */
  accepted(): Promise<number>;
  stop(): Promise<void>;
}

async function startSmtppolicy(dir: string): Promise<Target> {
  const policyPath = join(dir, 'bench.smtppolicy');
  await writeFile(policyPath, benchPolicyText(RELAY_NETWORKS));
  const compiled = await compileToRuntimeConfig(policyPath);
  if (hasErrors(compiled.diagnostics)) throw new Error(`bench policy: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const configPath = join(dir, 'bench.json');
  await writeFile(configPath, JSON.stringify(compiled.config));
  const child: ChildProcess = spawn(process.execPath, [await bundleShipped(CHILD), 'policy', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (data: string) => {
      out += data;
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`smtppolicy server exited (${code}) before it was ready`)));
  });
  const queue = join(dir, 'spool', 'queue');
  return {
    name: 'smtppolicy',
    port,
    // one file per message (.msg), or a message file beside its envelope (.eml, before
    // the one-file spool): either way one name per message, for the checkout being measured
    accepted: async () => (await readdir(queue)).filter((f) => f.endsWith('.msg') || f.endsWith('.eml')).length,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * `smtppolicy serve --workers 2` (issue 22), the shipped CLI on the same policy: the primary
 * hands connections to two workers and runs the one delivery worker, which holds the relayed
 * mail (`relay-to hold`: read once and kept, as Postfix's `discard` transport reads and drops).
 */
async function startServeWorkers(dir: string): Promise<Target> {
  const serve = await startServe(dir, {
    workers: 2,
    policy: (listen) => benchPolicyText(RELAY_NETWORKS).replace('listen 127.0.0.1:2525', `listen ${listen}\n  relay-to hold`),
  });
  const queue = join(dir, 'spool', 'queue');
  return {
    name: 'smtppolicy serve --workers 2',
    port: serve.port,
    accepted: async () => (await readdir(queue).catch(() => [] as string[])).filter((f) => f.endsWith('.msg')).length,
    stop: () => serve.stop(),
  };
}

async function startPostfixTarget(): Promise<Target> {
  const postfix = await startPostfix({ port: await freePort(), mynetworks: RELAY_NETWORKS });
  return {
    name: 'Postfix',
    port: postfix.port,
    // qmgr logs one `from=<…>, size=…` line per message it took from the incoming queue.
    accepted: async () => {
      const log = await readFile(postfix.logFile, 'utf8').catch(() => '');
      return log.split('\n').filter((line) => /postfix\/qmgr\[\d+\]: \w+: from=</.test(line)).length;
    },
    stop: () => postfix.stop(),
  };
}

/** Waits (briefly) until `target` has accepted `expected` messages in all; throws otherwise. */
async function checkAccepted(target: Target, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let accepted = await target.accepted();
  while (accepted < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    accepted = await target.accepted();
  }
  if (accepted !== expected) throw new Error(`${target.name} accepted ${accepted} messages, expected ${expected}`);
}

async function measure(target: Target, options: BenchOptions): Promise<{ reuse: number; perMessage: number }> {
  const runs = options.quick ? 3 : 5;
  const count = options.quick ? 400 : 2000;
  let sent = 0;
  const send = async (n: number, reuse: boolean) => {
    const rate = await smtpSource({ port: target.port, count: n, reuse, sessions: SESSIONS, recipient: 'rcpt@remote.example', messageBytes: MESSAGE_BYTES });
    sent += n;
    await checkAccepted(target, sent);
    return rate;
  };
  await send(200, true); // warm-up: JIT, Postfix's process pool, directories
  await send(200, false);
  const reuse: number[] = [];
  const perMessage: number[] = [];
  for (let i = 0; i < runs; i++) {
    reuse.push(await send(count, true));
    perMessage.push(await send(count, false));
  }
  return { reuse: median(reuse), perMessage: median(perMessage) };
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const unavailable = postfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-vs-postfix-'));
  const targets: Target[] = [];
  try {
    const ours = await startSmtppolicy(dir);
    targets.push(ours);
    const oursResult = await measure(ours, options);
    await ours.stop();
    targets.pop();
    const workersDir = join(dir, 'workers');
    await mkdir(workersDir);
    const workers = await startServeWorkers(workersDir);
    targets.push(workers);
    const workersResult = await measure(workers, options);
    await workers.stop();
    targets.pop();
    const postfix = await startPostfixTarget();
    targets.push(postfix);
    const postfixResult = await measure(postfix, options);
    const reference = (value: number) => ({ name: 'Postfix, same load (smtp-source)', value });
    return [
      {
        name: 'smtp-source, 1 KiB, 20 sessions, (a) reusing connections',
        value: oursResult.reuse,
        unit: 'msg/s',
        reference: reference(postfixResult.reuse),
        target: '≥ 3× Postfix',
        met: oursResult.reuse >= 3 * postfixResult.reuse,
      },
      {
        name: 'smtp-source, 1 KiB, 20 sessions, (b) one connection per message',
        value: oursResult.perMessage,
        unit: 'msg/s',
        reference: reference(postfixResult.perMessage),
        target: '≥ Postfix',
        met: oursResult.perMessage >= postfixResult.perMessage,
      },
      {
        name: 'serve --workers 2, smtp-source, 1 KiB, 20 sessions, (a) reusing connections',
        value: workersResult.reuse,
        unit: 'msg/s',
        reference: reference(postfixResult.reuse),
        target: '≥ 3× Postfix',
        met: workersResult.reuse >= 3 * postfixResult.reuse,
      },
      {
        name: 'serve --workers 2, smtp-source, 1 KiB, 20 sessions, (b) one connection per message',
        value: workersResult.perMessage,
        unit: 'msg/s',
        reference: reference(postfixResult.perMessage),
        target: '≥ 1.5× Postfix',
        met: workersResult.perMessage >= 1.5 * postfixResult.perMessage,
      },
    ];
  } finally {
    for (const target of targets) await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 0);
