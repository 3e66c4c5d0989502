// `smtppolicy diff --format markdown`: a pull-request comment. A verdict first (GitHub's
// alert syntax, which other renderers show as a quote), then one table per listener: what
// changed for how many addresses, a witness runtime/policy confirmed, and the deciding line
// before and after. The full sets are folded away in <details>.

import type { Capability } from '../capabilities.js';
import type { Witness } from '../witness.js';
import { changeCount, decidingLine, describeSession, domainHeadline, headline, outcome, someCidrs, type DiffReport, type DiffSide } from './words.js';

/** Blocks listed per change in the folded section; a comment has a size limit (65,536 characters). */
const LISTED_CIDRS = 50;

export function formatDiffMarkdown(report: DiffReport, failing: string[]): string {
  const { diff, before, after } = report;
  const out = [`### smtppolicy diff: \`${code(before.label)}\` → \`${code(after.label)}\``, ''];
  if (failing.length > 0) {
    out.push('> [!CAUTION]', `> This change gives new clients rights that \`--fail-on\` stops (${failing.length}):`, ...failing.map((f) => `> - ${cell(f)}`), '');
  } else if (changeCount(diff) > 0) {
    out.push('> [!NOTE]', '> No new client may relay or send a password in clear.', '');
  } else {
    out.push('No change in who may connect, relay, send a password in clear or must use TLS.', '');
    return `${out.join('\n')}`;
  }
  for (const server of diff.servers) {
    const listeners = server.listeners.filter((l) => l.changes.length + l.domains.length > 0);
    if (listeners.length === 0 && server.users.length === 0) continue;
    out.push(`#### Server \`${code(server.name)}\`${server.presence === 'kept' ? '' : ` (${server.presence})`}`, '');
    if (server.users.length > 0) {
      out.push('| | logging in | before | after |', '|---|---|---|---|');
      for (const u of server.users) {
        out.push(`| ${u.widens ? '➕' : '➖'} | ${cell(u.right)} | ${u.before ? 'yes' : 'no'} ${place(u.sources.before, before)} | ${u.after ? 'yes' : 'no'} ${place(u.sources.after, after)} |`);
      }
      out.push('');
    }
    for (const listener of listeners) {
      out.push(`**Listener \`${code(listener.description)}\`**${listener.presence === 'kept' ? '' : ` (${listener.presence})`}`, '');
      out.push('| | change | witness | before | after |', '|---|---|---|---|---|');
      for (const change of listener.changes) {
        out.push(row(change.direction === 'gained', headline(change), change.capability, change.witness, before, after));
      }
      for (const change of listener.domains) {
        out.push(row(change.direction === 'gained', domainHeadline(change), change.capability, change.witness, before, after));
      }
      out.push('');
      for (const change of listener.changes) {
        const { shown, more } = someCidrs(change.set, LISTED_CIDRS);
        out.push(`<details><summary>${html(headline(change))}</summary>`, '', shown.map((c) => `\`${c}\``).join(' ') + (more > 0 ? ` … and ${more} more (\`--format json\` lists all)` : ''), '', '</details>', '');
      }
    }
  }
  return `${out.join('\n')}`;
}

function row(gained: boolean, what: string, capability: Capability, witness: Witness | undefined, before: DiffSide, after: DiffSide): string {
  const mark = gained ? (capability === 'tls-required' ? '🔒' : '➕') : capability === 'tls-required' ? '🔓' : '➖';
  if (witness === undefined) return `| ${mark} | ${cell(what)} | none found | | |`;
  const session = `${cell(describeSession(witness.session))}${witness.confirmed ? '' : ' (not confirmed)'}`;
  const side = (probe: Witness['before'], s: DiffSide) => `${outcome(capability, probe)} ${line(decidingLine(probe, s))}`;
  return `| ${mark} | ${cell(what)} | ${session} | ${side(witness.before, before)} | ${side(witness.after, after)} |`;
}

function line(found: { place: string; text: string | undefined } | undefined): string {
  if (found === undefined) return '';
  return `<br>\`${code(found.place)}\`${found.text ? ` \`${code(found.text)}\`` : ''}`;
}

function place(source: string | null, side: DiffSide): string {
  return line(source === null ? undefined : { place: source, text: side.texts.lineText(source) });
}

/** Text inside a table cell: a `|` would end the cell. */
function cell(text: string): string {
  return html(text).replace(/\|/g, '\\|');
}

/** Text inside backticks in a table cell: no backtick can close it early, no `|` can end the cell. */
function code(text: string): string {
  return text.replace(/`/g, 'ˋ').replace(/\|/g, '\\|');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
