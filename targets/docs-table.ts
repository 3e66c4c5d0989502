// The table of docs/mta-targets.md, generated from targets/settings.ts (`npm run generate`);
// test/targets/settings-table.test.ts fails when the committed page differs.
import { SETTING_ROWS } from './settings.js';
import type { TargetMapping } from './types.js';

export const MTA_DOCS_PATH = 'docs/mta-targets.md';
const START = '<!-- generated from targets/settings.ts: mapping table -->';
const END = '<!-- end of generated table -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function target(mapping: TargetMapping): string {
  return `**${mapping.fidelity === 'unsupported' ? 'none' : mapping.fidelity}**: ${mapping.mapping}${mapping.note ? `. ${mapping.note}` : ''}`;
}

export function mappingTable(): string {
  const lines = ['| Setting | Policy | Postfix | OpenSMTPD |', '|---|---|---|---|'];
  for (const row of SETTING_ROWS) {
    lines.push(`| ${[`\`${row.setting}\``, row.policy, target(row.targets.postfix), target(row.targets.opensmtpd)].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The page with its generated table rewritten; throws when the markers are missing. */
export function updateMtaDocs(page: string): string {
  const from = page.indexOf(START);
  const to = from < 0 ? -1 : page.indexOf(END, from);
  if (from < 0 || to < 0) throw new Error(`${MTA_DOCS_PATH}: no generated table (markers '${START}' … '${END}')`);
  return `${page.slice(0, from)}${START}\n${mappingTable()}\n${page.slice(to)}`;
}
