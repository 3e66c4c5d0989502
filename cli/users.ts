// `smtppolicy users test <policy> <store> <user>`: checks one login against a credential
// store of a policy, as the server would (like Cyrus SASL's testsaslauthd): a password
// file, or a directory (search with the service account, bind as the user). The password
// is read from the terminal without echo, or from the first line of standard input.
// Exit status: 0 the login is right, 1 it is wrong (or the store cannot check it), 2 a
// usage error, 75 (EX_TEMPFAIL) the directory could not answer: the server's 454 4.7.0.
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo, type Command } from './command.js';
import { loadPolicyOrConfig, PolicyHasErrors } from './load-config.js';
import { promptHidden, readLineFromStdin } from './read-secret.js';
import { didYouMean, formatPretty } from '../compiler/index.js';
import { DirectoryUnavailableError, openUserStore } from '../runtime/auth/index.js';

/** sysexits.h: a temporary failure, try again later. */
export const EXIT_TEMPFAIL = 75;

export const OPTIONS = {} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy users test <policy> <store> <user>

Checks <user>'s password against the credential store <store> of the policy (a
.smtppolicy entry or a runtime config JSON), the way the server checks PLAIN and LOGIN.
The password is read from the terminal (not echoed) or from the first line of standard
input. Exit status: 0 right, 1 wrong, 75 the directory could not answer (the server
would reply 454 4.7.0).`,
  options: OPTIONS,
});

export const run: Command = async (argv: string[], io: CliIo) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const [subcommand, entry, storeName, user] = args.positionals;
  if (subcommand !== 'test') throw new UsageError(`users needs a subcommand: users test <policy> <store> <user>${subcommand === undefined ? '' : `, found '${subcommand}'`}`);
  if (entry === undefined || storeName === undefined || user === undefined || args.positionals.length !== 4) throw new UsageError('users test needs a policy, a store name and a user name');

  let loaded;
  try {
    loaded = await loadPolicyOrConfig(entry, io.cwd, { allowRuleErrors: true });
  } catch (error) {
    if (!(error instanceof PolicyHasErrors)) throw error;
    io.stderr.write(formatPretty(error.report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR }));
    io.stderr.write('smtppolicy users: the policy has errors\n');
    return EXIT_FINDINGS;
  }
  const names = loaded.config.userStores.map((store) => store.name);
  const storeConfig = loaded.config.userStores.find((store) => store.name === storeName);
  if (!storeConfig) throw new UsageError(`no user store named '${storeName}'${didYouMean(storeName, new Set(names))}${names.length > 0 ? ` (stores: ${names.join(', ')})` : ''}`);

  const password = io.stdin.isTTY ? await promptHidden(io, `Password for ${user}: `) : await readLineFromStdin(io);
  let store;
  try {
    store = await openUserStore(storeConfig, { baseDir: loaded.baseDir, env: io.env });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    const verified = await store.verify(user, password);
    if (verified === null) {
      io.stdout.write(`FAIL: wrong user name or password for '${user}' in store '${storeName}'\n`);
      return EXIT_FINDINGS;
    }
    io.stdout.write(`OK: '${verified}' logs in with store '${storeName}'\n`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    io.stderr.write(`smtppolicy users: ${error.message}\n`);
    return EXIT_TEMPFAIL;
  } finally {
    store.close();
  }
};
