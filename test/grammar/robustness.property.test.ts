// parse() never throws, whatever the text, and every range it returns lies inside the text
// with line and column consistent with the offset.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../grammar/index.js';
import type { Position, Range } from '../../grammar/ast.js';
import { tokenize } from '../../grammar/keywords.js';
import { positionsOf } from '../helpers/positions.js';

const COMPLETE = readFileSync(new URL('./fixtures/complete.smtppolicy', import.meta.url), 'utf8');


function collectRanges(value: unknown, into: Range[] = []): Range[] {
  if (value === null || typeof value !== 'object') return into;
  if (Array.isArray(value)) {
    for (const v of value) collectRanges(v, into);
    return into;
  }
  for (const [key, v] of Object.entries(value)) {
    if ((key === 'range' || key === 'nameRange') && v && typeof v === 'object') into.push(v as Range);
    else collectRanges(v, into);
  }
  return into;
}

function checkText(text: string): void {
  let result;
  try {
    result = parse(text, 'fuzz.smtppolicy');
  } catch (error) {
    assert.fail(`parse threw on ${JSON.stringify(text)}: ${String(error)}`);
  }
  const ranges = [...collectRanges(result.ast), ...result.diagnostics.map((d) => d.range)];
  const expectedPosition = positionsOf(text);
  for (const range of ranges) {
    const { start, end } = range;
    assert.ok(0 <= start.offset && start.offset <= end.offset && end.offset <= text.length, `range out of text: ${JSON.stringify(range)} in ${JSON.stringify(text.slice(0, 200))}`);
    assert.deepEqual(start, expectedPosition(start.offset), JSON.stringify(text.slice(0, 200)));
    assert.deepEqual(end, expectedPosition(end.offset), JSON.stringify(text.slice(0, 200)));
  }
  for (const d of result.diagnostics) {
    assert.ok(d.message.length > 0 && d.message.length < 400, d.message);
    assert.ok(!d.message.includes('internal error'), d.message);
  }
}

// Pieces of the language, so that random programs get deep into the grammar.
const PIECES = [
  ...tokenize(COMPLETE).tokens.map((t) => t.text),
  '{',
  '}',
  ',',
  '#x\n',
  '\n',
  '\r\n',
  ' ',
  '"',
  '\\',
  '@',
  '\0',
  '\ufeff',
  '\ud800',
  '10.0.0.0/33',
  '[::1]:70000',
  '255.0.255.0',
  'mask',
  'domain',
  ';',
];

const piece = fc.constantFrom(...PIECES);
const tokensOfComplete = tokenize(COMPLETE).tokens;

/** A valid policy with token-level mutations: delete, insert, duplicate, swap. */
const mutatedPolicy = fc
  .array(
    fc.tuple(
      fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
      fc.nat({ max: tokensOfComplete.length - 1 }),
      fc.nat({ max: tokensOfComplete.length - 1 }),
      piece,
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((mutations) => {
    const texts = tokensOfComplete.map((t) => t.text);
    for (const [op, i, j, extra] of mutations) {
      if (i >= texts.length) continue;
      if (op === 'delete') texts.splice(i, 1);
      else if (op === 'insert') texts.splice(i, 0, extra);
      else if (op === 'duplicate') texts.splice(i, 0, texts[i] as string);
      else if (j < texts.length) [texts[i], texts[j]] = [texts[j] as string, texts[i] as string];
    }
    return texts.join(' ');
  });

describe('parse() on arbitrary text', () => {
  it('never throws on random strings, including lone surrogates and control characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkText), { numRuns: 1500 });
  });

  it('never throws on random sequences of language pieces', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(' ')), checkText), {
      numRuns: 1500,
    });
  });

  it('never throws on mutations of a valid policy', () => {
    fc.assert(fc.property(mutatedPolicy, checkText), { numRuns: 600 });
  });

  it('never throws on truncations and random byte edits of a valid policy', () => {
    const edited = fc
      .tuple(fc.nat({ max: COMPLETE.length }), fc.nat({ max: COMPLETE.length }), fc.string({ unit: 'binary', maxLength: 4 }))
      .map(([cut, at, bytes]) => {
        const truncated = COMPLETE.slice(0, cut);
        const position = Math.min(at, truncated.length);
        return truncated.slice(0, position) + bytes + truncated.slice(position);
      });
    fc.assert(fc.property(edited, checkText), { numRuns: 600 });
  });

  it('survives pathological sizes: a 1 MB line, deep nesting, many errors', () => {
    checkText(`server a { hostname ${'a'.repeat(1 << 20)} }`);
    checkText(`include "${'x'.repeat(1 << 20)}`);
    checkText('{'.repeat(50_000));
    checkText('server a { tls { sni '.repeat(1_000));
    checkText('!'.repeat(1 << 20));
  });
});
