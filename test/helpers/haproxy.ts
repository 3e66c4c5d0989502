// A real HAProxy (the Debian package) in the foreground, for the deployment tests and the
// bench behind a balancer: the test's configuration written into a temp dir, checked with
// `haproxy -c` first (a clear error instead of a process that exits), then run with `-db`.
// A stats socket in the same dir is added to the `global` section: it says when HAProxy is
// ready and, later, which servers it considers up (`show servers state`).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { childOutput } from './child-output.js';
import { requireTool, runTool } from './tools.js';

export interface Haproxy {
  pid: number;
  /** What HAProxy wrote so far (with `log stderr …`, its log lines too). */
  output(): string;
  /** Operational state of each server of `backend`, by name: 'up', 'down' or HAProxy's number. */
  serverStates(backend: string): Promise<Map<string, string>>;
  /** Resolves once `backend/server` is in `state`; rejects after `timeoutMs`. */
  waitForServer(backend: string, server: string, state: 'up' | 'down', timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts HAProxy; returns null (test skipped) when it is missing outside CI, fails under CI=true. */
export async function startHaproxy(t: TestContext, config: string): Promise<Haproxy | null> {
  const binary = requireTool(t, 'haproxy', 'haproxy');
  if (!binary) return null;
  const haproxy = await launchHaproxy(binary, config);
  t.after(() => haproxy.stop());
  return haproxy;
}

/** Runs `binary -f <config> -db` (for callers without a TestContext: the benches). */
export async function launchHaproxy(binary: string, config: string): Promise<Haproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-haproxy-'));
  const socket = join(dir, 'admin.sock');
  if (!/^global[ \t]*$/m.test(config)) throw new Error('the HAProxy configuration has no `global` section');
  const withSocket = config.replace(/^global[ \t]*$/m, `global\n    stats socket ${socket} mode 600 level admin`);
  const configPath = join(dir, 'haproxy.cfg');
  await writeFile(configPath, withSocket);
  const checked = await runTool(binary, ['-c', '-f', configPath]);
  if (checked.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`haproxy -c refused the configuration:\n${checked.stdout}${checked.stderr}\n--- configuration ---\n${withSocket}`);
  }
  const child = spawn(binary, ['-f', configPath, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = childOutput(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += String(d)));
  child.stderr!.on('data', (d: Buffer) => (output += String(d)));

  const ask = (command: string) => statsCommand(socket, command);
  const serverStates = async (backend: string) => {
    // `show servers state BACKEND`: a version line, a header line of field names, one line per server
    const lines = (await ask(`show servers state ${backend}`)).split('\n').filter((l) => l.trim() !== '');
    const header = lines.find((l) => l.startsWith('#'))?.replace(/^#\s*/, '').split(' ') ?? [];
    const name = header.indexOf('srv_name');
    const state = header.indexOf('srv_op_state');
    if (name < 0 || state < 0) throw new Error(`unexpected answer to show servers state: ${lines.join(' | ')}`);
    const states = new Map<string, string>();
    for (const line of lines.filter((l) => !l.startsWith('#') && /^\d+ /.test(l))) {
      const fields = line.split(' ');
      // srv_op_state: 0 stopped (down), 2 running (up); 1 starting and 3 stopping are in between
      const op = fields[state]!;
      states.set(fields[name]!, op === '2' ? 'up' : op === '0' ? 'down' : op);
    }
    return states;
  };

  // ready: the stats socket answers (HAProxy binds every listener before it serves any)
  for (const deadline = Date.now() + 10_000; ;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}) at start:\n${output}`);
    try {
      await ask('show info');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`haproxy's stats socket did not answer within 10 s (${(error as Error).message}):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    pid: child.pid!,
    output: () => output,
    serverStates,
    async waitForServer(backend, server, state, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let seen: string | undefined;
      while (Date.now() < deadline) {
        seen = (await serverStates(backend)).get(server);
        if (seen === state) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`haproxy: ${backend}/${server} is ${seen ?? 'unknown'}, not ${state}, after ${timeoutMs} ms:\n${output}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One command on HAProxy's stats socket; HAProxy answers and closes. */
function statsCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answer = '';
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (d: string) => (answer += d));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
  });
}
