// Writes the files derived from the keyword table: the VS Code TextMate grammar and the
// settings tables of docs/language.md. Run after changing grammar/keyword-table.ts:
// `npm run generate`. test/grammar/derived-files.test.ts fails until the files are current.
// Also the MTA mapping table of docs/mta-targets.md, derived from targets/settings.ts
// (test/targets/settings-table.test.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import { REFERENCE_PATH, updateReference } from '../grammar/derive/reference-tables.js';
import { TEXTMATE_PATH, textMateGrammarText } from '../grammar/derive/textmate.js';
import { MTA_DOCS_PATH, updateMtaDocs } from '../targets/index.js';

function write(path: string, text: string): void {
  const before = readFileSync(path, 'utf8');
  if (before === text) return console.log(`${path}: current`);
  writeFileSync(path, text);
  console.log(`${path}: written`);
}

write(TEXTMATE_PATH, textMateGrammarText());
write(REFERENCE_PATH, updateReference(readFileSync(REFERENCE_PATH, 'utf8')));
write(MTA_DOCS_PATH, updateMtaDocs(readFileSync(MTA_DOCS_PATH, 'utf8')));
