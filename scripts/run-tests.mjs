#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner, through tsx.
// Node 20's `--test` does not expand globs or know .ts files, so we list them here.
// Usage: node scripts/run-tests.mjs [filter…] [--exclude fragment…]
// (a filter keeps files whose path contains it; --exclude drops files whose path contains it)
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...collect(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filters = [];
const excluded = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--exclude') {
    if (process.argv[i + 1] === undefined) {
      console.error('--exclude needs a path fragment');
      process.exit(2);
    }
    excluded.push(process.argv[++i]);
  } else filters.push(process.argv[i]);
}
const files = collect('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .filter((f) => !excluded.some((x) => f.includes(x)));
if (excluded.length > 0) console.log(`# excluded: test files whose path contains ${excluded.join(', ')}`);
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
// Most tests wait on sockets and child processes, not the CPU: run more files than cores.
const concurrency = Math.max(2, availableParallelism() * 2);
// On a terminal, the spec reporter, which ends a failed run with its failing tests. Into a
// pipe or file (CI), TAP on every Node (Node 20's default there, where 24's is spec), and a
// spec report to a file only for its closing "failing tests" section, printed last: a run's
// failures are otherwise scattered among hundreds of subtests, and CI logs are read from
// their tail.
const specDir = process.stdout.isTTY ? undefined : mkdtempSync(join(tmpdir(), 'smtppolicy-tests-'));
const specFile = specDir && join(specDir, 'spec.txt');
const reporters = specFile
  ? ['--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=spec', `--test-reporter-destination=${specFile}`]
  : ['--test-reporter=spec', '--test-reporter-destination=stdout'];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...files],
  { stdio: 'inherit' },
);
if (specDir) {
  if (result.status !== 0) printFailures(specFile);
  rmSync(specDir, { recursive: true, force: true });
}
process.exit(result.status ?? 1);

function printFailures(file) {
  let spec = '';
  try {
    spec = readFileSync(file, 'utf8');
  } catch {
    return; // the runner died before writing its report: its own error is on stderr
  }
  // the spec reporter's own heading of the section, on a line of its own after the summary
  const heading = '\n\u2716 failing tests:\n';
  const start = spec.indexOf(heading);
  if (start === -1) return;
  // The marker node-matrix.sh looks for, to repeat this section after every build has run.
  console.log('\n# ==== failing tests ====');
  console.log(spec.slice(start + heading.length).replace(/^\n+/, ''));
}
