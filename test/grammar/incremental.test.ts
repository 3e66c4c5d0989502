// reparse() gives exactly what parse() gives for the new text, whatever the edit, and
// reuses the items an edit did not touch (that reuse is what keeps the editor fast).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../grammar/index.js';
import { reparse, type ParsedText } from '../../grammar/incremental.js';

const FILE = 'edited.smtppolicy';
const COMPLETE = readFileSync(new URL('./fixtures/complete.smtppolicy', import.meta.url), 'utf8');

// Several small blocks of each kind, some on one line, with comments between and inside.
const BASE = [
  '# a policy with every kind of top-level item',
  'include "common.smtppolicy"',
  'users staff file "staff.passwd"',
  'list office { 10.1.0.0/16, 10.2.0.1  # the printer',
  '  domain mail.example.com }',
  'list partners {',
  '  192.0.2.0/24',
  '  198.51.100.7 mask 255.255.255.0',
  '  @office',
  '}',
  'list one { 10.0.0.1 } list inline { 10.9.9.9 }',
  'server mx {',
  '  listen 0.0.0.0:25',
  '  hostname mx.example.com',
  '  tls { certificate "mx.pem"  key "mx.key"  optional }',
  '  connections only { @office }',
  '  relay { authenticated @partners }',
  '}',
  '',
  COMPLETE,
].join('\n');

// What editing inserts: characters that change how text lexes and parses, and whole words.
const INSERTED = fc.oneof(
  fc.constantFrom('{', '}', '#', '"', '\n', '\r\n', ' ', ',', '@', '.', '1', '/24', 'x', 'list a {', 'server', 'domain', '}\n', '\\'),
  fc.string({ maxLength: 6 }),
);

// Most keystrokes leave the text valid: typing blanks, line breaks and digits keeps the reuse path busy.
const GENTLE = fc.constantFrom(' ', '\n', '\r\n', '0', '7', '\n# note\n', '');

const edit = fc.oneof(
  fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: INSERTED }),
  fc.record({ at: fc.nat(), remove: fc.nat({ max: 1 }), insert: GENTLE }),
);

function applyEdit(text: string, e: { at: number; remove: number; insert: string }): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

function assertSameAsFullParse(result: ReturnType<typeof parse>, text: string): void {
  const full = parse(text, FILE);
  assert.deepEqual(result, full, `after the edits the text is ${JSON.stringify(text.slice(0, 300))}`);
  // Ranges and address entries keep offsets in private fields, which deepEqual does not see:
  // their JSON spells the positions and texts they give.
  assert.equal(JSON.stringify(result), JSON.stringify(full), `after the edits the text is ${JSON.stringify(text.slice(0, 300))}`);
}

describe('reparse', () => {
  it('equals a full parse after any sequence of edits', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let previous: ParsedText = { text: BASE, file: FILE, result: parse(BASE, FILE) };
        for (const e of edits) {
          const text = applyEdit(previous.text, e);
          const result = reparse(previous, text, FILE);
          assertSameAsFullParse(result, text);
          previous = { text, file: FILE, result };
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals a full parse when an edit breaks the text and a later one repairs it', () => {
    const broken = BASE.replace('list partners {', 'list partners ');
    const first = reparse({ text: BASE, file: FILE, result: parse(BASE, FILE) }, broken, FILE);
    assertSameAsFullParse(first, broken);
    assert.ok(first.diagnostics.length > 0);
    const repaired = reparse({ text: broken, file: FILE, result: first }, BASE, FILE);
    assertSameAsFullParse(repaired, BASE);
  });

  it('reuses the items before an edit and moves the items after it', () => {
    const previous: ParsedText = { text: BASE, file: FILE, result: parse(BASE, FILE) };
    const text = BASE.replace('192.0.2.0/24', '192.0.2.0/25');
    assert.deepEqual(previous.result.diagnostics, [], 'the base policy is valid');
    const result = reparse(previous, text, FILE);
    assertSameAsFullParse(result, text);
    const before = previous.result.ast.items;
    const after = result.ast.items;
    assert.equal(after[0], before[0]);
    assert.equal(after[2], before[2]);
    assert.notEqual(after[3], before[3], 'the edited list is parsed again');
    // An edit that keeps the length keeps every later position: those items are reused as they are.
    assert.equal(after.at(-1), before.at(-1));

    const longer = BASE.replace('192.0.2.0/24', '192.0.2.128/25');
    const moved = reparse(previous, longer, FILE);
    assertSameAsFullParse(moved, longer);
    assert.equal(moved.ast.items[2], before[2]);
    assert.equal(moved.ast.items.at(-1)!.range.start.offset, before.at(-1)!.range.start.offset + 2);
  });

  it('parses from scratch for another file name', () => {
    const previous: ParsedText = { text: BASE, file: 'other.smtppolicy', result: parse(BASE, 'other.smtppolicy') };
    const text = `${BASE}list extra { 10.0.0.1 1.2.3 }\n`;
    const result = reparse(previous, text, FILE);
    assertSameAsFullParse(result, text);
    assert.ok(result.diagnostics.every((d) => d.file === FILE));
  });
});

describe('parse in runs of top-level blocks', () => {
  it('gives what parsing the text in one piece gives, for any text and run size', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 4 }), fc.integer({ min: 1, max: 400 }), (edits, chunkChars) => {
        let text = BASE;
        for (const e of edits) text = applyEdit(text, e);
        const inRuns = parse(text, FILE, chunkChars);
        const whole = parse(text, FILE, Infinity);
        assert.deepEqual(inRuns, whole, `text: ${JSON.stringify(text.slice(0, 300))}`);
        // span nodes keep their offsets in private fields: their JSON spells them
        assert.equal(JSON.stringify(inRuns), JSON.stringify(whole), `text: ${JSON.stringify(text.slice(0, 300))}`);
      }),
      { numRuns: 300 },
    );
  });

  it('a large valid policy parses the same in runs, and a large broken one still gets its error', () => {
    // Braces and quotes in comments and strings must not be taken for the end of a block.
    const large = Array.from(
      { length: 40 },
      (_, i) => `list l${i} { 10.0.${i}.1 } # { } list fake${i} { 10.9.9.9 }\nusers u${i} file "a}{#\\"b"\n`,
    ).join('');
    assert.ok(large.length > 200);
    assert.deepEqual(parse(large, FILE, 100), parse(large, FILE, Infinity));
    assert.equal(parse(large, FILE, 100).diagnostics.length, 0);
    const broken = large.replace('list l20 { 10.0.20.1', 'list l20 { 10.0.20.');
    assert.deepEqual(parse(broken, FILE, 100), parse(broken, FILE, Infinity));
    assert.equal(parse(broken, FILE, 100).diagnostics.length, 1);
  });
});
