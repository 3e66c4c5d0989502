// `smtppolicy import postfix <DIR> [-o out.smtppolicy]`
// Reads a Postfix configuration (main.cf, master.cf and the tables they name) and writes the
// equivalent policy; every line that maps only approximately carries a comment saying what
// differs. Exit 1 when a Postfix file cannot be read as Postfix reads it (file:line:column).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { FROM, PostfixImportError, readPostfixDirectory } from './postfix-import.js';

export const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'out.smtppolicy', description: 'write the policy to this file instead of standard output' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy import postfix <DIR> [-o out.smtppolicy]

Reads Postfix's main.cf, master.cf and the tables they name (cidr:, hash:/texthash: source
files, inline:{ … }) in DIR and writes the equivalent policy. Lines marked
'# approximate:' say what Postfix does differently. 'smtppolicy lint --from postfix DIR'
lints the same policy and reports at the Postfix settings.`,
  options: OPTIONS,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const [from, directory, ...rest] = args.positionals;
  if (from === undefined || directory === undefined || rest.length > 0) throw new UsageError('expected: smtppolicy import postfix <DIR>');
  if (!(FROM as readonly string[]).includes(from)) throw new UsageError(`cannot import from '${from}' (expected ${FROM.join(', ')})`);
  let imported;
  try {
    imported = await readPostfixDirectory(directory, io.cwd);
  } catch (error) {
    if (error instanceof PostfixImportError) {
      io.stderr.write(`smtppolicy import: ${error.message}\n`);
      return EXIT_FINDINGS;
    }
    throw error;
  }
  if (args.values.output === undefined) io.stdout.write(imported.text);
  else {
    try {
      await writeFile(resolve(io.cwd, args.values.output), imported.text);
    } catch (error) {
      throw new UsageError(`cannot write ${args.values.output}: ${(error as Error).message}`);
    }
  }
  if (imported.approximations.length > 0) io.stderr.write(`smtppolicy import: ${imported.approximations.length} line(s) map only approximately (marked '# approximate:')\n`);
  return EXIT_OK;
};
