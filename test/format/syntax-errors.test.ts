// A file with syntax errors is never formatted: prettier gets an error with the location
// of the first one (so it can show the code frame), and the CLI API keeps all of them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPolicy, PolicySyntaxError } from '../../format/format.js';
import { formatText } from './format-helpers.js';

test('prettier reports the line and column of the syntax error', async () => {
  const text = 'server x {\n  listen 0.0.0.0:25\n  listn 0.0.0.0:26\n}\n';
  await assert.rejects(formatText(text), (error: unknown) => {
    const { loc, message } = error as { loc?: { start: { line: number; column: number } }; message: string };
    assert.deepEqual(loc?.start, { line: 3, column: 3 });
    assert.match(message, /^expected a server setting \(listen, .*\), found 'listn' \(3:3\)/);
    // prettier adds the code frame under the message.
    assert.match(message, /\n> 3 \| {3}listn 0\.0\.0\.0:26\n/);
    return true;
  });
});

test('an unclosed block is reported where the file ends', async () => {
  await assert.rejects(formatText('server x {\n  listen 0.0.0.0:25\n'), (error: unknown) => {
    const { loc, message } = error as { loc: { start: { line: number; column: number } }; message: string };
    assert.deepEqual(loc.start, { line: 3, column: 1 });
    assert.match(message, /expected '}' to close the server block opened at line 1/);
    return true;
  });
});

test('every syntax error is kept, and the message counts the others', async () => {
  const text = 'list a { 10.0.0.1 }\nservr x { }\nusers staff file "unterminated\n';
  await assert.rejects(formatPolicy(text), (error: unknown) => {
    assert.ok(error instanceof PolicySyntaxError);
    assert.ok(error.diagnostics.length >= 2, `found ${error.diagnostics.length} diagnostics`);
    assert.ok(error.diagnostics.every((d) => d.ruleId === 'syntax'));
    assert.deepEqual(
      error.diagnostics.map((d) => d.range.start.line),
      [...error.diagnostics.map((d) => d.range.start.line)].sort((a, b) => a - b),
    );
    assert.match(error.message.split('\n')[0] as string, new RegExp(`, and ${error.diagnostics.length - 1} more syntax errors?$`));
    return true;
  });
});

test('invalid values are not syntax errors: the file is formatted, the values kept as written', async () => {
  assert.equal(await formatText('list a {10.0.0.0/33   10.0.0.1}\n'), 'list a { 10.0.0.0/33  10.0.0.1 }\n');
});
