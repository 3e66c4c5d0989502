// The examples in the language reference are valid: a user who copies one gets no error.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from '../../grammar/index.js';
import { keywordsIn } from '../../grammar/keywords.js';

const REFERENCE = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
const BLOCKS = [...REFERENCE.matchAll(/```smtppolicy\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const TOP_LEVEL = new Set(keywordsIn('top'));

describe('docs/language.md', () => {
  it('has examples', () => {
    assert.ok(BLOCKS.length >= 3);
  });

  BLOCKS.forEach((block, index) => {
    it(`example ${index + 1} parses without errors`, () => {
      const firstWord = block.replace(/#.*$/gm, '').trim().split(/\s/)[0] ?? '';
      // Fragments of server settings are checked inside a server block.
      const text = TOP_LEVEL.has(firstWord) ? block : `server example {\n${block}}\n`;
      assert.deepEqual(
        parse(text, 'docs/language.md').diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`),
        [],
      );
    });
  });

  it('documents every keyword', () => {
    for (const context of ['top', 'server', 'tls', 'auth', 'limits', 'resolver', 'cache', 'storage', 'smarthost'] as const) {
      for (const keyword of keywordsIn(context)) assert.ok(REFERENCE.includes(`\`${keyword}`), `${keyword} is not documented`);
    }
  });
});
