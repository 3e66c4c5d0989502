// Everything a child process wrote, once it has closed: for the tests that run a tool or the
// CLI as a process of its own. Never spawnSync where the server under test runs in this
// process: it would stop the server while the child talks to it.
import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  /** The exit status; null when a signal ended the child. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Rejects when the child cannot be started. */
export function childOutput(child: ChildProcess): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
