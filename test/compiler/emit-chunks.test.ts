// `compile` writes the config in pieces (compiler/emit-chunks.ts); joined, they must be the
// very text JSON.stringify(config, null, 2) gives, which the golden tests and `serve` expect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { join } from 'node:path';
import { checkPolicy, emitConfig, emitConfigChunks } from '../../compiler/index.js';
import { CHUNK_CHARS, jsonChunks } from '../../compiler/emit-chunks.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

const expected = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const joined = (value: unknown) => [...jsonChunks(value)].join('');

test('the pieces join to JSON.stringify(value, null, 2) for any JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => joined(value) === expected(value)),
    { seed: 14, numRuns: 500 },
  );
});

test('what JSON.stringify leaves out or turns into null is left out or null here too', () => {
  const value = { a: undefined, b: () => 1, c: [undefined, () => 1, null], d: {}, e: [], f: new Date(0), g: NaN, h: 'quote " and\nbreak' };
  assert.equal(joined(value), expected(value));
});

test('a large value comes in several pieces of bounded size', () => {
  const items = Array.from({ length: 20_000 }, (_, i) => ({ kind: 'cidr', cidr: `10.0.${i >> 8}.${i & 255}/32`, source: `p.smtppolicy:${i + 1}:3` }));
  const chunks = [...jsonChunks({ servers: [{ entries: items }] })];
  assert.ok(chunks.length > 10, `${chunks.length} pieces`);
  // a piece ends as soon as it passes the size: it is never much more than one item over it
  assert.ok(chunks.every((c) => c.length < CHUNK_CHARS + 200), 'every piece is near the chunk size');
  assert.equal(chunks.join(''), expected({ servers: [{ entries: items }] }));
});

test('a compiled example policy streams to the text emitConfig gives', async () => {
  const { model } = await checkPolicy(join(EXAMPLES, 'quickstart.smtppolicy'), { lint: false });
  assert.equal([...emitConfigChunks(model.config)].join(''), emitConfig(model.config));
});
