// The usage line of `serve --help` shows values serve accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';
import { tempDir } from '../helpers/server-fixture.js';

test('the --drain-timeout value shown in serve\'s usage line is accepted', { timeout: 20000 }, async (t) => {
  const help = await runCli(['serve', '--help']);
  const shown = /--drain-timeout (\S+?)\]/.exec(help.stdout)?.[1];
  assert.ok(shown, help.stdout);
  const result = await runCli(['serve', 'missing.smtppolicy', '--drain-timeout', shown], { cwd: tempDir(t) });
  assert.doesNotMatch(result.stderr, /--drain-timeout/, `the usage line's example is refused: ${result.stderr}`);
  assert.match(result.stderr, /missing\.smtppolicy/);
});

test('--workers takes a whole number from 1 up: 0, a fraction or a word is a usage error (exit 2), nothing starts', { timeout: 20000 }, async (t) => {
  for (const value of ['0', '1.5', 'many', '-2', '257']) {
    const result = await runCli(['serve', 'missing.smtppolicy', '--workers', value], { cwd: tempDir(t) });
    assert.equal(result.code, 2, `--workers ${value}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`--workers: expected a whole number from 1 to 256, found '${value.replace('.', '\\.')}'`));
  }
});
