// scripts/run-tests.mjs, the runner behind `npm test` and CI: a failed run must end by
// naming what failed, because CI logs are read from their tail and a failing subtest is
// otherwise one line among hundreds of TAP lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

function runSuite(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'run-tests-'));
  try {
    mkdirSync(join(dir, 'test'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'test', name), text);
    // Without NODE_TEST_CONTEXT, which this test's own runner sets: with it, the inner runner
    // would report to ours instead of printing its own output and exit code.
    const { NODE_TEST_CONTEXT: _ours, ...env } = process.env;
    return spawnSync(process.execPath, [join(ROOT, 'scripts/run-tests.mjs')], { cwd: dir, encoding: 'utf8', env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const passing = `import { test } from 'node:test';\ntest('holds', () => {});\n`;

test('a failed run ends with each failing test and its error, after the TAP', () => {
  const result = runSuite({
    'fine.test.ts': passing,
    'broken.test.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
test('the greeting', async (t) => {
  await t.test('names the host', () => assert.equal('220 other', '220 mx.example'));
  await t.test('is sent once', () => {});
});
`,
  });
  assert.equal(result.status, 1, result.stderr);
  const marker = result.stdout.lastIndexOf('# ==== failing tests ====');
  assert.ok(marker > result.stdout.lastIndexOf('# fail '), `no failing tests section after the TAP summary:\n${result.stdout}`);
  const section = result.stdout.slice(marker);
  assert.match(section, /names the host/);
  assert.match(section, /'220 mx\.example'/, 'the section carries the assertion, not only the name');
  assert.doesNotMatch(section, /is sent once|holds/, 'passing tests are not listed as failing');
});

test('a passing run prints no failing tests section', () => {
  const result = runSuite({ 'fine.test.ts': passing });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /failing tests/);
});
