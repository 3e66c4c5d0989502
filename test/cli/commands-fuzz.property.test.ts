// No command ever fails with an internal error (exit 70), whatever policy it is given:
// seeded fast-check input built from the grammar's own keywords, braces, separators, list
// references and values, nested and repeated (thousands of tokens at times), spread over
// three files that include each other (in chains and in cycles). Each input goes through
// the commands a user runs on a policy, in-process: lint in every format, compile, fmt,
// explain, diff and graph. A command may report findings or refuse (exit 1, 2), never throw; the output a
// person reads stays bounded by the input's size.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { KEYWORDS } from '../../grammar/keyword-table.js';
import { runCli } from './run-cli.js';

const FILES = ['main.smtppolicy', 'a.smtppolicy', 'b.smtppolicy'] as const;

// ---- the grammar's tokens --------------------------------------------------------------

const keyword = fc.constantFrom(...KEYWORDS.map((k) => k.text));
const value = fc.constantFrom(
  '127.0.0.1:2525', '0.0.0.0:25', '[::1]:587', '10.0.0.0/8', '192.168.1.0', 'mask', '255.255.255.0', '2001:db8::/32',
  'mx.example.test', 'example.test', '5m', '25MB', '1.2', '128', 'l1', 'l2', 'staff', 'a', '300.1.1.1', '-bad-',
);
const punctuation = fc.constantFrom('{', '}', ',', '@l1', '@l2', '@l3', '@missing', '"x.pem"', '"staff.passwd"', '"unterminated', '# comment', ';', '=');
const include = fc.constantFrom(...FILES.map((f) => `include "${f}"`), 'include "missing.smtppolicy"');
const token = fc.oneof({ weight: 4, arbitrary: keyword }, { weight: 3, arbitrary: value }, { weight: 2, arbitrary: punctuation }, { weight: 1, arbitrary: include });
const gap = fc.constantFrom(' ', ' ', '\n', '\n  ', '\r\n', '\t');

// ---- structure: declarations, nested blocks, repetition, deep nesting -----------------

const { fragment } = fc.letrec<{ fragment: string }>((tie) => ({
  fragment: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    // a run of loose tokens
    fc.array(fc.tuple(token, gap), { maxLength: 12 }).map((parts) => parts.map(([t, g]) => `${t}${g}`).join('')),
    // a block with a keyword head and nested fragments: `server a { … }`, `tls { … }`
    fc
      .tuple(keyword, fc.option(value, { nil: undefined }), fc.array(tie('fragment'), { maxLength: 4 }), fc.boolean())
      .map(([head, name, body, closed]) => `${head}${name ? ` ${name}` : ''} {\n${body.join('\n')}${closed ? '\n}' : ''}\n`),
    // a list declaration referencing others: chains and cycles across files
    fc
      .tuple(fc.constantFrom('l1', 'l2', 'l3'), fc.array(fc.constantFrom('@l1', '@l2', '@l3', '10.0.0.1', 'domain example.test', '10.0.0.0/8'), { maxLength: 5 }))
      .map(([name, entries]) => `list ${name} { ${entries.join('  ')} }\n`),
    // a fragment repeated hundreds of times (the shape of most hostile inputs)
    fc.tuple(tie('fragment'), fc.integer({ min: 2, max: 200 }), fc.constantFrom('', '\n')).map(([f, n, sep]) => Array.from({ length: n }, () => f).join(sep)),
    // braces opened (and perhaps closed) far deeper than the language nests
    fc.tuple(fc.constantFrom('{', 'server a {', 'tls {', 'sni x.example {', 'list l1 {'), fc.integer({ min: 1, max: 1500 }), fc.boolean()).map(([open, depth, close]) => `${open.repeat(depth)}${close ? '}'.repeat(depth) : ''}`),
  ),
}));

const SERVER = 'server inbound {\n  listen 127.0.0.1:2525\n  hostname mx.example.test\n  connections only { @l1 }\n}\n';
/** Repetition multiplies: each file is cut at this size so that a run stays quick. */
const MAX_FILE_CHARS = 12_000;
const file = fc
  .tuple(fc.array(fragment, { maxLength: 4 }), fc.boolean())
  .map(([parts, withServer]) => `${parts.join('\n').slice(0, MAX_FILE_CHARS)}\n${withServer ? SERVER : ''}`);
const policySet = fc.tuple(file, file, file);

// ---- the commands ----------------------------------------------------------------------

const COMMANDS: { name: string; argv: string[]; boundedOutput: boolean }[] = [
  ...['pretty', 'github'].map((format) => ({ name: `lint --format ${format}`, argv: ['lint', 'main.smtppolicy', '--format', format], boundedOutput: true })),
  ...['json', 'sarif'].map((format) => ({ name: `lint --format ${format}`, argv: ['lint', 'main.smtppolicy', '--format', format], boundedOutput: false })),
  { name: 'compile', argv: ['compile', 'main.smtppolicy', '-o', 'out.json'], boundedOutput: true },
  { name: 'fmt', argv: ['fmt', 'main.smtppolicy'], boundedOutput: true },
  { name: 'fmt --check', argv: ['fmt', '--check', ...FILES], boundedOutput: true },
  { name: 'explain', argv: ['explain', 'main.smtppolicy', '--server', 'inbound', '--client', '10.0.0.1', '--rcpt', 'user@example.test'], boundedOutput: true },
  { name: 'diff', argv: ['diff', 'a.smtppolicy', 'main.smtppolicy', '--format', 'markdown'], boundedOutput: true },
  { name: 'graph', argv: ['graph', 'main.smtppolicy', '-o', 'map.svg'], boundedOutput: true },
];

/** What a person-readable report may take: ten times the input, plus room for the fixed text. */
const outputBound = (inputLength: number) => 10 * inputLength + 64 * 1024;

describe('every command on generated policies', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-commands-fuzz-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('never throws (exit 70), exits 0, 1 or 2, and keeps the readable output bounded', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(policySet, async (texts) => {
        await Promise.all(FILES.map((name, i) => writeFile(join(dir, name), texts[i]!)));
        const inputLength = texts.reduce((sum, t) => sum + t.length, 0);
        for (const command of COMMANDS) {
          let result;
          try {
            result = await runCli(command.argv, { cwd: dir });
          } catch (error) {
            assert.fail(`${command.name} threw (exit 70 from the command): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          }
          assert.ok([0, 1, 2].includes(result.code), `${command.name} exited ${result.code}: ${result.stderr.slice(0, 500)}`);
          assert.doesNotMatch(result.stderr, /internal error/, command.name);
          const size = result.stdout.length + result.stderr.length;
          if (command.boundedOutput) assert.ok(size <= outputBound(inputLength), `${command.name}: ${size} characters of output for ${inputLength} of input`);
          if (command.name === 'lint --format json') JSON.parse(result.stdout);
        }
      }),
      { seed: 1414, numRuns: 25, endOnFailure: true },
    );
  });
});
