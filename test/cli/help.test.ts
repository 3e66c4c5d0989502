// Every command's --help is printed from the same option table that parses its arguments:
// each flag the command accepts has its own described line, and nothing else is listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptionTable } from '../../cli/args.js';
import { runCli } from './run-cli.js';

const COMMANDS = ['lint', 'compile', 'fmt', 'rules', 'lsp', 'serve', 'passwd', 'users', 'queue', 'explain', 'verify', 'diff', 'graph'];

/** The flags a help text describes: lines of its Options section that start with a flag. */
function describedFlags(help: string): string[] {
  const section = help.split('\nOptions:\n')[1] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!);
}

test('explain --help describes every fact it accepts', async () => {
  const help = await runCli(['explain', '--help']);
  assert.equal(help.code, 0);
  const flags = describedFlags(help.stdout);
  for (const flag of ['server', 'client', 'rcpt', 'ptr', 'unconfirmed', 'dns-fail', 'tls', 'tls-version', 'cipher-bits', 'user', 'mail-from', 'format', 'help']) {
    assert.ok(flags.includes(flag), `--${flag} has no line of its own in:\n${help.stdout}`);
  }
});

test('every command describes exactly the options it parses', async () => {
  for (const name of COMMANDS) {
    const module = (await import(`../../cli/${name}.js`)) as { OPTIONS?: OptionTable };
    const help = await runCli([name, '--help']);
    assert.equal(help.code, 0, `${name} --help`);
    const accepted = [...Object.keys(module.OPTIONS ?? {}), 'help'].sort();
    assert.deepEqual(describedFlags(help.stdout).sort(), accepted, `${name} --help`);
    // and every flag it describes is one it accepts (a flag alone is never an unknown option)
    for (const flag of accepted) {
      const result = await runCli([name, `--${flag}`, ...(module.OPTIONS?.[flag]?.type === 'string' ? ['x'] : []), '--help']);
      assert.doesNotMatch(result.stderr, /Unknown option/, `${name} --${flag}`);
    }
  }
});
