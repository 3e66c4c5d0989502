// The plugin as users run it: `prettier --plugin=smtppolicy/prettier`, inside this repository
// (a package may import itself by name) and in another project that installed smtppolicy.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from './build-plugin.js';
import { REPO_ROOT } from './format-helpers.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const PRETTIER_BIN = join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
let project: string;

before(async () => {
  buildPlugin();
  // Another project that installed smtppolicy: the package as published (package.json and
  // dist/), its dependencies, and prettier.
  project = await mkdtemp(join(tmpdir(), 'smtppolicy-prettier-'));
  const installed = join(project, 'node_modules', 'smtppolicy');
  await mkdir(installed, { recursive: true });
  await cp(join(REPO_ROOT, 'package.json'), join(installed, 'package.json'));
  // The plugin's import graph: format/, the grammar, and net/ (which the grammar reads addresses with).
  for (const folder of ['format', 'grammar', 'net']) {
    await cp(join(REPO_ROOT, 'dist', folder), join(installed, 'dist', folder), { recursive: true });
  }
  await symlink(join(REPO_ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
  await symlink(join(REPO_ROOT, 'node_modules', 'prettier'), join(project, 'node_modules', 'prettier'), 'dir');
});

after(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

test('npx prettier --plugin=smtppolicy/prettier --check examples passes in this repository', { timeout: 120_000 }, async () => {
  const result = await run('npx', ['--no-install', 'prettier', '--plugin=smtppolicy/prettier', '--check', 'examples'], REPO_ROOT);
  assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /All matched files use Prettier code style!/);
});

test('in a project that installed smtppolicy, prettier checks and writes .smtppolicy files', { timeout: 120_000 }, async () => {
  const formatted = 'list partners { 10.0.0.0/8  @others }\n';
  await mkdir(join(project, 'policies'), { recursive: true });
  await writeFile(join(project, 'policies', 'good.smtppolicy'), formatted);
  await writeFile(join(project, 'policies', 'messy.smtppolicy'), 'list partners {10.0.0.0/8,@others}\n');

  const check = await run(process.execPath, [PRETTIER_BIN, '--plugin=smtppolicy/prettier', '--check', '**/*.smtppolicy'], project);
  assert.equal(check.code, 1, `${check.stdout}${check.stderr}`);
  assert.match(check.stderr, /\[warn\] policies\/messy\.smtppolicy/);
  assert.doesNotMatch(check.stderr, /good\.smtppolicy/);

  const write = await run(process.execPath, [PRETTIER_BIN, '--plugin=smtppolicy/prettier', '--write', '**/*.smtppolicy'], project);
  assert.equal(write.code, 0, `${write.stdout}${write.stderr}`);
  assert.equal(await readFile(join(project, 'policies', 'messy.smtppolicy'), 'utf8'), formatted);

  const again = await run(process.execPath, [PRETTIER_BIN, '--plugin=smtppolicy/prettier', '--check', '**/*.smtppolicy'], project);
  assert.equal(again.code, 0, `${again.stdout}${again.stderr}`);
});

test('prettier shows where the syntax error is and leaves the file as it is', { timeout: 120_000 }, async () => {
  const broken = 'server x {\n  listn 0.0.0.0:25\n}\n';
  await writeFile(join(project, 'broken.smtppolicy'), broken);
  const result = await run(process.execPath, [PRETTIER_BIN, '--plugin=smtppolicy/prettier', '--write', 'broken.smtppolicy'], project);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /broken\.smtppolicy: SyntaxError: expected a server setting .* found 'listn' \(2:3\)/);
  assert.match(result.stderr, /> 2 \| {3}listn 0\.0\.0\.0:25/);
  assert.equal(await readFile(join(project, 'broken.smtppolicy'), 'utf8'), broken);
});
