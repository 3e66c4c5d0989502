// `smtppolicy rules [<rule-id>]`: every lint rule with its default severity and one line,
// or one rule's documentation page (docs/rules/<id>.md).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { didYouMean, ruleById, RULES } from '../compiler/index.js';
import { argsOrHelp, helpText } from './args.js';
import type { Command } from './command.js';
import { EXIT_OK, UsageError } from './command.js';
import { packageRoot } from './package-root.js';

export const HELP = helpText({
  usage: `Usage: smtppolicy rules [<rule-id>]

Without an id: lists every lint rule (id, default severity, what it catches).
With an id: prints that rule's documentation.`,
  options: {},
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, {}, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length > 1) throw new UsageError('expected at most one rule id');
  const id = positionals[0];
  if (id === undefined) {
    const width = Math.max(...RULES.map((r) => r.meta.id.length));
    for (const { meta } of RULES) {
      io.stdout.write(`${meta.id.padEnd(width)}  ${meta.defaultSeverity.padEnd(7)}  ${meta.description}${meta.fixable ? ' (fixable)' : ''}\n`);
    }
    return EXIT_OK;
  }
  if (!ruleById(id)) throw new UsageError(`unknown rule '${id}'${didYouMean(id, RULES.map((r) => r.meta.id))}`);
  io.stdout.write(await readFile(join(packageRoot(), 'docs', 'rules', `${id}.md`), 'utf8'));
  return EXIT_OK;
};
