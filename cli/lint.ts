// `smtppolicy lint [paths…] [--format pretty|json|sarif|github|gitlab|junit] [--max-warnings N]
//                  [--rule <id>=off|warn|error]… [--fix] [--online]
//                  | lint --from postfix DIR`
// Exit 0: no errors and no more warnings than --max-warnings. 1: findings. 2: usage or I/O error.

import { writeFile } from 'node:fs/promises';
import type { Diagnostic } from '../grammar/index.js';
import { applyFixes, type CheckResult, formatGithub, formatGitlabChunks, formatJsonChunks, formatJunitChunks, formatPretty, formatSarifChunks, type OnlineFacts, parseRuleSetting, RULES, type RuleSetting, summarize } from '../compiler/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import { checkEntries, type CheckedEntries } from './check-entries.js';
import { collectGarbage } from './collect-garbage.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { packageVersion } from './package-root.js';
import { expandPolicyPaths } from './policy-files.js';
import { lintFrom } from './lint-from.js';
import { writeChunksToStream } from './write-chunks.js';

const FORMATS = ['pretty', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;

/** ESLint's limit: fixes can enable further fixes, but never loop forever. */
const MAX_FIX_PASSES = 10;

export const OPTIONS = {
  format: { type: 'string', value: 'FORMAT', default: 'pretty', choices: FORMATS, description: 'output format (see Formats below)' },
  'max-warnings': { type: 'string', value: 'N', description: 'exit 1 when there are more than N warnings (default, or -1: no limit)' },
  rule: { type: 'string', value: '<id>=off|warn|error', multiple: true, description: "change a rule's severity; syntax and semantic errors are not rules" },
  fix: { type: 'boolean', description: "apply the rules' mechanical fixes to the files" },
  from: { type: 'string', value: 'postfix', description: "lint an MTA's configuration directory instead: its policy as 'import'\nwrites it, with findings at the MTA's settings (file:line)" },
  online: { type: 'boolean', description: "also ask DNS (the policy's resolver): does each server's hostname resolve to where it listens?" },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy lint [paths…] [options]

Checks .smtppolicy files (directories are searched) for syntax errors, invalid values and
insecure settings ('smtppolicy rules' lists the rules).`,
  options: OPTIONS,
  footer: `Formats:
  pretty  file:line:column, message and code frame
  json    the findings and a summary, for scripts
  sarif   SARIF 2.1.0, for GitHub code scanning
  github  GitHub Actions annotations (workflow commands)
  gitlab  GitLab Code Quality JSON (artifacts:reports:codequality)
  junit   JUnit XML: a test case per file and rule, for CI dashboards

Suppress one finding with a reason: # smtppolicy-ignore <rule-id> -- <why it is safe here>
Exit status: 0 clean, 1 errors (or too many warnings), 2 usage or I/O error (also when no
policy file is found: linting nothing must not pass).`,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  const format = values.format;
  const maxWarnings = parseMaxWarnings(values['max-warnings']);
  const rules = new Map<string, RuleSetting>();
  for (const text of values.rule ?? []) {
    const parsed = parseRuleSetting(text);
    if (typeof parsed === 'string') throw new UsageError(parsed);
    rules.set(...parsed);
  }
  if (positionals.length === 0) throw new UsageError('no files given: smtppolicy lint <file.smtppolicy | directory>…');

  const options = { cwd: io.cwd, lint: { rules }, online: Boolean(values.online), afterPhase: collectGarbage };
  let report;
  if (values.from !== undefined) {
    if (values.fix) throw new UsageError("--fix edits policy files; with --from there is none (use 'smtppolicy import' to write one)");
    // an imported installation's hostnames are Postfix's myhostname, not where it listens:
    // refused rather than checked against the wrong addresses
    if (values.online) throw new UsageError("--online checks a policy's listeners; with --from use 'smtppolicy import' and lint --online the result");
    const linted = await lintFrom(values.from, positionals, options);
    if ('error' in linted) {
      io.stderr.write(`smtppolicy lint: ${linted.error}\n`);
      return EXIT_FINDINGS;
    }
    report = linted;
  } else {
    const entries = await expandPolicyPaths(positionals, io.cwd);
    let checked = await checkEntries(entries, options, reportedOf);
    if (values.fix) {
      for (let pass = 0; pass < MAX_FIX_PASSES && (await fixOnce(checked)); pass++) checked = await checkEntries(entries, options, reportedOf);
    }
    report = checked.report;
    // the syntax trees and configs are garbage now: return their memory before the report is written
    collectGarbage();
    // a resolver that did not answer is not a finding about the policy, but the user asked
    // for the check: say that it could not be made
    for (const result of checked.results) {
      for (const [name, lookup] of result.online?.hostnames ?? []) {
        if (lookup.kind === 'unreachable') io.stderr.write(`smtppolicy lint --online: ${name} could not be checked: ${lookup.reason}\n`);
      }
      for (const [store, probe] of result.online?.directories ?? []) {
        if (probe.kind === 'unknown') io.stderr.write(`smtppolicy lint --online: the directory of user store '${store}' could not be checked: ${probe.reason}\n`);
      }
    }
  }

  // The machine formats, whose size grows with the findings, are written a piece at a time
  // (compiler/report/report-chunks.ts); pretty and github cap repeated findings.
  if (format === 'json') await writeChunksToStream(io.stdout, formatJsonChunks(report));
  else if (format === 'sarif') await writeChunksToStream(io.stdout, formatSarifChunks(report, { rules: RULES, toolVersion: packageVersion() }));
  else if (format === 'github') io.stdout.write(formatGithub(report));
  else if (format === 'gitlab') await writeChunksToStream(io.stdout, formatGitlabChunks(report));
  else if (format === 'junit') await writeChunksToStream(io.stdout, formatJunitChunks(report));
  else io.stdout.write(formatPretty(report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));

  const { errors, warnings } = summarize(report.diagnostics);
  if (errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    // the report above shows only warnings: say why they fail the run (as ESLint does)
    io.stderr.write(`smtppolicy lint: ${warnings} warning${warnings === 1 ? '' : 's'} found, more than --max-warnings ${maxWarnings} allows\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
};

/** A whole number of warnings; -1 means no limit, as in ESLint (where it is the default). */
function parseMaxWarnings(text: string | undefined): number | undefined {
  if (text === undefined || text === '-1') return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--max-warnings expects a whole number (or -1 for no limit), found '${text}'`);
  return Number(text);
}

/** What lint needs of an entry's check besides its findings: where its files are, what DNS said. */
interface Reported {
  files: { displayName: string; path: string }[];
  online?: OnlineFacts;
}

/** Not the syntax tree and config, which a large policy needs most of its memory for. */
function reportedOf({ files, online }: CheckResult): Reported {
  return { files: files.map(({ displayName, path }) => ({ displayName, path })), ...(online ? { online } : {}) };
}

/** Applies every fix of one pass to the files on disk; true when something changed. */
async function fixOnce({ report, results }: CheckedEntries<Reported>): Promise<boolean> {
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
