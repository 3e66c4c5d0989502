// Step 2 of the GitHub Action: lint the input paths with `smtppolicy lint --format sarif`
// in $GITHUB_WORKSPACE, write the SARIF file to $RUNNER_TEMP, annotate the files with
// `--format github` when code scanning is off, write the job summary, and set the outputs
// (sarif-file, errors, warnings, exit-code, verdict). The step itself only fails on a usage
// or I/O error (exit 2): findings fail the later verdict step, after the upload.
// Runs on the runner's Node with no dependencies of its own.

import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countBySeverity, findingsOf, summaryMarkdown } from './summary.mjs';

const FAIL_ON = ['error', 'warning', 'never'];

function main() {
  const env = process.env;
  const command = required('SMTPPOLICY_COMMAND');
  const workspace = required('GITHUB_WORKSPACE');
  const paths = (env.INPUT_PATHS ?? '').split(/\s+/).filter(Boolean);
  if (paths.length === 0) return usage("the input 'paths' is empty: name the files or directories to lint");
  const failOn = env.INPUT_FAIL_ON || 'error';
  if (!FAIL_ON.includes(failOn)) return usage(`the input 'fail-on' is '${failOn}' (expected ${FAIL_ON.join(', ')})`);
  const maxWarnings = env.INPUT_MAX_WARNINGS ?? '';
  if (maxWarnings !== '' && !/^\d+$/.test(maxWarnings)) return usage(`the input 'max-warnings' is '${maxWarnings}' (expected a whole number, or empty for no limit)`);
  if (failOn === 'warning' && maxWarnings !== '' && maxWarnings !== '0') return usage(`'fail-on: warning' fails on any warning, which contradicts 'max-warnings: ${maxWarnings}'`);
  const codeScanning = env.INPUT_CODE_SCANNING ?? 'true';
  if (codeScanning !== 'true' && codeScanning !== 'false') return usage(`the input 'code-scanning' is '${codeScanning}' (expected true or false)`);

  const limit = failOn === 'warning' ? ['--max-warnings', '0'] : maxWarnings !== '' ? ['--max-warnings', maxWarnings] : [];
  // Paths after `--`: a path input can never turn into a flag such as --fix.
  const lint = (/** @type {string} */ format) =>
    spawnSync(process.execPath, [command, 'lint', '--format', format, ...limit, '--', ...paths], { cwd: workspace, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

  const sarifRun = lint('sarif');
  process.stderr.write(sarifRun.stderr ?? '');
  if (sarifRun.status !== 0 && sarifRun.status !== 1) {
    return usage(`smtppolicy lint could not run (exit ${sarifRun.status ?? sarifRun.signal}): ${(sarifRun.stderr || String(sarifRun.error ?? '')).trim()}`);
  }
  const sarifFile = join(required('RUNNER_TEMP'), 'smtppolicy.sarif');
  writeFileSync(sarifFile, sarifRun.stdout);

  if (codeScanning === 'false') {
    // Workflow commands on stdout become annotations on the files of the pull request.
    const annotations = lint('github');
    if (annotations.status !== sarifRun.status) {
      return usage(`the annotation run exited ${annotations.status}, the SARIF run ${sarifRun.status}`);
    }
    process.stdout.write(annotations.stdout);
  }

  const findings = findingsOf(JSON.parse(sarifRun.stdout));
  const counts = countBySeverity(findings);
  const failed = failOn !== 'never' && sarifRun.status === 1;
  const verdict = verdictText(counts, { failed, failOn, maxWarnings });
  appendFileSync(required('GITHUB_STEP_SUMMARY'), summaryMarkdown(findings, { paths, verdict, passed: !failed }));
  setOutputs({ 'sarif-file': sarifFile, errors: counts.error, warnings: counts.warning, 'exit-code': failed ? 1 : 0, verdict });
  console.log(`smtppolicy: ${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos; SARIF in ${sarifFile}`);
  return 0;
}

/**
 * @param {{ error: number, warning: number, info: number }} counts
 * @param {{ failed: boolean, failOn: string, maxWarnings: string }} policy
 */
function verdictText(counts, { failed, failOn, maxWarnings }) {
  const found = `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}`;
  const limit = failOn === 'warning' ? 'fail-on: warning' : maxWarnings !== '' ? `max-warnings: ${maxWarnings}` : 'fail-on: error';
  if (failOn === 'never') return `smtppolicy lint reported ${found} (fail-on: never)`;
  return failed ? `smtppolicy lint failed: ${found} (${limit})` : `smtppolicy lint passed: ${found} (${limit})`;
}

/** @param {Record<string, string | number>} outputs */
function setOutputs(outputs) {
  const file = required('GITHUB_OUTPUT');
  for (const [name, value] of Object.entries(outputs)) {
    const text = String(value);
    // One-line values only: a newline would let a value write further outputs.
    if (/[\r\n]/.test(text)) throw new Error(`output ${name} holds a line break`);
    appendFileSync(file, `${name}=${text}\n`);
  }
}

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this script runs as a step of the smtppolicy GitHub Action`);
  return value;
}

/** An error annotation and exit status 2 (the CLI's usage error). @param {string} message */
function usage(message) {
  // Escaped as workflow command data, so an input cannot smuggle in a command of its own.
  console.log(`::error title=smtppolicy::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
  return 2;
}

process.exitCode = main();
