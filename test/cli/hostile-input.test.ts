// The hostile inputs of issue 14 through `lint` (every format) and `compile`, in-process:
// each finishes with output bounded by its size and a diagnostic, never an exception (which
// the real command turns into exit 70). Timing is the benchmarks' business (bench/); these
// assert what a user sees: exit code, output size, the message.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from './run-cli.js';

const FORMATS = ['pretty', 'json', 'sarif', 'github'] as const;
const MB = 1 << 20;

/** A server the rest of a file can sit next to; it compiles on its own. */
const SERVER = 'server inbound {\n  listen 127.0.0.1:2525\n  hostname mx.example.test\n  connections only { @l1 }\n}\n';

function listChain(length: number): string {
  const lists = Array.from({ length: length - 1 }, (_, i) => `list l${i + 1} { 10.${(i >> 8) & 255}.${i & 255}.1  @l${i + 2} }\n`);
  return `${lists.join('')}list l${length} { 192.0.2.1 }\n${SERVER}`;
}

describe('hostile input through the CLI', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-hostile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Every lint format and compile; returns the results by command for further checks. */
  async function everyCommand(name: string, text: string): Promise<Record<string, CliResult>> {
    await writeFile(join(dir, name), text);
    const results: Record<string, CliResult> = {};
    for (const format of FORMATS) results[format] = await runCli(['lint', name, '--format', format], { cwd: dir });
    results['compile'] = await runCli(['compile', name, '-o', 'out.json'], { cwd: dir });
    return results;
  }

  it("'server a {' 3,000 times on one line: pretty and github output stay small, one line counts the rest", { timeout: 120_000 }, async () => {
    const text = 'server a {'.repeat(3000);
    const results = await everyCommand('open.smtppolicy', text);
    for (const [command, result] of Object.entries(results)) assert.equal(result.code, 1, `${command}: findings, not a crash`);
    // 6,001 findings once printed 271 MB: each code frame held the whole 30 KB line.
    assert.ok(results['pretty']!.stdout.length < 10 * text.length, `pretty: ${results['pretty']!.stdout.length} bytes`);
    assert.match(results['pretty']!.stdout, /^… and 2,989 more like this \(semantic in open\.smtppolicy; --format json lists every finding\)$/m);
    assert.match(results['pretty']!.stdout, /✖ 6001 problems \(6001 errors, 0 warnings\)/);
    assert.ok(results['github']!.stdout.length < 10 * text.length, `github: ${results['github']!.stdout.length} bytes`);
    assert.match(results['github']!.stdout, /^::notice file=open\.smtppolicy,.*::… and 2,989 more like this/m);
    assert.ok(results['compile']!.stderr.length < 10 * text.length, `compile: ${results['compile']!.stderr.length} bytes`);
    // The machine formats keep every finding.
    assert.equal((JSON.parse(results['json']!.stdout) as { diagnostics: unknown[] }).diagnostics.length, 6001);
    assert.equal((JSON.parse(results['sarif']!.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results.length, 6001);
  });

  it("'server a {' 10,000 times: no 'Invalid string length', a report of bounded size", { timeout: 180_000 }, async () => {
    const text = 'server a {'.repeat(10_000);
    const results = await everyCommand('open10k.smtppolicy', text);
    for (const [command, result] of Object.entries(results)) assert.equal(result.code, 1, command);
    assert.ok(results['pretty']!.stdout.length < 10 * text.length, `pretty: ${results['pretty']!.stdout.length} bytes`);
  });

  it('a code frame shows a window of a 1 MB line around the finding, with an ellipsis', { timeout: 60_000 }, async () => {
    const text = `server a {\n  listen 127.0.0.1:2525\n  hostname ${'a'.repeat(MB)}\n}\n`;
    const { pretty, compile } = await everyCommand('long-line.smtppolicy', text);
    assert.equal(pretty!.code, 1);
    const frameLines = pretty!.stdout.split('\n').filter((l) => /^ {2}[> ] +\d+ \|/.test(l));
    assert.ok(frameLines.length > 0, pretty!.stdout.slice(0, 2000));
    for (const line of frameLines) assert.ok(line.length < 200, `a frame line of ${line.length} characters`);
    assert.match(pretty!.stdout, /> 3 \| {3}hostname a+…$/m);
    assert.ok(compile!.stderr.length < 4000, `compile: ${compile!.stderr.length} bytes`);
  });

  it('a 1 MB listen line of one address repeated: every conflict found, the report bounded', { timeout: 180_000 }, async () => {
    const endpoints = Array.from({ length: 70_000 }, () => '127.0.0.1:2525').join(', ');
    const text = `server a {\n  hostname a.example.test\n  listen ${endpoints}\n}\n`;
    const { pretty, json, compile } = await everyCommand('listen.smtppolicy', text);
    assert.equal(compile!.code, 1);
    assert.ok(compile!.stderr.length < 20_000, `compile: ${compile!.stderr.length} bytes`);
    assert.match(pretty!.stdout, /… and 69,989 more like this \(listen-address-conflict/);
    assert.equal((JSON.parse(json!.stdout) as { summary: { errors: number } }).summary.errors, 69_999);
  });

  it('10,000 sni blocks nested in each other: one error per block, found in bounded output', { timeout: 180_000 }, async () => {
    const text = `server a {\n  listen 127.0.0.1:2525\n  hostname a.example.test\n  tls {\n${'sni a.example.test {\n'.repeat(10_000)}${'}\n'.repeat(10_002)}`;
    const { pretty, json, compile } = await everyCommand('sni.smtppolicy', text);
    assert.equal(compile!.code, 1);
    assert.ok(pretty!.stdout.length < text.length, `pretty: ${pretty!.stdout.length} bytes`);
    const { diagnostics } = JSON.parse(json!.stdout) as { diagnostics: { ruleId: string; range: { start: { line: number } } }[] };
    assert.ok(diagnostics.length >= 9_999 && diagnostics.length <= 2 * 10_002, `${diagnostics.length} diagnostics`);
    assert.ok(diagnostics.some((d) => d.ruleId === 'syntax' && d.range.start.line === 6), 'the first nested sni is an error');
  });

  it('a chain of 1,500 lists each referencing the next compiles (no stack overflow)', { timeout: 120_000 }, async () => {
    const { json, compile } = await everyCommand('chain.smtppolicy', listChain(1500));
    assert.equal(compile!.code, 0, compile!.stderr.slice(0, 2000));
    assert.equal((JSON.parse(json!.stdout) as { summary: { errors: number } }).summary.errors, 0);
  });

  it('lists that double at every level stop at the expansion limit, with the place and the limit', { timeout: 120_000 }, async () => {
    // 2^40 entries if expanded (and a chain of 1,500 lists with entries of their own asks for 1.1 million): a few lines must not ask for that.
    const lists = Array.from({ length: 40 }, (_, i) => `list d${i} { @d${i + 1} @d${i + 1} }\n`).join('');
    const text = `${lists}list d40 { 192.0.2.1 }\n${SERVER.replace('@l1', '@d0')}`;
    const { pretty, compile } = await everyCommand('doubling.smtppolicy', text);
    assert.equal(compile!.code, 1);
    assert.match(pretty!.stdout, /^doubling\.smtppolicy:\d+:\d+ error list '@d\d+' is not expanded here: the entries copied in by list references would pass 4,000,000, the limit for this policy/m);
  });

  it('includes nested deeper than the limit are reported at the include that goes past it', { timeout: 120_000 }, async () => {
    for (let i = 1; i <= 120; i++) await writeFile(join(dir, `inc${i}.smtppolicy`), `include "inc${i + 1}.smtppolicy"\n`);
    await writeFile(join(dir, 'inc121.smtppolicy'), '');
    const { json, compile } = await everyCommand('deep.smtppolicy', `include "inc1.smtppolicy"\n${SERVER.replace('  connections only { @l1 }\n', '')}`);
    assert.equal(compile!.code, 1);
    const { diagnostics } = JSON.parse(json!.stdout) as { diagnostics: { file: string; message: string; range: { start: { line: number; column: number } } }[] };
    const limit = diagnostics.find((d) => /includes nest deeper than 100 files/.test(d.message));
    assert.ok(limit, JSON.stringify(diagnostics.slice(0, 3)));
    assert.equal(limit.file, 'inc99.smtppolicy');
    assert.deepEqual(limit.range.start, { line: 1, column: 9 });
  });
});
