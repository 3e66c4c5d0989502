// `smtppolicy graph POLICY [-o out.svg | out.html] [--format svg|html]`
//
// Draws, per server, who may do what by client address: the IPv4 space on a Hilbert curve
// of /8s split down to the policy's prefixes, coloured refused / connect / PROXY header
// believed / relay, the IPv6 prefixes in use, and the relay path with the lines that make it.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { policyHtml, policySvg, SideTexts } from '../review/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { Command } from './command.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './command.js';
import { loadFileSide, printSideErrors, SideHasErrors } from './diff-sides.js';

const FORMATS = ['svg', 'html'] as const;
type Format = (typeof FORMATS)[number];

export const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE (its extension, .svg or .html, picks the format) instead of stdout' },
  format: { type: 'string', value: 'svg|html', description: 'output format (default: from the --output extension, else svg)' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy graph POLICY.smtppolicy [-o out.svg | out.html]

Draws each server of the policy: the IPv4 space as a map (a Hilbert curve of the /8s,
split down to the policy's prefixes), coloured by what a client there may do (refused,
connect, PROXY header believed, relay without logging in), the IPv6 prefixes in use, and
the relay path (which grants, balancers and gateways let whom relay). Every cell's tooltip
names the policy line that decides it; the HTML page also shows it in a status line.`,
  options: OPTIONS,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('expected one policy file: smtppolicy graph POLICY.smtppolicy -o out.svg');
  const format = formatOf(values.format, values.output);

  let side;
  try {
    side = await loadFileSide(positionals[0]!, io);
  } catch (error) {
    if (!(error instanceof SideHasErrors)) throw error;
    printSideErrors(error, io, 'graph');
    return EXIT_USAGE;
  }
  if (side.config.servers.length === 0) throw new UsageError(`${positionals[0]} declares no server: nothing to draw (is it an include file?)`);
  const texts = new SideTexts(side.texts);
  const output = format === 'html' ? policyHtml(side.config, side.label, texts) : policySvg(side.config, texts);
  if (values.output === undefined) io.stdout.write(output);
  else await writeFile(resolve(io.cwd, values.output), output);
  return EXIT_OK;
};

function formatOf(format: string | undefined, output: string | undefined): Format {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${format}' (expected ${FORMATS.join(', ')})`);
    return format as Format;
  }
  if (output === undefined || output.endsWith('.svg')) return 'svg';
  if (output.endsWith('.html') || output.endsWith('.htm')) return 'html';
  throw new UsageError(`cannot tell the format from '${output}': name it .svg or .html, or give --format`);
}
