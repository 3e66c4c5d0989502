import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rulesIndexMarkdown } from '../../../compiler/rules/rules-index.js';

test('docs/rules/README.md lists every rule as the registry defines it', () => {
  const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'rules', 'README.md'), 'utf8');
  assert.equal(committed, rulesIndexMarkdown(), 'out of date: run node --import tsx scripts/write-rules-index.ts');
});
