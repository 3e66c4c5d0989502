// `smtppolicy passwd <file> <user>`: adds or changes a user's password in a password file
// (format: runtime/auth/password-file.ts). The password is read from the terminal without
// echo, twice, or from the first line of stdin when it is not a terminal (for scripts:
// `printf '%s\n' "$PW" | smtppolicy passwd users.passwd demo@example.test`).
import { readFile, writeFile, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, type CliIo, type Command } from './command.js';
import { parseCommandArgs } from './args.js';
import { hashPassword } from '../runtime/auth/password-hash.js';
import { parsePasswordFile, upsertPasswordLine } from '../runtime/auth/password-file.js';

export const HELP = `Usage: smtppolicy passwd <file> <user>

Adds <user> to the password file, or changes their password. The password is read from the
terminal (not echoed, asked twice) or from the first line of standard input.
`;

const MIN_PASSWORD_LENGTH = 8;

async function readLineFromStdin(io: CliIo): Promise<string> {
  let data = '';
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

async function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            io.stderr.write('\n');
            return resolvePromise(value);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new UsageError('cancelled'));
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 2) throw new UsageError('passwd needs a file and a user name');
  const [fileArg, user] = positionals as [string, string];
  if (!/^[^\s:]+$/.test(user)) throw new UsageError(`user name '${user}' may not contain ':' or whitespace`);
  const file = resolve(io.cwd, fileArg);
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${fileArg}: ${(error as Error).message}`);
  }
  parsePasswordFile(existing, fileArg); // refuse to rewrite a file we cannot read back

  let password: string;
  if (io.stdin.isTTY) {
    password = await promptHidden(io, `Password for ${user}: `);
    if ((await promptHidden(io, 'Again: ')) !== password) throw new UsageError('the passwords do not match');
  } else {
    password = await readLineFromStdin(io);
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);

  const updated = upsertPasswordLine(existing, user, await hashPassword(password));
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, updated, { mode: 0o600 });
  await rename(temporary, file);
  io.stderr.write(`${existing.includes(`${user}:`) ? 'changed' : 'added'} ${user} in ${fileArg}\n`);
  return EXIT_OK;
};
