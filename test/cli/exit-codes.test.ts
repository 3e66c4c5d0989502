// Exit codes and messages as the README's table has them: 0 success, 1 problems found,
// 2 usage or I/O error with one clear line; never a silent pass, never Node's raw text,
// never "internal error" (exit 70) for something the user can fix.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/server-fixture.js';
import { runCli, spawnCli } from './run-cli.js';

const ONE_WARNING = 'server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  connections only { 10.0.0.1  10.0.0.1 }\n}\n';

/** Exactly one line on stderr, and nothing on stdout. */
function oneLine(result: { stdout: string; stderr: string }): string {
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line expected:\n${result.stderr}`);
  return lines[0]!;
}

test('lint of a directory without policies is a usage error: linting nothing must not pass CI', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  await mkdir(join(dir, 'policies', 'empty'), { recursive: true });
  await writeFile(join(dir, 'policies', 'README.md'), 'no policies here\n');
  const result = await runCli(['lint', 'policies'], { cwd: dir });
  assert.equal(result.code, 2);
  assert.equal(oneLine(result), 'smtppolicy lint: no .smtppolicy files in the directory policies');
  const check = await runCli(['fmt', '--check', 'policies'], { cwd: dir });
  assert.equal(check.code, 2, 'fmt --check of nothing does not pass either');
});

test('lint of a pattern the shell left unexpanded says that nothing matched it', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  const result = await runCli(['lint', 'policies/*.smtppolicy'], { cwd: dir });
  assert.equal(result.code, 2);
  assert.equal(oneLine(result), "smtppolicy lint: no files match the pattern 'policies/*.smtppolicy'");
});

test('--max-warnings: too many warnings are explained; -1 means no limit (as in ESLint); other negatives are a clear usage error', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  await writeFile(join(dir, 'w.smtppolicy'), ONE_WARNING);
  const over = await runCli(['lint', 'w.smtppolicy', '--max-warnings', '0', '--format', 'json'], { cwd: dir });
  assert.equal(over.code, 1);
  assert.equal(over.stderr, 'smtppolicy lint: 1 warning found, more than --max-warnings 0 allows\n');
  const unlimited = await runCli(['lint', 'w.smtppolicy', '--max-warnings', '-1', '--format', 'json'], { cwd: dir });
  assert.equal(unlimited.code, 0, unlimited.stderr);
  const negative = await runCli(['lint', 'w.smtppolicy', '--max-warnings', '-3'], { cwd: dir });
  assert.equal(negative.code, 2);
  assert.equal(oneLine(negative), "smtppolicy lint: --max-warnings expects a whole number (or -1 for no limit), found '-3'");
  const missing = await runCli(['lint', 'w.smtppolicy', '--max-warnings'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(oneLine(missing), "smtppolicy lint: Option '--max-warnings <value>' argument missing");
});

test('--rule syntax=off says that syntax and semantic errors are not rules and cannot be switched off', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  await writeFile(join(dir, 'w.smtppolicy'), ONE_WARNING);
  for (const id of ['syntax', 'semantic']) {
    const result = await runCli(['lint', 'w.smtppolicy', '--rule', `${id}=off`], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(oneLine(result), `smtppolicy lint: '${id}' errors are not a lint rule and cannot be switched off or changed: the policy cannot be read past them`);
  }
});

test('passwd into a directory that does not exist is an I/O error naming the path, exit 2', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  const file = join(dir, 'no', 'such', 'users.passwd');
  const result = await spawnCli(['passwd', file, 'alice@example.test'], { input: 'correct horse battery\n' });
  assert.equal(result.code, 2, result.stderr);
  assert.equal(oneLine(result), `smtppolicy passwd: cannot write ${file}: the directory ${join(dir, 'no', 'such')} does not exist`);
});

test('every command that runs a policy refuses one that declares no server the same way: one line, exit 1', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  await writeFile(join(dir, 'lists.smtppolicy'), 'list partners { 192.0.2.0/24 }\n');
  for (const [command, verb, extra] of [['compile', 'run', []], ['explain', 'explain', ['--client', '192.0.2.1', '--rcpt', 'a@example.test']], ['verify', 'verify', []]] as const) {
    const result = await runCli([command, 'lists.smtppolicy', ...extra], { cwd: dir });
    assert.equal(result.code, 1, command);
    const line = oneLine(result);
    assert.match(line, new RegExp(`^smtppolicy ${command}: lists\\.smtppolicy declares no server: nothing to ${verb}`), line);
  }
});

test('a runtime config that does not exist is one line naming it, exit 2', async (t) => {
  const dir = tempDir(t, 'smtppolicy-exit-');
  const result = await runCli(['explain', 'missing.json', '--client', '192.0.2.1', '--rcpt', 'a@example.test'], { cwd: dir });
  assert.equal(result.code, 2);
  assert.match(oneLine(result), /^smtppolicy explain: \S*missing\.json: cannot load runtime config: cannot read the file: no such file$/);
});
