// The files derived from the keyword table are current: the TextMate grammar and the
// settings tables of the language reference are regenerated here, in memory, and must
// equal the committed files (`npm run generate` rewrites them).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REFERENCE_BLOCKS, REFERENCE_PATH, referenceTable, updateReference } from '../../grammar/derive/reference-tables.js';
import { keywordPattern, TEXTMATE_PATH, textMateGrammarText } from '../../grammar/derive/textmate.js';
import { KEYWORDS, rowsIn } from '../../grammar/keyword-table.js';

describe('files derived from the keyword table', () => {
  it(`${TEXTMATE_PATH} is the generated grammar (run npm run generate)`, () => {
    assert.equal(readFileSync(TEXTMATE_PATH, 'utf8'), textMateGrammarText());
  });

  it(`${REFERENCE_PATH} holds the generated settings tables (run npm run generate)`, () => {
    const page = readFileSync(REFERENCE_PATH, 'utf8');
    assert.equal(page, updateReference(page));
  });

  it('every keyword gets exactly one colour in the TextMate grammar', () => {
    const patterns = (['declaration', 'setting', 'constant'] as const).map((h) => new RegExp(`^${keywordPattern(h)}$`));
    for (const { text } of KEYWORDS) {
      assert.equal(patterns.filter((p) => p.test(text)).length, 1, text);
    }
  });

  it('every setting of a documented block has a row in its table, with its default', () => {
    for (const context of REFERENCE_BLOCKS) {
      const table = referenceTable(context);
      for (const row of rowsIn(context)) {
        if (row.reference === false) continue;
        assert.match(table, new RegExp(`\\n\\| [^\\n]*\`${row.text}\``), `${row.text} in ${context}`);
        if (row.default !== undefined) assert.ok(table.includes(`\`${row.default}\``), `default of ${row.text}`);
      }
    }
  });
});
