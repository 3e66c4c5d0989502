// `smtppolicy passwd <file> <user>`: adds or changes a user's secrets in a password file
// (format and trade-offs: runtime/auth/password-file.ts). The password is read from the
// terminal without echo, twice, or from the first line of stdin when it is not a terminal
// (for scripts: `printf '%s\n' "$PW" | smtppolicy passwd users.passwd demo@example.test`).
// The file is rewritten through a temporary file and a rename, with mode 0600, so the
// server (which polls it) never reads half a file.
import { constants } from 'node:fs';
import { access, readFile, writeFile, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT_OK, UsageError, type CliIo, type Command } from './command.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import { promptHidden, readLineFromStdin } from './read-secret.js';
import { cramMd5Secret, formatCramMd5Secret, formatTokenSecret, generateBearerToken, hashPassword, normalizeUser, parsePasswordFile, type PasswordEntry, PasswordFileError, type SecretChanges, updatePasswordLine } from '../runtime/auth/index.js';

export const OPTIONS = {
  'cram-md5': {
    type: 'boolean',
    description: `Also store a CRAM-MD5 secret made from the same password, for
\`challenge-response users STORE\`. Warning: this secret is
password-equivalent for CRAM-MD5 (whoever reads the file can log in as
the user with CRAM-MD5, though not learn the password): protect the file
like the passwords themselves.`,
  },
  token: {
    type: 'boolean',
    description: `Generate a random 256-bit bearer token for XOAUTH2 (\`token users STORE\`),
store only its SHA-256 hash and print the token once on standard output.
No password is asked; the user's password, if any, is kept.`,
  },
  remove: {
    type: 'boolean',
    description: `Remove the user. With --password, --cram-md5 or --token, remove only that
secret (a user keeps at least one).`,
  },
  password: {
    type: 'boolean',
    description: `With --remove: remove the password hash (the user can then log in only
with CRAM-MD5 or XOAUTH2).`,
  },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy passwd [options] <file> <user>

Adds <user> to the password file, or changes their password (scrypt hash, for the
\`basic\` methods PLAIN and LOGIN). The password is read from the terminal (not echoed,
asked twice) or from the first line of standard input. The user's other secrets are kept;
a CRAM-MD5 secret the user already has is renewed from the new password.`,
  options: OPTIONS,
  footer: 'The file is rewritten atomically with mode 0600.',
});

const MIN_PASSWORD_LENGTH = 8;

const CRAM_MD5_WARNING = (file: string, user: string) =>
  `warning: the CRAM-MD5 secret in ${file} is password-equivalent for CRAM-MD5: whoever can read the file can log in as ${user} `
  + 'with CRAM-MD5 (though not learn the password). Keep the file readable by the server alone, like the passwords themselves.\n';

async function readPassword(io: CliIo, user: string): Promise<string> {
  let password: string;
  if (io.stdin.isTTY) {
    password = await promptHidden(io, `Password for ${user}: `);
    if ((await promptHidden(io, 'Again: ')) !== password) throw new UsageError('the passwords do not match');
  } else {
    password = await readLineFromStdin(io);
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  return password;
}

/** Why the file could not be written, in the user's terms (the temporary file is ours, not theirs). */
function describeWriteError(error: unknown, fileArg: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `the directory ${dirname(fileArg)} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dirname(fileArg)}`;
    case 'EISDIR':
      return 'it is a directory';
    default:
      return (error as Error).message;
  }
}

type Flags = { 'cram-md5': boolean; token: boolean; remove: boolean; password: boolean };

function checkFlags(flags: Flags): void {
  if (flags.password && !flags.remove) throw new UsageError('--password only goes with --remove (a password is set without any flag)');
  if (flags.token && flags['cram-md5'] && !flags.remove) throw new UsageError('--token and --cram-md5 cannot be combined: run passwd once for each');
  if (flags.remove && [flags.password, flags['cram-md5'], flags.token].filter(Boolean).length > 1) {
    throw new UsageError('--remove takes at most one of --password, --cram-md5, --token');
  }
}

/** The changes for --remove, refusing what would leave nothing to remove or an empty user. */
function removal(flags: Flags, entry: PasswordEntry | undefined, fileArg: string, user: string): SecretChanges {
  if (!entry) throw new UsageError(`${fileArg} has no user '${user}'`);
  if (!flags.password && !flags['cram-md5'] && !flags.token) return { scrypt: null, 'cram-md5': null, token: null };
  const [scheme, present] = flags.password ? ['scrypt', entry.scrypt] as const
    : flags['cram-md5'] ? ['cram-md5', entry.cramMd5] as const
      : ['token', entry.token] as const;
  if (!present) throw new UsageError(`'${user}' has no ${scheme} secret in ${fileArg}`);
  const others = [entry.scrypt, entry.cramMd5, entry.token].filter((secret) => secret !== null).length - 1;
  if (others === 0) throw new UsageError(`that is the only secret of '${user}': use --remove alone to remove the user`);
  return { [scheme]: null };
}

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 2) throw new UsageError('passwd needs a file and a user name');
  const flags: Flags = { 'cram-md5': values['cram-md5'] === true, token: values.token === true, remove: values.remove === true, password: values.password === true };
  checkFlags(flags);
  const [fileArg, user] = positionals as [string, string];
  if (!/^[^\s:]+$/.test(user)) throw new UsageError(`user name '${user}' may not contain ':' or whitespace`);
  const file = resolve(io.cwd, fileArg);
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read ${fileArg}: ${(error as Error).message}`);
    // a new file: say now, not after the password has been typed twice, that it cannot be written
    await access(dirname(file), constants.W_OK).catch((reason: unknown) => {
      throw new UsageError(`cannot write ${fileArg}: ${describeWriteError(reason, fileArg)}`);
    });
  }
  // refuse to rewrite a file we cannot read back
  let entry: PasswordEntry | undefined;
  try {
    entry = parsePasswordFile(existing, fileArg).get(normalizeUser(user));
  } catch (error) {
    // a file the user must fix, not a bug in smtppolicy: report it as a usage error (exit 2)
    if (error instanceof PasswordFileError) throw new UsageError(error.message);
    throw error;
  }

  let changes: SecretChanges;
  let token: string | undefined;
  let done: string;
  if (flags.remove) {
    changes = removal(flags, entry, fileArg, user);
    done = flags.password || flags['cram-md5'] || flags.token ? `removed the ${flags.password ? 'password' : flags.token ? 'token' : 'CRAM-MD5 secret'} of ${user} from ${fileArg}` : `removed ${user} from ${fileArg}`;
  } else if (flags.token) {
    token = generateBearerToken();
    changes = { token: formatTokenSecret(token) };
    done = `${entry?.token ? 'replaced the token of' : entry ? 'added a token for' : 'added'} ${user} in ${fileArg}`;
  } else {
    const password = await readPassword(io, user);
    changes = { scrypt: await hashPassword(password) };
    // a CRAM-MD5 secret left from the old password would keep the old password working
    if (flags['cram-md5'] || entry?.cramMd5) changes['cram-md5'] = formatCramMd5Secret(cramMd5Secret(password));
    done = `${entry ? 'changed' : 'added'} ${user} in ${fileArg}${changes['cram-md5'] ? ' (password and CRAM-MD5 secret)' : ''}`;
  }

  const updated = updatePasswordLine(existing, user, changes);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, updated, { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    // name the file the user gave, not the temporary one beside it
    throw new UsageError(`cannot write ${fileArg}: ${describeWriteError(error, fileArg)}`);
  }
  if (changes['cram-md5']) io.stderr.write(CRAM_MD5_WARNING(fileArg, user));
  io.stderr.write(`${done}\n`);
  if (token !== undefined) {
    io.stderr.write('the token is shown only this once: give it to the client as its XOAUTH2 access token\n');
    io.stdout.write(`${token}\n`);
  }
  return EXIT_OK;
};
