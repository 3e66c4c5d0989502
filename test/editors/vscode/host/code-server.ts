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
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
      // with-node.sh and code-server.sh exec node, so this is code-server itself; it ends its extension hosts.
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
