// `smtppolicy lsp --stdio`: the language server for editors, speaking JSON-RPC on stdin/stdout.

import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { CliIo, Command } from './command.js';
import { EXIT_OK, UsageError } from './command.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';

export const OPTIONS = {
  stdio: { type: 'boolean', description: 'speak the Language Server Protocol on stdin/stdout (required)' },
  clientProcessId: { type: 'string', value: 'PID', description: "the editor's process id (LSP clients pass it; not used)" },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy lsp --stdio

Runs the smtppolicy language server over standard input and output, for editors
(the VS Code extension starts it this way).`,
  options: OPTIONS,
});

export const run: Command = async (argv, io: CliIo) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}': smtppolicy lsp --stdio`);
  if (!values.stdio) throw new UsageError('--stdio is required: the server speaks LSP on stdin/stdout');

  // stdout carries the protocol: anything else printed there would corrupt it.
  const toStderr = (...args: unknown[]) => io.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;

  const { startLanguageServer } = await import('../lsp/server.js');
  const { workerFormatter } = await import('../lsp/format-worker.js');
  const reader = new StreamMessageReader(io.stdin);
  const connection = createConnection(reader, new StreamMessageWriter(io.stdout));
  let shutdownReceived = false;
  connection.onShutdown(() => {
    shutdownReceived = true;
  });
  // Run from the command, formatting gets a worker thread; run in-process (tests), the caller's thread.
  const server = startLanguageServer(connection, io.entry ? { formatter: workerFormatter(io.entry) } : {});

  // Serve until the client goes away. An `exit` notification ends the process from inside
  // vscode-languageserver. The end of input ends it here: without shutdown first, with 1
  // (LSP: the client went away without asking). A framing error (a bad or missing
  // Content-Length) leaves the reader unable to find the next message, so the server could
  // never answer again: say so on stderr and stop with 1 rather than sit there deaf.
  return new Promise<number>((resolve) => {
    let ended = false;
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      server.dispose();
      connection.dispose();
      resolve(code);
      // The library's parent-process watchdog (initialize's processId) holds an interval we
      // cannot clear, and would keep the process running without a client: a process of its
      // own ends here.
      if (io.stdin === process.stdin) process.exit(code);
    };
    reader.onError((error) => {
      io.stderr.write(`smtppolicy lsp: unreadable message from the client, stopping: ${error.message}\n`);
      end(1);
    });
    io.stdin.once('end', () => end(shutdownReceived ? 0 : 1));
    io.stdin.once('close', () => end(shutdownReceived ? 0 : 1));
  });
};
