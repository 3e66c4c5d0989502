// `smtppolicy lsp --stdio`: the language server for editors, speaking JSON-RPC on stdin/stdout.

import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { CliIo, Command } from './command.js';
import { EXIT_OK, UsageError } from './command.js';
import { helpText, parseCommandArgs, type OptionTable } from './args.js';

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
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}': smtppolicy lsp --stdio`);
  if (!values.stdio) throw new UsageError('--stdio is required: the server speaks LSP on stdin/stdout');

  // stdout carries the protocol: anything else printed there would corrupt it.
  const toStderr = (...args: unknown[]) => io.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;

  const { startLanguageServer } = await import('../lsp/server.js');
  const connection = createConnection(new StreamMessageReader(io.stdin), new StreamMessageWriter(io.stdout));
  startLanguageServer(connection);
  // Serve until the client goes away: an `exit` notification ends the process from inside
  // vscode-languageserver; a closed stdin ends it here.
  return new Promise<number>((resolve) => {
    io.stdin.once('end', () => resolve(0));
    io.stdin.once('close', () => resolve(0));
  });
};
