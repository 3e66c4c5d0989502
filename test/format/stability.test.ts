// Formatting is stable and faithful on every example policy and every test input:
// formatting twice gives the text of formatting once, and the syntax tree after formatting
// says what the tree before said (ranges and spellings aside; values and comments, in order).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse, tokenize } from '../../grammar/index.js';
import { sameMeaning } from '../../format/same-meaning.js';
import { formatText, stabilityCorpus } from './format-helpers.js';

const corpus = stabilityCorpus();

async function assertStable(text: string, where: string): Promise<string> {
  const once = await formatText(text);
  const twice = await formatText(once);
  assert.equal(twice, once, `${where}: formatting twice changes the text`);
  const difference = sameMeaning(parse(text, 'before').ast, parse(once, 'after').ast);
  assert.equal(difference, undefined, `${where}: formatting changed the tree: ${difference}`);
  return once;
}

describe('formatting twice gives the same text and the same tree', () => {
  for (const { name, text } of corpus) {
    test(name, async () => {
      await assertStable(text, name);
    });
  }
});

// A comment in every possible place: before and after each token of the test inputs and
// the main examples, in turn at the end of a line, on a line of its own, and after a blank
// line. Each one must survive, once, in order, and the output must be stable. (The
// examples under insecure/ use no other syntax, so they are left out to keep this quick.)
const INSERTIONS = [' # NOTE\n', '\n# NOTE\n', '\n\n# NOTE\n\n'];

describe('a comment anywhere is kept, in order, and formats stably', () => {
  for (const { name, text } of corpus.filter((c) => !c.name.includes('insecure'))) {
    test(name, async () => {
      const offsets = new Set<number>();
      for (const token of tokenize(text).tokens) offsets.add(token.range.start.offset).add(token.range.end.offset);
      let turn = 0;
      for (const offset of offsets) {
        const insertion = INSERTIONS[turn++ % INSERTIONS.length] as string;
        const input = text.slice(0, offset) + insertion + text.slice(offset);
        const where = `${name} with ${JSON.stringify(insertion)} at offset ${offset}`;
        const output = await assertStable(input, where);
        assert.equal(output.split('# NOTE').length - 1, 1, `${where}: the comment is printed once`);
      }
    });
  }
});
