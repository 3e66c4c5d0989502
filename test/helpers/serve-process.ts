// `smtppolicy serve` as a real child process (through tsx, from the sources), for tests that
// need what only a process has: signals (SIGHUP, SIGTERM, SIGKILL), exit codes, stderr.
// Its JSON log lines are parsed as they arrive; the process is SIGKILLed when the test ends
// if it is still running, whatever the test's outcome.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export type LogLine = Record<string, unknown>;

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  logs: LogLine[];
  /** stdout lines that are not JSON (should stay empty) and everything on stderr. */
  stderr(): string;
  /** Resolves with the first log line (past or future) matching `match`. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Waits for `count` 'listening' lines; returns the ports in order. */
  waitListening(count: number, timeoutMs?: number): Promise<number[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL and wait (no-op when it has exited). */
  kill(): Promise<void>;
}

/** A TCP port that was free a moment ago (configs need fixed ports: the schema forbids 0). */
// the ports tests give servers that cannot bind port 0 themselves (configs, Postfix)
export { freePort } from './free-port.js';

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node --import tsx cli/main.ts <args>` (e.g. ['serve', file]). */
export function spawnCli(t: TestContext, args: string[], options: SpawnOptions = {}): ServeProcess {
  return spawnNode(t, ['--import', TSX, MAIN, ...args], options);
}

/**
 * Runs `node <args>` in its own process group, so that the kill at the end of the test also
 * reaches the processes it starts (`npm start` runs serve as a child).
 */
export function spawnNode(t: TestContext, args: string[], options: SpawnOptions = {}): ServeProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logs: LogLine[] = [];
  let errText = '';
  let partial = '';
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (data: string) => {
    partial += data;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const text of lines) {
      if (!text.trim()) continue;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        errText += `${text}\n`;
        continue;
      }
      logs.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (data: string) => (errText += data));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const kill = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    await exited;
  };
  t.after(kill);

  const waitForLog = (match: (line: LogLine) => boolean, what: string, timeoutMs = 20000): Promise<LogLine> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${errText.trim() || '(empty)'}`));
      }, timeoutMs);
      const waiter = { match, resolve: (l: LogLine) => { clearTimeout(timer); resolve(l); } };
      waiters.push(waiter);
      void exited.then(({ code, signal }) => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`serve exited (${code ?? signal}) while waiting for ${what}; stderr: ${errText.trim() || '(empty)'}`));
      });
    });
  };

  return {
    child,
    pid: child.pid!,
    logs,
    stderr: () => errText,
    waitForLog,
    async waitListening(count, timeoutMs = 30000) {
      await waitForLog(() => logs.filter((l) => l.event === 'listening').length >= count, `${count} listening line(s)`, timeoutMs);
      return logs.filter((l) => l.event === 'listening').slice(0, count).map((l) => Number(l.port));
    },
    exited,
    kill,
  };
}
