// `smtppolicy fmt [--check | --write] [paths…]`
// Formats policies in the canonical style through prettier and the smtppolicy/prettier
// plugin, so the command, `npx prettier` and the editor always agree.
// Exit 0: done (or, with --check, every file is formatted). 1: a file is not formatted
// (--check) or has syntax errors. 2: usage or I/O error.

import { chmod, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { type DecodedText, decodeUtf8, describeIoError, formatPretty, invalidUtf8Diagnostics, readDecodedFromDisk } from '../compiler/index.js';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveConfig } from 'prettier';
import { formatPolicy, PolicySyntaxError } from '../format/format.js';
import type { Diagnostic } from '../grammar/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { CliIo, Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { expandPolicyPaths } from './policy-files.js';

export const OPTIONS = {
  check: { type: 'boolean', description: 'list the files that are not formatted; exit 1 if there are any' },
  write: { type: 'boolean', description: 'rewrite the files that are not formatted, and list them' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy fmt [--check | --write] [paths…]

Formats .smtppolicy files in the canonical style (directories are searched). Without
--check or --write, prints the formatted file on standard output: one file, or standard
input when no path is given.`,
  options: OPTIONS,
  footer: `A prettier configuration (.prettierrc, .editorconfig) in the project is respected.
Files with syntax errors or bytes that are not UTF-8 are reported (as lint reports them)
and left as they are.
Exit status: 0 done, 1 a file is not formatted (--check) or cannot be formatted (syntax
errors, not UTF-8), 2 usage or I/O error.`,
});

type Mode = 'print' | 'check' | 'write';

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (values.check && values.write) throw new UsageError('--check and --write exclude each other');
  const mode: Mode = values.check ? 'check' : values.write ? 'write' : 'print';

  if (positionals.length === 0) {
    if (mode !== 'print') throw new UsageError(`no files given: smtppolicy fmt --${mode} <file.smtppolicy | directory>…`);
    if (io.stdin.isTTY) throw new UsageError('no files given: smtppolicy fmt <file.smtppolicy>, or a policy on standard input');
    return printFormatted(decodeUtf8(await readStream(io.stdin)), '<stdin>', join(io.cwd, 'stdin.smtppolicy'), io);
  }
  const files = await expandPolicyPaths(positionals, io.cwd);
  if (mode === 'print') {
    if (files.length !== 1) throw new UsageError(`${files.length} files given: add --check or --write to format several files`);
    const file = files[0] as string;
    return printFormatted(await readPolicy(file, io.cwd), file, resolve(io.cwd, file), io);
  }

  let failed = false;
  let unformatted = 0;
  for (const file of files) {
    const path = resolve(io.cwd, file);
    const text = await readPolicy(file, io.cwd);
    const formatted = await formatOrReport(text, file, path, io);
    if (formatted === undefined) {
      failed = true;
      continue;
    }
    if (formatted === text.text) continue;
    if (mode === 'write') await replaceFile(path, formatted);
    else unformatted++;
    io.stdout.write(`${file}\n`);
  }
  if (unformatted > 0) {
    const files = unformatted === 1 ? '1 file is' : `${unformatted} files are`;
    io.stderr.write(`smtppolicy fmt: ${files} not formatted (listed above): run smtppolicy fmt --write\n`);
    failed = true;
  }
  return failed ? EXIT_FINDINGS : EXIT_OK;
};

async function printFormatted(text: DecodedText, file: string, path: string, io: CliIo): Promise<number> {
  const formatted = await formatOrReport(text, file, path, io);
  if (formatted === undefined) return EXIT_FINDINGS;
  io.stdout.write(formatted);
  return EXIT_OK;
}

/**
 * The formatted text, or undefined after reporting why the file cannot be formatted. Bytes
 * that are not UTF-8 are reported like syntax errors, with lint's own diagnostics, and are
 * a finding in the file (exit 1), not a usage error: formatting them would write back
 * replacement characters and change the file's meaning without anyone asking.
 */
async function formatOrReport({ text, invalid }: DecodedText, file: string, path: string, io: CliIo): Promise<string | undefined> {
  if (invalid.length > 0) {
    reportUnformattable(invalidUtf8Diagnostics(text, invalid, file), file, text, 'is not valid UTF-8', io);
    return undefined;
  }
  const config = (await resolveConfig(path, { editorconfig: true })) ?? {};
  try {
    return await formatPolicy(text, { ...config, filepath: file });
  } catch (error) {
    if (!(error instanceof PolicySyntaxError)) throw error;
    reportUnformattable(error.diagnostics, file, text, 'has syntax errors', io);
    return undefined;
  }
}

function reportUnformattable(diagnostics: Diagnostic[], file: string, text: string, why: string, io: CliIo): void {
  const report = { diagnostics, sources: new Map([[file, text]]) };
  io.stderr.write(formatPretty(report, { color: Boolean(io.stderr.isTTY) && !io.env['NO_COLOR'] }));
  io.stderr.write(`smtppolicy fmt: ${file} ${why} and was not formatted\n`);
}

async function readPolicy(file: string, cwd: string): Promise<DecodedText> {
  try {
    return await readDecodedFromDisk(resolve(cwd, file));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${describeIoError(error)}`);
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Writes beside the file, then renames over it: a crash never leaves a half-written policy. */
async function replaceFile(given: string, text: string): Promise<void> {
  // Through a symbolic link to the file itself, so the link stays a link.
  const path = await realpath(given);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.fmt`);
  const { mode } = await stat(path);
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
    await chmod(temporary, mode & 0o7777);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new UsageError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
