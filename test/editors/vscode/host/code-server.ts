// code-server (VS Code in a browser) for the host test: installed once per machine by
// scripts/code-server.sh, run here with its own user data, extensions and workspace, on a
// port the OS chooses, on loopback, without login.

import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const SCRIPT = resolve('scripts', 'code-server.sh');

export interface CodeServer {
  /** The workbench address, e.g. http://127.0.0.1:40123/ */
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Runs scripts/code-server.sh with `args` to the end (installing code-server if this machine has none). */
export function codeServerCommand(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) done(output);
      else fail(new Error(`scripts/code-server.sh ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Directories of one isolated VS Code: settings, extensions, the folder it opens. */
export function hostArgs(dir: string): string[] {
  return [
    // An empty config file: nothing from the user's ~/.config/code-server applies, and none is written there.
    '--config', join(dir, 'config.yaml'),
    '--user-data-dir', join(dir, 'user-data'),
    '--extensions-dir', join(dir, 'extensions'),
  ];
}

export async function startCodeServer(dir: string, folder: string, timeoutMs: number): Promise<CodeServer> {
  const child: ChildProcess = spawn(
    'bash',
    [SCRIPT, ...hostArgs(dir), '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', folder],
    // Its own process group: VS Code forks helpers (file watcher, extension host) that outlive
    // a SIGTERM to code-server alone; the group is ended together.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const read = (c: Buffer): void => {
      output += c.toString();
      const listening = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        done(listening[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`code-server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      const group = -child.pid!;
      const signal = (name: NodeJS.Signals): void => {
        try {
          process.kill(group, name);
        } catch {
          // the group is gone already
        }
      };
      signal('SIGTERM');
      const killer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      // code-server has gone; its helpers in the group may not have.
      signal('SIGKILL');
    },
  };
}
