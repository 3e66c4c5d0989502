// Pathological policy files through the whole pipeline (parse, checkPolicy with lint, emit,
// format): a 1 MB line, 10,000-deep nesting, NUL bytes, CRLF line ends and a byte order
// mark (100,000 list entries: pathological-lists.test.ts). Each must be answered within a bound, with valid ranges, and
// where it parses, formatted idempotently without losing a comment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasErrors } from '../../../compiler/index.js';
import { runPipeline, checkInMemory, withoutSources, BASE_POLICY } from './pipeline-checks.js';

const MB = 1 << 20;
// a hang detector, not a speed goal: generous, as the machine may be loaded
const BOUND_MS = 60_000;


describe('pathological sizes', () => {
  test('a 1 MB comment line, a 1 MB hostname and a 1 MB string', { timeout: 240_000 }, async () => {
    const comment = await runPipeline(`# ${'c'.repeat(MB)}\n${BASE_POLICY}`, BOUND_MS);
    assert.equal(hasErrors(comment.result.diagnostics), false, 'a long comment is just a comment');
    assert.ok(comment.formatted!.includes('c'.repeat(MB)), 'the comment is kept whole');
    const hostname = await runPipeline(BASE_POLICY.replace('mx.example.test', `${'a'.repeat(MB)}.example.test`), BOUND_MS);
    const invalid = hostname.result.diagnostics.find((d) => d.severity === 'error');
    assert.ok(invalid, 'a 1 MB hostname is not a valid FQDN');
    assert.equal(invalid.range.start.line, 8);
    assert.ok(invalid.message.length < 400, 'the message does not echo a megabyte');
    const string = await runPipeline(BASE_POLICY.replace('"var/spool"', `"${'s'.repeat(MB)}"`), BOUND_MS);
    assert.equal(string.result.model.config.storage.spool, 's'.repeat(MB), 'the long path is kept whole');
  });

  test('10,000-deep nesting: bare braces, and sni blocks inside sni blocks', { timeout: 240_000 }, async () => {
    for (const text of [
      `${'{'.repeat(10_000)}${'}'.repeat(10_000)}`,
      `server a { tls { ${'sni x.example { '.repeat(10_000)}${'} '.repeat(10_002)}`,
    ]) {
      const { result } = await runPipeline(text, BOUND_MS);
      assert.ok(hasErrors(result.diagnostics), 'nesting the language does not have is an error');
      assert.ok(result.diagnostics.length <= 2 * 10_002, `${result.diagnostics.length} diagnostics: at most about one per unmatched brace`);
      assert.equal(result.diagnostics[0]!.range.start.line, 1);
    }
  });

});

describe('unusual characters', () => {
  test('NUL bytes in a comment, a string, a name and between tokens', { timeout: 60_000 }, async () => {
    for (const text of [
      BASE_POLICY.replace('# the MX', '# the\0MX'),
      BASE_POLICY.replace('"var/spool"', '"var/\0spool"'),
      BASE_POLICY.replace('server inbound', 'server in\0bound'),
      BASE_POLICY.replace('listen 127.0.0.1:2525', 'listen\x00127.0.0.1:2525'),
      `\0${BASE_POLICY}`,
    ]) {
      const { result } = await runPipeline(text, BOUND_MS);
      if (!text.includes('# the\0MX')) assert.ok(hasErrors(result.diagnostics), `a NUL outside a comment is an error: ${JSON.stringify(text.slice(0, 120))} ${JSON.stringify(result.diagnostics)}`);
      if (text.includes('var/\0spool')) assert.match(result.diagnostics.find((d) => d.severity === 'error')!.message, /a file path cannot contain a NUL character: 'var\/\\u0000spool'/);
      for (const d of result.diagnostics) assert.ok(!d.message.includes('\0'), 'no raw NUL in a message');
    }
  });

  test('CRLF line ends: same findings and config as LF, positions count CRLF as one line end', { timeout: 60_000 }, async () => {
    const lf = await runPipeline(`${BASE_POLICY}server bad {\n  hostname not_valid\n}\n`, BOUND_MS);
    const crlfText = `${BASE_POLICY}server bad {\n  hostname not_valid\n}\n`.replace(/\n/g, '\r\n');
    const crlf = await runPipeline(crlfText, BOUND_MS);
    assert.deepEqual(crlf.result.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.message]), lf.result.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.message]));
    const ok = await runPipeline(BASE_POLICY.replace(/\n/g, '\r\n'), BOUND_MS);
    const okLf = await runPipeline(BASE_POLICY, BOUND_MS);
    assert.deepEqual(withoutSources(ok.result.model.config), withoutSources(okLf.result.model.config));
    assert.equal(ok.result.model.config.servers[0]!.source, okLf.result.model.config.servers[0]!.source, 'sources point at the same line and column');
    let n = 0;
    const mixed = await runPipeline(BASE_POLICY.replace(/\n/g, () => ['\r\n', '\r', '\n'][n++ % 3]!), BOUND_MS);
    assert.deepEqual(withoutSources(mixed.result.model.config), withoutSources(okLf.result.model.config), 'mixed line ends too');
  });

  test('a byte order mark: ignored at the start, an error anywhere else', { timeout: 60_000 }, async () => {
    const bom = await runPipeline(`\ufeff${BASE_POLICY}`, BOUND_MS);
    const plain = await runPipeline(BASE_POLICY, BOUND_MS);
    assert.deepEqual(bom.result.diagnostics.map((d) => d.message), plain.result.diagnostics.map((d) => d.message));
    assert.deepEqual(withoutSources(bom.result.model.config), withoutSources(plain.result.model.config));
    const inside = await runPipeline(BASE_POLICY.replace('server inbound', 'server in\ufeffbound'), BOUND_MS);
    assert.ok(hasErrors(inside.result.diagnostics));
  });

  test('includes: missing, cyclic, self, and included text with NUL and CRLF', { timeout: 60_000 }, async () => {
    const { result } = await runPipeline(`include "missing.smtppolicy"\ninclude "a.smtppolicy"\ninclude "main.smtppolicy"\n${BASE_POLICY}`, BOUND_MS, {
      'a.smtppolicy': 'include "b.smtppolicy"\r\nlist x { 10.0.0.1 }\r\n',
      'b.smtppolicy': 'include "a.smtppolicy"\n# \0 in a comment\nlist y { 10.0.0.2 }\n',
    });
    const messages = result.diagnostics.map((d) => d.message).join('\n');
    assert.match(messages, /cannot include 'missing\.smtppolicy': no such file/);
    assert.match(messages, /include cycle/);
    void checkInMemory;
  });
});
