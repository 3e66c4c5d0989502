// A real Redis on loopback for the tests of the shared state across hosts: redis-server on
// an OS-chosen port, in a directory of its own, with no persistence (no RDB, no AOF), so
// that no test sees another's keys and nothing is left behind. It can be stopped and
// started again on the same port (the "Redis down mid-test" tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './free-port.js';
import { requireTool } from './tools.js';

export interface RedisFixture {
  port: number;
  /** `redis://127.0.0.1:<port>/0` */
  url: string;
  /** Stops the server (SIGKILL: as a crash or a network cut looks to clients). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Starts redis-server; returns null (test skipped) when it is missing outside CI. */
export async function startRedis(t: TestContext, options: { requirePass?: string } = {}): Promise<RedisFixture | null> {
  const binary = requireTool(t, 'redis-server', 'redis-server');
  if (!binary) return null;
  return launchRedis(binary, options);
}

/** Starts the redis-server at `binary` (the benchmarks' entry: no test context). */
export async function launchRedis(binary: string, options: { requirePass?: string } = {}): Promise<RedisFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    // arguments, not a config file: nothing on disk but the working directory
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.requirePass) args.push('--requirepass', options.requirePass);
    const spawned = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = spawned;
    let stderr = '';
    spawned.stderr?.on('data', (d) => (stderr += String(d)));
    exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (spawned.exitCode !== null) throw new Error(`redis-server did not start: ${stderr.trim()}`);
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`redis-server did not answer on port ${port} within 5 s: ${stderr.trim()}`);
  };
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis answers PING (or says it wants a password) on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(String(data)));
    });
  });
}
