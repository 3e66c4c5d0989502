// `smtppolicy lsp --stdio`: the language server for editors, speaking JSON-RPC on stdin/stdout.

import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { CliIo, Command } from './command.js';
import { UsageError } from './command.js';

const HELP = `Usage: smtppolicy lsp --stdio

Runs the smtppolicy language server over standard input and output, for editors
(the VS Code extension starts it this way).

Options:
  --stdio   speak the Language Server Protocol on stdin/stdout (required)
  -h, --help`;

export const run: Command = async (argv, io: CliIo) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--stdio' && !a.startsWith('--clientProcessId'));
  if (unknown.length) throw new UsageError(`unknown option '${unknown[0]}'. ${HELP.split('\n')[0]}`);
  if (!argv.includes('--stdio')) throw new UsageError('--stdio is required: the server speaks LSP on stdin/stdout');

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
