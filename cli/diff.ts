// `smtppolicy diff OLD NEW` | `smtppolicy diff --git REF POLICY`
//   [--format pretty|json|markdown|sarif|github|html] [--fail-on relay,clear-auth,…|none]
//
// What a policy change does to who may connect, relay, send a password in clear and must
// use TLS: exact address sets per server and listener, a witness runtime/policy confirms on
// both sides, and the lines that decide. Exit 1 when the change gives new clients a right
// in --fail-on (default: relay, clear-auth), so a CI job can stop it.

import { formatGithub, formatSarif } from '../compiler/index.js';
import {
  DEFAULT_FAIL_ON,
  DIFF_RULES,
  diffHtml,
  diffFindings,
  diffHelpUri,
  diffPolicies,
  FAIL_CATEGORIES,
  failingChanges,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffPretty,
  SideTexts,
  type DiffReport,
  type FailCategory,
} from '../review/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './command.js';
import { loadFileSide, loadGitSide, printSideErrors, SideHasErrors, type PolicySide } from './diff-sides.js';
import { packageVersion } from './package-root.js';

const FORMATS = ['pretty', 'json', 'markdown', 'sarif', 'github', 'html'] as const;
type Format = (typeof FORMATS)[number];

export const OPTIONS = {
  git: { type: 'string', value: 'REF', description: 'compare POLICY with itself at git revision REF (includes read at REF too)' },
  format: { type: 'string', value: 'FORMAT', default: 'pretty', description: 'output format (see Formats below)' },
  'fail-on': {
    type: 'string',
    value: 'LIST',
    default: DEFAULT_FAIL_ON.join(','),
    description: `exit 1 when new clients gain one of these (comma-separated: ${FAIL_CATEGORIES.join(', ')}), or none`,
  },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy diff OLD.smtppolicy NEW.smtppolicy [options]
       smtppolicy diff --git REF POLICY.smtppolicy [options]

Shows who gains or loses the right to connect, relay without logging in, send a password
before TLS, or skip TLS, per server and listener: the exact address sets with their sizes,
a client runtime/policy confirms the change for, and the policy lines that decide, before
and after. Domain entries and the rights of logged-in users are compared too.`,
  options: OPTIONS,
  footer: `Formats:
  pretty    for a terminal
  json      everything, sets in full, for scripts
  markdown  a pull-request comment
  sarif     SARIF 2.1.0 (a gained open relay is an error at the line that grants it)
  github    GitHub Actions annotations on the lines that decide
  html      a page: the changes, and each server's map before and after, side by side

Categories for --fail-on: relay (relay without logging in, by address or domain),
clear-auth (a password accepted before TLS), connect, proxy (a PROXY header believed),
tls-dropped (clients that connect no longer need TLS), user-rights (logging in gives more).
Exit status: 0 nothing in --fail-on gained, 1 something was, 2 usage or I/O error, or a side
that does not compile.`,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (expected ${FORMATS.join(', ')})`);
  const failOn = parseFailOn(values['fail-on']);

  let before: PolicySide;
  let after: PolicySide;
  try {
    if (values.git !== undefined) {
      if (positionals.length !== 1) throw new UsageError('with --git, give one policy file: smtppolicy diff --git REF POLICY.smtppolicy');
      after = await loadFileSide(positionals[0]!, io);
      const old = await loadGitSide(values.git, positionals[0]!, io);
      if (old.missing) io.stderr.write(`smtppolicy diff: ${positionals[0]} is not in ${values.git}: compared with a policy without servers\n`);
      before = old;
    } else {
      if (positionals.length !== 2) throw new UsageError('expected two policy files: smtppolicy diff OLD.smtppolicy NEW.smtppolicy (or --git REF POLICY)');
      before = await loadFileSide(positionals[0]!, io);
      after = await loadFileSide(positionals[1]!, io);
    }
  } catch (error) {
    if (!(error instanceof SideHasErrors)) throw error;
    printSideErrors(error, io);
    return EXIT_USAGE;
  }

  const report: DiffReport = {
    diff: diffPolicies(before.config, after.config),
    before: { label: before.label, texts: new SideTexts(before.texts) },
    after: { label: after.label, texts: new SideTexts(after.texts) },
  };
  const failing = failingChanges(report.diff, failOn);
  if (format === 'json') io.stdout.write(formatDiffJson(report, failing));
  else if (format === 'markdown') io.stdout.write(`${formatDiffMarkdown(report, failing)}\n`);
  else if (format === 'sarif') io.stdout.write(formatSarif(diffFindings(report), { rules: DIFF_RULES, toolVersion: packageVersion(), helpUri: diffHelpUri }));
  else if (format === 'github') io.stdout.write(formatGithub(diffFindings(report)));
  else if (format === 'html') io.stdout.write(diffHtml(report, before.config, after.config));
  else io.stdout.write(formatDiffPretty(report));

  if (failing.length === 0) return EXIT_OK;
  io.stderr.write(`smtppolicy diff: the change gives new clients ${failOn.join(' or ')} rights (--fail-on):\n${failing.map((f) => `  ${f}\n`).join('')}`);
  return EXIT_FINDINGS;
};

function parseFailOn(text: string): FailCategory[] {
  if (text === 'none' || text === '') return [];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(FAIL_CATEGORIES as readonly string[]).includes(name)) throw new UsageError(`--fail-on: unknown category '${name}' (expected ${FAIL_CATEGORIES.join(', ')}, or none)`);
  }
  return names as FailCategory[];
}
