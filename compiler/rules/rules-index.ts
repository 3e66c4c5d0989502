// The rule catalogue as a Markdown page (docs/rules/README.md). The page is committed so it
// reads on any forge; a test fails when it no longer matches the rules, and
// `node --import tsx scripts/write-rules-index.ts` writes it anew.

import { RULES } from './index.js';

export function rulesIndexMarkdown(): string {
  const rows = RULES.map(
    ({ meta }) => `| [\`${meta.id}\`](${meta.id}.md) | ${meta.defaultSeverity} | ${meta.category} | ${meta.fixable ? 'yes' : ''} | ${meta.description.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Lint rules',
    '',
    'Every rule of `smtppolicy lint`, with its default severity. Each page says what the rule',
    'catches, why (with the source article\'s reasoning where it applies), an insecure example',
    'and the fix. Change a severity with `--rule <id>=off|warn|error`; suppress one finding with',
    '`# smtppolicy-ignore <id> -- <reason>`. Two kinds of error are not rules and cannot be',
    'suppressed: `syntax` (the text cannot be read) and `semantic` (an invalid value, an unknown',
    'or duplicate name, an include cycle); [syntax-errors.md](../syntax-errors.md) describes both.',
    '',
    '| rule | severity | category | fixable | what it catches |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
