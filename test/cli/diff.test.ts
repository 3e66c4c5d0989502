// `smtppolicy diff` as a CI job runs it: two files or a git revision, every format, the exit
// status that stops a change granting relay, and clear errors for sides that do not compile.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runCli } from './run-cli.js';

const server = (body: string) => `server mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  local-domains example.test\n${body}\n}\n`;
const NARROW = server('  relay { 10.0.0.0/8 }');
const WIDE = server('  relay { 10.0.0.0/7 }');
const SARIF_SCHEMA = join(import.meta.dirname, '..', 'compiler', 'report', 'fixtures', 'sarif-schema-2.1.0.json');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtppolicy-diff-'));
  await writeFile(join(dir, 'old.smtppolicy'), NARROW);
  await writeFile(join(dir, 'new.smtppolicy'), WIDE);
  await writeFile(join(dir, 'broken.smtppolicy'), server('  relay { 10.0.0.0/33 }'));
});
after(() => rm(dir, { recursive: true, force: true }));

const diff = (...args: string[]) => runCli(['diff', ...args], { cwd: dir });

describe('smtppolicy diff', () => {
  it('exits 1 when the change lets new clients relay, and says which', async () => {
    const result = await diff('old.smtppolicy', 'new.smtppolicy');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^ {4}\+16,777,216 IPv4 addresses may relay without logging in \(16,777,216 IPv4 public\)$/m);
    assert.match(result.stdout, /^ {6}after {3}relays {2}new\.smtppolicy:5:11 {2}relay \{ 10\.0\.0\.0\/7 \}$/m);
    assert.match(result.stderr, /server mx, 0\.0\.0\.0:25: relay \(relay gained\)/);
  });

  it('exits 0 for a change that only takes rights away, and with --fail-on none', async () => {
    assert.equal((await diff('new.smtppolicy', 'old.smtppolicy')).code, 0);
    assert.equal((await diff('old.smtppolicy', 'new.smtppolicy', '--fail-on', 'none')).code, 0);
    assert.equal((await diff('new.smtppolicy', 'old.smtppolicy', '--fail-on', 'connect,tls-dropped')).code, 0);
  });

  it('writes a pull-request comment in markdown: verdict, table row, the deciding lines and the folded set', async () => {
    const { stdout } = await diff('old.smtppolicy', 'new.smtppolicy', '--format', 'markdown');
    assert.match(stdout, /^> \[!CAUTION\]$/m);
    assert.ok(
      stdout.includes('| ➕ | +16,777,216 IPv4 addresses may relay without logging in (16,777,216 IPv4 public) | a client at 11.0.0.0 | relay refused <br>`old.smtppolicy:5:3` `relay { 10.0.0.0/8 }` | relays <br>`new.smtppolicy:5:11` `relay { 10.0.0.0/7 }` |'),
      stdout,
    );
    assert.match(stdout, /<details><summary>.*<\/summary>\n\n`11\.0\.0\.0\/8`\n/);
  });

  it('annotates the granting line as an error for GitHub, and in SARIF (valid 2.1.0)', async () => {
    const github = await diff('old.smtppolicy', 'new.smtppolicy', '--format', 'github');
    assert.match(github.stdout, /^::error file=new\.smtppolicy,line=5,col=11,endLine=5,endColumn=23,title=diff\/relay-gained::server mx, listener 0\.0\.0\.0:25 \(every IPv4 interface\): \+16,777,216 IPv4 addresses may relay/m);
    const sarif = JSON.parse((await diff('old.smtppolicy', 'new.smtppolicy', '--format', 'sarif')).stdout);
    const [result] = sarif.runs[0].results;
    assert.deepEqual([result.ruleId, result.level, result.locations[0].physicalLocation.region.startLine], ['diff/relay-gained', 'error', 5]);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'diff/relay-gained');
    assert.match(rule.helpUri, /docs\/review\.md#relay$/);
    const Ajv = (AjvDraft04 as unknown as { default: typeof AjvDraft04.default }).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  });

  it('puts both sides\' maps next to each other in HTML, under the changes in words', async () => {
    const { stdout } = await diff('old.smtppolicy', 'new.smtppolicy', '--format', 'html');
    assert.match(stdout, /^<!DOCTYPE html>/);
    assert.match(stdout, /<pre class="summary">smtppolicy diff: old\.smtppolicy → new\.smtppolicy\n/);
    const pair = /<section class="pair">([\s\S]*?)<\/section>/.exec(stdout)?.[1] ?? '';
    assert.deepEqual([...pair.matchAll(/server mx \((before|after)\)/g)].map((m) => m[1]), ['before', 'after']);
    // 11.0.0.0/8 is its own cell: connect before, relay after
    assert.match(pair, /<div class="side"><svg[\s\S]*data-cidr="11\.0\.0\.0\/8" data-category="connect"[\s\S]*<div class="side"><svg[\s\S]*data-cidr="11\.0\.0\.0\/8" data-category="relay"/);
  });

  it('lists the sets in full in JSON, counts as decimal strings', async () => {
    const json = JSON.parse((await diff('old.smtppolicy', 'new.smtppolicy', '--format', 'json')).stdout);
    const change = json.servers[0].listeners[0].changes[0];
    assert.deepEqual([change.capability, change.direction, change.cidrs, change.addresses], ['relay', 'gained', ['11.0.0.0/8'], { ipv4: '16777216', ipv6: '0' }]);
    assert.equal(change.witness.after.line, 'relay { 10.0.0.0/7 }');
    assert.deepEqual(json.failing, ['server mx, 0.0.0.0:25: relay (relay gained)']);
  });

  it('compares with a git revision, reading includes as they were there', async () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], { stdio: 'pipe' });
    execFileSync('git', ['init', '-q', repo]);
    await writeFile(join(repo, 'policy.smtppolicy'), `include "partners.smtppolicy"\n${server('  relay { @partners }')}`);
    await writeFile(join(repo, 'partners.smtppolicy'), 'list partners { 203.0.113.0/24 }\n');
    git('add', '.');
    git('commit', '-q', '-m', 'policy');
    await writeFile(join(repo, 'partners.smtppolicy'), 'list partners { 203.0.113.0/24 198.51.100.0/24 }\n');
    const result = await runCli(['diff', '--git', 'HEAD', 'policy.smtppolicy'], { cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^smtppolicy diff: HEAD:policy\.smtppolicy → policy\.smtppolicy$/m);
    assert.match(result.stdout, /^ {4}\+256 IPv4 addresses may relay without logging in \(0 public\)\n {6}198\.51\.100\.0\/24$/m);
    assert.match(result.stdout, /after {3}relays {2}partners\.smtppolicy:1:32 {2}list partners/);

    const added = await runCli(['diff', '--git', 'HEAD', 'new.smtppolicy'], { cwd: repo, });
    assert.equal(added.code, 2); // not in the work tree either: a usage error
    await writeFile(join(repo, 'added.smtppolicy'), WIDE);
    const fresh = await runCli(['diff', '--git', 'HEAD', 'added.smtppolicy', '--fail-on', 'none'], { cwd: repo });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stderr, /added\.smtppolicy is not in HEAD: compared with a policy without servers/);
    assert.match(fresh.stdout, /^server mx \(added\)$/m);

    const unknown = await runCli(['diff', '--git', 'no-such-ref', 'policy.smtppolicy'], { cwd: repo });
    assert.deepEqual([unknown.code, unknown.stderr], [2, "smtppolicy diff: --git: 'no-such-ref' is not a revision of this repository\n"]);
  });

  it('refuses a side that does not compile, at file:line:column, and bad options', async () => {
    const broken = await diff('old.smtppolicy', 'broken.smtppolicy');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.smtppolicy:5:\d+/);
    assert.match(broken.stderr, /smtppolicy diff: broken\.smtppolicy does not compile, so there is nothing to compare it with/);
    const category = await diff('old.smtppolicy', 'new.smtppolicy', '--fail-on', 'relay,everything');
    assert.deepEqual([category.code, category.stderr], [2, "smtppolicy diff: --fail-on: unknown category 'everything' (expected relay, clear-auth, connect, proxy, tls-dropped, user-rights, or none)\n"]);
    assert.equal((await diff('old.smtppolicy')).code, 2);
    assert.equal((await diff('old.smtppolicy', 'missing.smtppolicy')).code, 2);
  });
});
