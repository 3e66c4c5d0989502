// `smtppolicy lint` and `smtppolicy rules` in-process, with captured output.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../cli/main.js';

async function cli(argv: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), cwd, env: {} });
  return { code, out, err };
}

const DUPLICATES = 'server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  optional  min-version 1.0 }\n  connections only { 10.0.0.1  10.0.0.1 }\n}\n';

describe('smtppolicy lint', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-lint-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exit 0 with warnings, 1 when they exceed --max-warnings', async () => {
    await writeFile(join(dir, 'w.smtppolicy'), DUPLICATES);
    assert.equal((await cli(['lint', 'w.smtppolicy'], dir)).code, 0);
    assert.equal((await cli(['lint', 'w.smtppolicy', '--max-warnings', '1'], dir)).code, 1);
  });

  it('--rule changes severity; an unknown rule id is a usage error', async () => {
    await writeFile(join(dir, 'w.smtppolicy'), DUPLICATES);
    const raised = await cli(['lint', 'w.smtppolicy', '--rule', 'duplicate-entry=error', '--format', 'json'], dir);
    assert.equal(raised.code, 1);
    assert.ok(JSON.parse(raised.out).diagnostics.some((d: { ruleId: string; severity: string }) => d.ruleId === 'duplicate-entry' && d.severity === 'error'));
    const off = await cli(['lint', 'w.smtppolicy', '--rule', 'duplicate-entry=off', '--format', 'json'], dir);
    assert.ok(!JSON.parse(off.out).diagnostics.some((d: { ruleId: string }) => d.ruleId === 'duplicate-entry'));
    const bad = await cli(['lint', 'w.smtppolicy', '--rule', 'no-such-rule=off'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown rule 'no-such-rule'/);
  });

  it('--fix rewrites the file and leaves only what has no fix', async () => {
    await writeFile(join(dir, 'f.smtppolicy'), DUPLICATES);
    const result = await cli(['lint', 'f.smtppolicy', '--fix', '--format', 'json'], dir);
    assert.equal(
      await readFile(join(dir, 'f.smtppolicy'), 'utf8'),
      'server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  tls { certificate "c.pem"  key "c.key"  optional  min-version 1.2 }\n  connections only { 10.0.0.1 }\n}\n',
    );
    assert.deepEqual(JSON.parse(result.out).diagnostics.map((d: { ruleId: string }) => d.ruleId), ['certificate-not-found']);
  });

  it('--format github and sarif; an unknown format is a usage error', async () => {
    await writeFile(join(dir, 'w.smtppolicy'), DUPLICATES);
    assert.match((await cli(['lint', 'w.smtppolicy', '--format', 'github'], dir)).out, /^::warning file=w\.smtppolicy,line=5,col=32,endLine=5,endColumn=40,title=duplicate-entry::/m);
    assert.equal(JSON.parse((await cli(['lint', 'w.smtppolicy', '--format', 'sarif'], dir)).out).version, '2.1.0');
    assert.equal((await cli(['lint', 'w.smtppolicy', '--format', 'xml'], dir)).code, 2);
  });

  it('--format gitlab and junit report the findings and keep the exit policy', async () => {
    await writeFile(join(dir, 'w.smtppolicy'), DUPLICATES);
    const gitlab = await cli(['lint', 'w.smtppolicy', '--format', 'gitlab'], dir);
    assert.equal(gitlab.code, 0);
    const issues = JSON.parse(gitlab.out);
    assert.ok(issues.some((i: { check_name: string; location: { path: string; lines: { begin: number } } }) => i.check_name === 'duplicate-entry' && i.location.path === 'w.smtppolicy' && i.location.lines.begin === 5));
    const junit = await cli(['lint', 'w.smtppolicy', '--format', 'junit', '--max-warnings', '0'], dir);
    assert.equal(junit.code, 1);
    assert.match(junit.out, /<testcase classname="w\.smtppolicy" name="duplicate-entry">\n\s*<failure type="warning"/);
  });

  it('--help lists every format', async () => {
    const help = (await cli(['lint', '--help'], dir)).out;
    for (const format of ['pretty', 'json', 'sarif', 'github', 'gitlab', 'junit']) assert.match(help, new RegExp(`^\\s+${format}\\s`, 'm'));
  });
});

describe('smtppolicy rules', () => {
  it('lists every rule with its severity, and prints one rule\'s docs', async () => {
    const list = await cli(['rules'], process.cwd());
    assert.equal(list.code, 0);
    assert.match(list.out, /^open-relay\s+error\s+clients anywhere on the Internet/m);
    const page = await cli(['rules', 'open-relay'], process.cwd());
    assert.match(page.out, /^# open-relay\n/);
    assert.equal((await cli(['rules', 'open-relays'], process.cwd())).code, 2);
  });
});
