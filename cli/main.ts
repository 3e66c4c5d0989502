#!/usr/bin/env node
// The `smtppolicy` command: dispatches to one module per command (cli/<command>.ts).
// Modules are imported lazily so that `lint` never pays for loading the SMTP server.

import { realpathSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CliIo, Command } from './command.js';
import { EXIT_USAGE, UsageError } from './command.js';
import { packageVersion } from './package-root.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  lint: { summary: 'check policies for errors and insecure settings', load: () => import('./lint.js') },
  compile: { summary: 'compile a policy to its runtime config (JSON), or to Postfix (--target postfix)', load: () => import('./compile.js') },
  import: { summary: "write the policy of an existing MTA's configuration (import postfix DIR)", load: () => import('./import.js') },
  fmt: { summary: 'format policies in the canonical style (--check, --write)', load: () => import('./fmt.js') },
  rules: { summary: 'list the lint rules, or show one rule’s documentation', load: () => import('./rules.js') },
  lsp: { summary: 'run the language server for editors (--stdio)', load: () => import('./lsp.js') },
  serve: { summary: 'run the SMTP server for a policy or runtime config', load: () => import('./serve.js') },
  passwd: { summary: 'add or change a user in a password file', load: () => import('./passwd.js') },
  users: { summary: 'check a login against a credential store (users test POLICY STORE USER)', load: () => import('./users.js') },
  queue: { summary: 'list, show, hold, release, delete or requeue queued mail', load: () => import('./queue.js') },
  explain: { summary: 'show what the policy decides for a given client, and why', load: () => import('./explain.js') },
  verify: { summary: 'probe a running server over SMTP and check it behaves as its policy says', load: () => import('./verify.js') },
  graph: { summary: 'draw who may connect or relay, by client address, per server (SVG or HTML)', load: () => import('./graph.js') },
  diff: { summary: 'show who gains or loses connect, relay, AUTH in clear or TLS between two policies', load: () => import('./diff.js') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: smtppolicy <command> [options]', '', 'Commands:', ...lines, '', "Run 'smtppolicy <command> --help' for a command's options."].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`smtppolicy: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT_USAGE;
  }
  try {
    return await (await command.load()).run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`smtppolicy ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // An operating-system error (a file, a directory, a socket) that a command did not
    // word itself is still an I/O error, exit 2 as documented, not a bug in smtppolicy.
    if (isSystemError(error)) {
      io.stderr.write(`smtppolicy ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** Node's errors from a system call carry the call and its errno code (`ENOENT`, `EACCES`, …). */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string' && typeof (error as NodeJS.ErrnoException).code === 'string';
}

if (!isMainThread) {
  // The language server's formatting worker runs this same file (lsp/format-worker.ts).
  void import('../lsp/format-worker.js').then((worker) => {
    if (worker.isFormatWorker()) worker.serveFormatRequests();
  });
} else if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `smtppolicy rules | head`: a reader that stops early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env, entry: new URL(import.meta.url) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`smtppolicy: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70; // EX_SOFTWARE: a bug in smtppolicy, not in the policy
    },
  );
}
