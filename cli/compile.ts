// `smtppolicy compile <entry.smtppolicy> [-o out.json]`
// Writes the runtime config (every default explicit, byte-identical for the same input).
// Refuses to write anything when the policy has errors: exit 1, diagnostics on stderr.
// With --target postfix or opensmtpd it writes another MTA's configuration instead (cli/compile-target.ts).

import { dirname, resolve } from 'node:path';
import { emitConfigChunks, formatPretty, hasErrors } from '../compiler/index.js';
import { validateRuntimeConfig } from '../runtime/config/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import { checkEntries } from './check-entries.js';
import { collectGarbage } from './collect-garbage.js';
import { compileToTarget, TARGETS, type Target } from './compile-target.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { writeChunksToFile, writeChunksToStream } from './write-chunks.js';

export const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'out.json', description: 'write the config to this file instead of standard output\n(with --target postfix|opensmtpd: the directory to write the files into)' },
  target: { type: 'string', value: TARGETS.join('|'), default: 'runtime', description: "what to compile to: smtppolicy's runtime config, Postfix's main.cf,\nmaster.cf and tables, or OpenSMTPD's smtpd.conf (with a report of how\nfaithfully each setting maps)" },
  format: { type: 'string', value: 'pretty|json', default: 'pretty', description: 'format of the --target report (on standard output)' },
  'allow-approximate': { type: 'boolean', description: 'with --target: write the files even when the policy uses a setting\nthe MTA cannot express (the report names each one)' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy compile <entry.smtppolicy> [-o out.json]
       smtppolicy compile <entry.smtppolicy> --target postfix|opensmtpd -o DIR [--format pretty|json] [--allow-approximate]

Compiles a policy and its includes to the runtime config that 'smtppolicy serve' runs.
Paths in the config are relative to the output file's directory (with -o) or to the
working directory (on standard output).`,
  options: OPTIONS,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('expected exactly one entry file: smtppolicy compile <entry.smtppolicy> [-o out.json]');
  if (!(TARGETS as readonly string[]).includes(values.target)) throw new UsageError(`unknown target '${values.target}' (expected ${TARGETS.join(', ')})`);
  const target = values.target as Target;
  if (values.format !== 'pretty' && values.format !== 'json') throw new UsageError(`unknown format '${values.format}' (expected pretty, json)`);
  if (target === 'runtime' && values['allow-approximate']) throw new UsageError('--allow-approximate needs --target postfix or opensmtpd');
  if (target !== 'runtime' && values.output === undefined) throw new UsageError(`--target ${target} needs -o DIR: the directory to write its files into`);
  const output = values.output === undefined ? undefined : resolve(io.cwd, values.output);
  // For another MTA, paths stay relative to the directory its files are written to (and are
  // written absolute there, since the MTA reads them from elsewhere).
  const baseDir = output === undefined ? io.cwd : target === 'runtime' ? dirname(output) : output;

  const { report, results } = await checkEntries(positionals, { cwd: io.cwd, baseDir, afterPhase: collectGarbage });
  const warnings = formatPretty(report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR });
  if (warnings) io.stderr.write(warnings);
  if (hasErrors(report.diagnostics)) {
    io.stderr.write('smtppolicy compile: not written, the policy has errors\n');
    return EXIT_FINDINGS;
  }
  const { config } = results[0]!.model;
  if (config.servers.length === 0) {
    // A file of shared lists and user stores is a fine include, but not a policy to run.
    io.stderr.write(`smtppolicy compile: ${positionals[0]} declares no server: nothing to run (is it an include file?)\n`);
    return EXIT_FINDINGS;
  }
  // The published schema is the contract: never emit a config that breaks it. A failure
  // here is a compiler bug, reported as an internal error (exit 70) by cli/main.ts.
  validateRuntimeConfig(config);
  // validating read every item of a large config, and its garbage would ride under the output
  collectGarbage();
  if (target !== 'runtime') {
    return compileToTarget(config, { target, directory: output!, format: values.format, allowApproximate: values['allow-approximate'] === true }, io);
  }
  // Written piece by piece: the config of a large policy is hundreds of megabytes of JSON.
  const json = emitConfigChunks(config);
  if (output === undefined) await writeChunksToStream(io.stdout, json);
  else {
    try {
      await writeChunksToFile(output, json);
    } catch (error) {
      throw new UsageError(`cannot write ${values.output}: ${(error as Error).message}`);
    }
  }
  return EXIT_OK;
};
