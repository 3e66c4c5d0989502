// Writes docs/rules/README.md from the rule registry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesIndexMarkdown } from '../compiler/rules/rules-index.js';

writeFileSync(join(import.meta.dirname, '..', 'docs', 'rules', 'README.md'), rulesIndexMarkdown());
