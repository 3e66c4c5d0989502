// `smtppolicy compile <entry.smtppolicy> [-o out.json]`
// Writes the runtime config (every default explicit, byte-identical for the same input).
// Refuses to write anything when the policy has errors: exit 1, diagnostics on stderr.

import { dirname, resolve } from 'node:path';
import { emitConfigChunks, formatPretty, hasErrors } from '../compiler/index.js';
import { validateRuntimeConfig } from '../runtime/config/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import { checkEntries } from './check-entries.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { writeChunksToFile, writeChunksToStream } from './write-chunks.js';

export const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'out.json', description: 'write the config to this file instead of standard output' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy compile <entry.smtppolicy> [-o out.json]

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
  const output = values.output === undefined ? undefined : resolve(io.cwd, values.output);
  const baseDir = output === undefined ? io.cwd : dirname(output);

  const { report, results } = await checkEntries(positionals, { cwd: io.cwd, baseDir });
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
