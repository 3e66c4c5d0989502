// `smtppolicy lint [paths…] [--format pretty|json|sarif|github] [--max-warnings N]
//                  [--rule <id>=off|warn|error]… [--fix]`
// Exit 0: no errors and no more warnings than --max-warnings. 1: findings. 2: usage or I/O error.

import { writeFile } from 'node:fs/promises';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { parseRuleSetting, type RuleSetting } from '../compiler/lint/engine.js';
import { applyFixes } from '../compiler/lint/fixes.js';
import { formatGithub } from '../compiler/report/github.js';
import { formatJson } from '../compiler/report/json.js';
import { formatPretty } from '../compiler/report/pretty.js';
import { summarize } from '../compiler/report/report.js';
import { formatSarif } from '../compiler/report/sarif.js';
import { RULES } from '../compiler/rules/index.js';
import { parseCommandArgs } from './args.js';
import { checkEntries, type CheckedEntries } from './check-entries.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { packageVersion } from './package-root.js';
import { expandPolicyPaths } from './policy-files.js';

const FORMATS = ['pretty', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

/** ESLint's limit: fixes can enable further fixes, but never loop forever. */
const MAX_FIX_PASSES = 10;

export const HELP = `Usage: smtppolicy lint [paths…] [options]

Checks .smtppolicy files (directories are searched) for syntax errors, invalid values and
insecure settings ('smtppolicy rules' lists the rules).

Options:
  --format pretty|json|sarif|github  output format (default pretty)
  --max-warnings N                   exit 1 when there are more than N warnings (default: no limit)
  --rule <id>=off|warn|error         change a rule's severity (repeatable)
  --fix                              apply the rules' mechanical fixes to the files

Suppress one finding with a reason: # smtppolicy-ignore <rule-id> -- <why it is safe here>
Exit status: 0 clean, 1 errors (or too many warnings), 2 usage or I/O error.`;

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'pretty' },
    'max-warnings': { type: 'string' },
    rule: { type: 'string', multiple: true },
    fix: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (expected ${FORMATS.join(', ')})`);
  const maxWarnings = parseMaxWarnings(values['max-warnings']);
  const rules = new Map<string, RuleSetting>();
  for (const text of values.rule ?? []) {
    const parsed = parseRuleSetting(text);
    if (typeof parsed === 'string') throw new UsageError(parsed);
    rules.set(...parsed);
  }
  if (positionals.length === 0) throw new UsageError('no files given: smtppolicy lint <file.smtppolicy | directory>…');

  const entries = await expandPolicyPaths(positionals, io.cwd);
  const options = { cwd: io.cwd, lint: { rules } };
  let checked = await checkEntries(entries, options);
  if (values.fix) {
    for (let pass = 0; pass < MAX_FIX_PASSES && (await fixOnce(checked)); pass++) checked = await checkEntries(entries, options);
  }
  const { report } = checked;

  if (format === 'json') io.stdout.write(formatJson(report));
  else if (format === 'sarif') io.stdout.write(formatSarif(report, { rules: RULES, toolVersion: packageVersion() }));
  else if (format === 'github') io.stdout.write(formatGithub(report));
  else io.stdout.write(formatPretty(report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));

  const { errors, warnings } = summarize(report.diagnostics);
  return errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? EXIT_FINDINGS : EXIT_OK;
};

function parseMaxWarnings(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--max-warnings expects a whole number, found '${text}'`);
  return Number(text);
}

/** Applies every fix of one pass to the files on disk; true when something changed. */
async function fixOnce({ report, results }: CheckedEntries): Promise<boolean> {
  const pathOf = new Map(results.flatMap((r) => r.files.map((f) => [f.displayName, f.path] as const)));
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of report.diagnostics) {
    if (!d.fix) continue;
    const fixes = byFile.get(d.file);
    if (fixes) fixes.push(d);
    else byFile.set(d.file, [d]);
  }
  let changed = false;
  for (const [file, diagnostics] of byFile) {
    const text = report.sources.get(file);
    const path = pathOf.get(file);
    if (text === undefined || path === undefined) continue;
    const fixed = applyFixes(text, diagnostics);
    if (fixed.applied === 0 || fixed.text === text) continue;
    await writeFile(path, fixed.text);
    changed = true;
  }
  return changed;
}
