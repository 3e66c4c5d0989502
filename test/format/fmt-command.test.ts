// `smtppolicy fmt`: printing, --check and --write over real files in a temporary directory.

import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../cli/run-cli.js';

const UNFORMATTED = 'server x {\nlisten 0.0.0.0:25   # the port\n  relay {authenticated}\n}\n';
const FORMATTED = 'server x {\n  listen 0.0.0.0:25 # the port\n  relay { authenticated }\n}\n';
const BROKEN = 'server x {\n  listn 0.0.0.0:25\n}\n';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtppolicy-fmt-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh folder of policies for one test. */
async function project(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

test('without a flag, prints the formatted file and leaves it alone', async () => {
  const cwd = await project('print', { 'a.smtppolicy': UNFORMATTED });
  const result = await runCli(['fmt', 'a.smtppolicy'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, FORMATTED);
  assert.equal(await readFile(join(cwd, 'a.smtppolicy'), 'utf8'), UNFORMATTED);
});

test('without a path, formats standard input', async () => {
  const result = await runCli(['fmt'], { cwd: dir, stdin: UNFORMATTED });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, FORMATTED);
});

test('--check lists the files that would change and exits 1; it changes nothing', async () => {
  const cwd = await project('check', {
    'good.smtppolicy': FORMATTED,
    'sub/bad.smtppolicy': UNFORMATTED,
    'sub/notes.txt': UNFORMATTED,
  });
  const result = await runCli(['fmt', '--check', '.'], { cwd });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${join('sub', 'bad.smtppolicy')}\n`);
  assert.match(result.stderr, /1 file is not formatted \(listed above\): run smtppolicy fmt --write/);
  assert.equal(await readFile(join(cwd, 'sub/bad.smtppolicy'), 'utf8'), UNFORMATTED);

  const clean = await runCli(['fmt', '--check', 'good.smtppolicy'], { cwd });
  assert.deepEqual(clean, { code: 0, stdout: '', stderr: '' });
});

test('--write rewrites what is not formatted, keeps the file mode, and then --check passes', async () => {
  const cwd = await project('write', { 'a.smtppolicy': UNFORMATTED, 'b.smtppolicy': FORMATTED });
  await chmod(join(cwd, 'a.smtppolicy'), 0o640);
  const before = await stat(join(cwd, 'b.smtppolicy'));
  const result = await runCli(['fmt', '--write', '.'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'a.smtppolicy\n');
  assert.equal(await readFile(join(cwd, 'a.smtppolicy'), 'utf8'), FORMATTED);
  assert.equal((await stat(join(cwd, 'a.smtppolicy'))).mode & 0o777, 0o640);
  assert.equal((await stat(join(cwd, 'b.smtppolicy'))).mtimeMs, before.mtimeMs, 'a formatted file is not rewritten');
  assert.equal((await runCli(['fmt', '--check', '.'], { cwd })).code, 0);
});

test('a file with syntax errors is reported with its position and left as it is; the others are still written', async () => {
  const cwd = await project('broken', { 'bad.smtppolicy': BROKEN, 'ok.smtppolicy': UNFORMATTED });
  const result = await runCli(['fmt', '--write', '.'], { cwd });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /bad\.smtppolicy:2:3 error expected a server setting .* found 'listn'/);
  assert.match(result.stderr, /bad\.smtppolicy has syntax errors and was not formatted/);
  assert.equal(await readFile(join(cwd, 'bad.smtppolicy'), 'utf8'), BROKEN);
  assert.equal(await readFile(join(cwd, 'ok.smtppolicy'), 'utf8'), FORMATTED);

  const printed = await runCli(['fmt', 'bad.smtppolicy'], { cwd });
  assert.equal(printed.code, 1);
  assert.equal(printed.stdout, '');
});

test('the project prettier configuration is respected', async () => {
  const cwd = await project('config', {
    '.prettierrc': JSON.stringify({ printWidth: 30 }),
    'a.smtppolicy': 'list partners { 10.0.0.0/8  @others }\n',
  });
  const result = await runCli(['fmt', 'a.smtppolicy'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'list partners {\n  10.0.0.0/8\n  @others\n}\n');
});

test('usage errors exit 2', async () => {
  const cwd = await project('usage', { 'a.smtppolicy': FORMATTED, 'b.smtppolicy': FORMATTED });
  const missing = await runCli(['fmt', '--check', 'nope.smtppolicy'], { cwd });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory: nope\.smtppolicy/);
  const both = await runCli(['fmt', '--check', '--write', 'a.smtppolicy'], { cwd });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--check and --write exclude each other/);
  const several = await runCli(['fmt', '.'], { cwd });
  assert.equal(several.code, 2);
  assert.match(several.stderr, /2 files given: add --check or --write/);
  assert.equal((await runCli(['fmt', '--write'], { cwd })).code, 2);
});

test('fmt is listed in the command help', async () => {
  const result = await runCli(['--help']);
  assert.match(result.stdout, /^ {2}fmt +format policies in the canonical style/m);
  const help = await runCli(['fmt', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: smtppolicy fmt \[--check \| --write\] \[paths…\]/);
});

test('a file that is not valid UTF-8 is reported as lint reports it (exit 1), and never rewritten with replacement characters', async () => {
  const cwd = await project('bad-utf8', { 'placeholder.txt': '' });
  const bytes = Buffer.concat([Buffer.from('server x {\n  listen 0.0.0.0:25\n  hostname mx.exam'), Buffer.from([0xff]), Buffer.from('ple.com\n}\n')]);
  await writeFile(join(cwd, 'a.smtppolicy'), bytes);
  const lint = await runCli(['lint', 'a.smtppolicy', '--format', 'json'], { cwd });
  const [finding] = JSON.parse(lint.stdout).diagnostics as { message: string; range: { start: { line: number; column: number } } }[];
  for (const mode of ['--write', '--check']) {
    const result = await runCli(['fmt', mode, 'a.smtppolicy'], { cwd });
    assert.equal(result.code, lint.code, `fmt ${mode} exits as lint does`);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`a.smtppolicy:3:19 error ${finding!.message}`), result.stderr);
    assert.match(result.stderr, /smtppolicy fmt: a\.smtppolicy is not valid UTF-8 and was not formatted\n$/);
    assert.deepEqual(await readFile(join(cwd, 'a.smtppolicy')), bytes);
  }
});
