// Policy files as they come from disk: bytes that are not UTF-8 (a Latin-1 editor, a binary
// file named by mistake) and names that are not regular files (a device, a FIFO). Invalid
// bytes are syntax errors at their exact place, never silently replaced; a device or FIFO
// is a diagnostic at once, never a read that blocks or never ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { checkPolicy, hasErrors } from '../../../compiler/index.js';
import { assertDiagnosticsValid } from './pipeline-checks.js';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-disk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const POLICY = (extra = '') => Buffer.from(`storage { spool "var/spool"  maildir "var/mail" }
server inbound {
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test
}
${extra}`, 'latin1');

test('invalid UTF-8 in a comment, a path and a name: an error at each place, naming the bytes', { timeout: 20000 }, async (t) => {
  const dir = folder(t);
  const bytes = Buffer.concat([
    Buffer.from('# caf\xe9 au lait\n', 'latin1'),              // Latin-1 é in a comment (line 1, column 5)
    POLICY(),
    Buffer.from('users staff file "pass\xffwd"\n', 'latin1'),  // 0xFF in a path (line 8, column 23)
    Buffer.from('list \xc3\x28x { 10.0.0.1 }\n', 'latin1'),     // a broken two-byte sequence (line 9, column 6)
  ]);
  writeFileSync(join(dir, 'main.smtppolicy'), bytes);
  const result = await checkPolicy(join(dir, 'main.smtppolicy'), { cwd: dir });
  assertDiagnosticsValid(result);
  const utf8 = result.diagnostics.filter((d) => d.message.startsWith('invalid UTF-8'));
  assert.deepEqual(utf8.map((d) => [d.ruleId, d.severity, d.range.start.line, d.range.start.column, d.range.end.column]), [
    ['syntax', 'error', 1, 6, 7],
    ['syntax', 'error', 8, 23, 24],
    ['syntax', 'error', 9, 6, 7],
  ]);
  assert.match(utf8[0]!.message, /^invalid UTF-8: 0xE9 is not UTF-8 text; policy files must be saved as UTF-8$/);
  assert.match(utf8[2]!.message, /^invalid UTF-8: 0xC3 is not UTF-8/);
  assert.ok(hasErrors(result.diagnostics), 'such a policy is never compiled');
});

test('valid UTF-8, a literal U+FFFD and a BOM are not errors; an included file with bad bytes is reported in that file', { timeout: 20000 }, async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'main.smtppolicy'), Buffer.concat([Buffer.from('\ufeff# ünïcödé \ufffd ✓\ninclude "lists.smtppolicy"\n', 'utf8'), POLICY()]));
  writeFileSync(join(dir, 'lists.smtppolicy'), Buffer.from('list a { 10.0.0.1 } # \xf0\x9f\x98\n', 'latin1'));
  const result = await checkPolicy(join(dir, 'main.smtppolicy'), { cwd: dir });
  assertDiagnosticsValid(result);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.file, d.range.start.line, d.range.start.column, d.message]), [
    ['lists.smtppolicy', 1, 23, 'invalid UTF-8: 0xF0 0x9F 0x98 are not UTF-8 text; policy files must be saved as UTF-8'],
  ]);
});

test('a binary file: a bounded number of diagnostics, the count of the rest', { timeout: 20000 }, async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'main.smtppolicy'), Buffer.alloc(100_000, 0xff));
  const result = await checkPolicy(join(dir, 'main.smtppolicy'), { cwd: dir });
  assertDiagnosticsValid(result);
  const utf8 = result.diagnostics.filter((d) => d.message.startsWith('invalid UTF-8'));
  assert.equal(utf8.length, 20);
  assert.match(utf8.at(-1)!.message, /\(and 99980 more invalid sequences in this file\)$/);
});

// A user store, certificate and key that are devices or a FIFO: reading any of them as a
// regular file would block or never end.
const READS_SPECIAL_FILES = `users staff file "/dev/urandom"
server submission {
  listen 127.0.0.1:2587
  hostname mail.example.test
  tls { certificate "/dev/zero"  key "fifo"  require }
  auth { basic users staff }
  relay { authenticated }
}
`;

test('a device or a FIFO named as an include, a certificate or a password file: a diagnostic, at once', { timeout: 20000 }, async (t) => {
  const dir = folder(t);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'main.smtppolicy'), POLICY(`include "/dev/zero"\ninclude "fifo"\n${READS_SPECIAL_FILES}`));
  const started = Date.now();
  const result = await checkPolicy(join(dir, 'main.smtppolicy'), { cwd: dir });
  assert.ok(Date.now() - started < 10_000, 'nothing blocked');
  assertDiagnosticsValid(result);
  const messages = result.diagnostics.map((d) => d.message).join('\n');
  assert.match(messages, /cannot include '\/dev\/zero': not a regular file/);
  assert.match(messages, /cannot include 'fifo': not a regular file/);
  // the rules that read files run only once the include errors are fixed; check them alone
  writeFileSync(join(dir, 'main.smtppolicy'), POLICY(READS_SPECIAL_FILES));
  const files = await checkPolicy(join(dir, 'main.smtppolicy'), { cwd: dir });
  assert.ok(Date.now() - started < 10_000, 'nothing blocked');
  assertDiagnosticsValid(files);
  const fileMessages = files.diagnostics.map((d) => `${d.ruleId}: ${d.message}`).join('\n');
  assert.match(fileMessages, /\/dev\/zero.*not a regular file|not a regular file.*\/dev\/zero/);
});
