// `smtppolicy compile --target postfix|opensmtpd -o DIR`: the policy as another MTA's configuration.
// The files go into DIR; the report of how faithfully each setting the policy uses came
// through goes to standard output (pretty or json). A setting the MTA cannot express
// (unsupported) stops it, with nothing written, unless --allow-approximate says to write
// the rest anyway: a translation must never silently drop a piece of the policy.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { RuntimeConfig } from '../runtime/config/index.js';
import { formatTargetJson, formatTargetPretty, PostfixNameClash, PostfixServiceClash, targetReport, translateToOpenSmtpd, translateToPostfix, type MailboxSnapshot, type TargetOutput } from '../targets/index.js';
import type { CliIo } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { readMailboxSnapshot } from './target-mailboxes.js';

export const TARGETS = ['runtime', 'postfix', 'opensmtpd'] as const;
export type Target = (typeof TARGETS)[number];

export interface TargetRequest {
  target: Exclude<Target, 'runtime'>;
  directory: string;
  format: 'pretty' | 'json';
  allowApproximate: boolean;
}

function translate(config: RuntimeConfig, request: TargetRequest, mailboxes: MailboxSnapshot): TargetOutput {
  if (request.target === 'opensmtpd') return translateToOpenSmtpd(config, { directory: request.directory, mailboxes });
  try {
    return translateToPostfix(config, { directory: request.directory, mailboxes });
  } catch (error) {
    if (error instanceof PostfixNameClash || error instanceof PostfixServiceClash) throw new UsageError(`--target postfix: ${error.message}`);
    throw error;
  }
}

async function writeFiles(directory: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [name, text] of files) {
    const path = join(directory, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
}

/**
 * The config's sources are relative to the output directory (as every path in it is); the
 * report shows them as the user named the files, relative to the working directory.
 */
function fromWorkingDirectory(source: string | null, directory: string, cwd: string): string | null {
  const match = source === null ? null : /^(.*):(\d+):(\d+)$/.exec(source);
  if (!match) return source;
  return `${relative(cwd, resolve(directory, match[1]!))}:${match[2]}:${match[3]}`;
}

export async function compileToTarget(config: RuntimeConfig, request: TargetRequest, io: CliIo): Promise<number> {
  let mailboxes: MailboxSnapshot;
  try {
    // the config's paths are relative to the output directory
    mailboxes = await readMailboxSnapshot(config, resolve(io.cwd, request.directory));
  } catch (error) {
    throw new UsageError(`--target ${request.target}: cannot read a recipient list's mailboxes (the MTA gets a copy of them): ${(error as Error).message}`);
  }
  const output = translate(config, request, mailboxes);
  const findings = output.findings.map((f) => ({ ...f, source: fromWorkingDirectory(f.source, request.directory, io.cwd) }));
  const report = targetReport(output.target, findings);
  io.stdout.write(request.format === 'json' ? formatTargetJson(report) : formatTargetPretty(report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));
  if (report.summary.unsupported > 0 && !request.allowApproximate) {
    io.stderr.write(`smtppolicy compile: not written: ${report.summary.unsupported} setting(s) the policy uses cannot be expressed in ${output.target} (see the report); --allow-approximate writes the rest anyway\n`);
    return EXIT_FINDINGS;
  }
  try {
    await writeFiles(request.directory, output.files);
  } catch (error) {
    throw new UsageError(`cannot write ${request.directory}: ${(error as Error).message}`);
  }
  io.stderr.write(`smtppolicy compile: ${output.files.size} files written to ${request.directory}\n`);
  return EXIT_OK;
}
