// A JSON-RPC client for a language server running as a child process on stdin/stdout.

import { spawn, type ChildProcess } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection, type PublishDiagnosticsParams } from 'vscode-languageserver/node';

export interface StdioServer {
  child: ChildProcess;
  client: MessageConnection;
  stderr: () => string;
  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string, timeoutMs: number): Promise<PublishDiagnosticsParams>;
  /** shutdown + exit, then waits for the process to end (killing it if it does not). */
  stop(): Promise<number | null>;
}

export function spawnStdioServer(command: string, args: string[], cwd: string): StdioServer {
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => waiting.get(params.uri)?.(params));
  client.listen();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    client,
    stderr: () => stderr,
    nextDiagnostics(uri, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiting.set(uri, (params) => {
          clearTimeout(timer);
          waiting.delete(uri);
          resolve(params);
        });
      });
    },
    async stop() {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        if (child.exitCode === null) {
          await client.sendRequest('shutdown');
          await client.sendNotification('exit');
        }
        return await exited;
      } finally {
        clearTimeout(kill);
        client.dispose();
      }
    },
  };
}
