// The shape every command module has, so that cli/main.ts only dispatches and tests can
// run a command in-process with captured output.

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The working directory that relative paths on the command line are read against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * The file this command runs from, when it runs as its own process (`smtppolicy …`): long
   * jobs restart it as a worker thread (the language server's formatting).
   */
  entry?: URL;
}

/** Exit codes shared by every command: 0 success, 1 findings or failed checks, 2 usage or I/O error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A command: parses its own arguments (argv excludes the command name) and returns its
 * exit code. Long-running commands (serve, lsp) resolve when they are done serving.
 */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Thrown for bad flags or arguments: main prints `smtppolicy: <message>` and exits 2. */
export class UsageError extends Error {}
