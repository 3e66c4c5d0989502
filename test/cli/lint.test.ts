import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli } from './run-cli.js';

describe('smtppolicy lint', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-lint-'));
    await writeFile(
      join(dir, 'broken.smtppolicy'),
      ['server mx {', '  listen 0.0.0.0:25', '  hostname mx.example.com', '  connections only { 10.0.0.0/33 }', '  limits { idle-timeout 5 }', '}', ''].join('\n'),
    );
    await writeFile(join(dir, 'good.smtppolicy'), 'server mx {\n  listen 127.0.0.1:2525\n  hostname mx.example.com\n}\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('passes every example shipped in examples/', async () => {
    const result = await spawnCli(['lint', 'examples/quickstart.smtppolicy', 'examples/submission-server.smtppolicy', 'examples/internal-challenge-response.smtppolicy', 'examples/domain-connection-control.smtppolicy', 'examples/partner-relay.smtppolicy']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('reports every error of a broken file as file:line:column with a code frame, and exits 1', async () => {
    const result = await runCli(['lint', 'broken.smtppolicy'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^broken\.smtppolicy:4:31 error .*10\.0\.0\.0\/33/m);
    assert.match(result.stdout, /^broken\.smtppolicy:5:25 error .*duration/m);
    // The code frame shows the offending line with a marker under the bad prefix length.
    assert.match(result.stdout, />\s*4 \|\s+connections only \{ 10\.0\.0\.0\/33 \}\n\s*\| {31}\^\^\n/);
    assert.match(result.stdout, /2 problems \(2 errors, 0 warnings\)/);
  });

  it('prints the documented JSON shape with --format json', async () => {
    const result = await runCli(['lint', '--format', 'json', 'broken.smtppolicy'], { cwd: dir });
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.errors, 2);
    const first = report.diagnostics[0];
    assert.deepEqual(Object.keys(first).sort(), ['file', 'message', 'range', 'ruleId', 'severity']);
    assert.deepEqual(first.range, { start: { line: 4, column: 31 }, end: { line: 4, column: 33 } });
    assert.equal(first.file, 'broken.smtppolicy');
  });

  it('prints nothing and exits 0 for a clean file', async () => {
    const result = await runCli(['lint', 'good.smtppolicy'], { cwd: dir });
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
  });

  it('searches directories for policy files', async () => {
    const result = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
    const files = new Set(JSON.parse(result.stdout).diagnostics.map((d: { file: string }) => d.file));
    assert.deepEqual([...files], ['broken.smtppolicy']);
  });

  it('exits 2 with one line for a missing file', async () => {
    const result = await spawnCli(['lint', 'no-such.smtppolicy'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'smtppolicy lint: no such file or directory: no-such.smtppolicy\n');
  });

  it('exits 2 with one line for an unknown flag', async () => {
    const result = await spawnCli(['lint', '--frobnicate', 'good.smtppolicy'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /^smtppolicy lint: Unknown option '--frobnicate'/);
  });
});
