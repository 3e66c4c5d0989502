// Runs the `smtppolicy` command in-process with captured output, for fast CLI tests;
// `spawnCli` runs it as a real process, for what only a process shows (exit codes, stdio).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { childOutput } from '../helpers/child-output.js';
import type { CliIo } from '../../cli/command.js';
import { main } from '../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export async function runCli(argv: string[], options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const io: CliIo = { stdout, stderr, stdin, cwd: options.cwd ?? REPO_ROOT, env: options.env ?? {} };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}

export async function spawnCli(argv: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  // tsx by absolute URL: the child's working directory may be a temp dir without node_modules.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'cli', 'main.ts'), ...argv], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = childOutput(child);
  child.stdin.end(options.input ?? '');
  const { status, stdout, stderr } = await output;
  return { code: status ?? -1, stdout, stderr };
}
