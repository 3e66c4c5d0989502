// The settings tables of the language reference (docs/language.md), derived from the
// keyword table. Each table sits between two marker comments naming its block; the text
// around them is written by hand. `npm run generate` rewrites the tables;
// test/grammar/derived-files.test.ts fails when the committed page differs.

import { rowsIn, type KeywordContext, type KeywordRow } from '../keyword-table.js';
import { VALUE_KINDS } from '../setting-values.js';

export const REFERENCE_PATH = 'docs/language.md';

/** The blocks whose settings the reference lists in a generated table. */
export const REFERENCE_BLOCKS: readonly KeywordContext[] = ['resolver', 'storage', 'state', 'ldap', 'server', 'tls', 'limits'];

const start = (context: KeywordContext) => `<!-- generated from grammar/keyword-table.ts: ${context} settings -->`;
const END = '<!-- end of generated table -->';

function code(text: string): string {
  return `\`${text}\``;
}

function syntaxOf(row: KeywordRow): string {
  const placeholder = row.setting ? VALUE_KINDS[row.setting.value].placeholder : '';
  return code(placeholder ? `${row.text} ${placeholder}` : row.text);
}

function defaultOf(row: KeywordRow): string {
  if (row.reference && row.reference.default !== undefined) return row.reference.default;
  if (row.default !== undefined) return code(row.default);
  return row.defaultText ?? '—';
}

/** A table cell: no line breaks, and a literal '|' would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function referenceTable(context: KeywordContext): string {
  const lines = ['| Setting | Syntax | Default | Meaning |', '|---|---|---|---|'];
  for (const row of rowsIn(context)) {
    const reference = row.reference;
    if (reference === false) continue;
    const cells = [reference?.name ?? code(row.text), reference?.syntax ?? syntaxOf(row), defaultOf(row), reference?.meaning ?? row.description];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The page with every generated table rewritten; throws when a block's markers are missing. */
export function updateReference(page: string): string {
  let result = page;
  for (const context of REFERENCE_BLOCKS) {
    const from = result.indexOf(start(context));
    const to = from < 0 ? -1 : result.indexOf(END, from);
    if (from < 0 || to < 0) throw new Error(`${REFERENCE_PATH}: no generated table for the ${context} block (markers '${start(context)}' … '${END}')`);
    result = `${result.slice(0, from)}${start(context)}\n${referenceTable(context)}\n${result.slice(to)}`;
  }
  return result;
}
