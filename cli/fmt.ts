// `smtppolicy fmt [--check | --write] [paths…]`
// Formats policies in the canonical style through prettier and the smtppolicy/prettier
// plugin, so the command, `npx prettier` and the editor always agree.
// Exit 0: done (or, with --check, every file is formatted). 1: a file is not formatted
// (--check) or has syntax errors. 2: usage or I/O error.

import { chmod, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { LineIndex } from '../grammar/index.js';
import { describeIoError, readDecodedFromDisk } from '../compiler/source-set.js';
import { decodeUtf8, type DecodedText } from '../compiler/utf8-text.js';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveConfig } from 'prettier';
import { formatPretty } from '../compiler/report/pretty.js';
import { formatPolicy, PolicySyntaxError } from '../format/format.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { parseCommandArgs } from './args.js';
import type { CliIo, Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { expandPolicyPaths } from './policy-files.js';

export const HELP = `Usage: smtppolicy fmt [--check | --write] [paths…]

Formats .smtppolicy files in the canonical style (directories are searched).
  (no flag)  print the formatted file on standard output: one file, or standard input
             when no path is given
  --check    list the files that are not formatted; exit 1 if there are any
  --write    rewrite the files that are not formatted, and list them
A prettier configuration (.prettierrc, .editorconfig) in the project is respected.
Files with syntax errors are reported and left as they are.
Exit status: 0 done, 1 a file is not formatted (--check) or has syntax errors,
2 usage or I/O error.`;

type Mode = 'print' | 'check' | 'write';

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {
    check: { type: 'boolean' },
    write: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  if (values.check && values.write) throw new UsageError('--check and --write exclude each other');
  const mode: Mode = values.check ? 'check' : values.write ? 'write' : 'print';

  if (positionals.length === 0) {
    if (mode !== 'print') throw new UsageError(`no files given: smtppolicy fmt --${mode} <file.smtppolicy | directory>…`);
    if (io.stdin.isTTY) throw new UsageError('no files given: smtppolicy fmt <file.smtppolicy>, or a policy on standard input');
    return printFormatted(await readStream(io.stdin), '<stdin>', join(io.cwd, 'stdin.smtppolicy'), io);
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
    if (formatted === text) continue;
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

async function printFormatted(text: string, file: string, path: string, io: CliIo): Promise<number> {
  const formatted = await formatOrReport(text, file, path, io);
  if (formatted === undefined) return EXIT_FINDINGS;
  io.stdout.write(formatted);
  return EXIT_OK;
}

/** The formatted text, or undefined after reporting the file's syntax errors. */
async function formatOrReport(text: string, file: string, path: string, io: CliIo): Promise<string | undefined> {
  const config = (await resolveConfig(path, { editorconfig: true })) ?? {};
  try {
    return await formatPolicy(text, { ...config, filepath: file });
  } catch (error) {
    if (!(error instanceof PolicySyntaxError)) throw error;
    reportSyntaxErrors(error.diagnostics, file, text, io);
    return undefined;
  }
}

function reportSyntaxErrors(diagnostics: Diagnostic[], file: string, text: string, io: CliIo): void {
  const report = { diagnostics, sources: new Map([[file, text]]) };
  io.stderr.write(formatPretty(report, { color: Boolean(io.stderr.isTTY) && !io.env['NO_COLOR'] }));
  io.stderr.write(`smtppolicy fmt: ${file} has syntax errors and was not formatted\n`);
}

async function readPolicy(file: string, cwd: string): Promise<string> {
  let decoded: DecodedText;
  try {
    decoded = await readDecodedFromDisk(resolve(cwd, file));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${describeIoError(error)}`);
  }
  return validText(decoded, file);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return validText(decodeUtf8(Buffer.concat(chunks)), '<stdin>');
}

/**
 * Formatting text whose bytes are not UTF-8 would write back replacement characters in
 * their place: the file would change meaning without anyone asking. Refuse instead.
 */
function validText({ text, invalid }: DecodedText, file: string): string {
  const first = invalid[0];
  if (!first) return text;
  const { line, column } = new LineIndex(text).position(first.offset);
  throw new UsageError(`${file}:${line}:${column}: not valid UTF-8 (${invalid.length} bad byte sequence${invalid.length === 1 ? '' : 's'}); not formatted`);
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
