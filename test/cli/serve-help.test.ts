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
