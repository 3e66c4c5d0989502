// `smtppolicy diff` in a terminal: per server and listener, each change as a headline with
// its sets (the first few blocks), the witness session, and the deciding line on each side.

import type { Capability } from '../capabilities.js';
import type { Witness } from '../witness.js';
import { changeCount, decidingLine, describeSession, domainHeadline, headline, outcome, someCidrs, type DiffReport, type DiffSide } from './words.js';

/** Blocks of a set printed before "… and N more" (--format json lists all of them). */
const SHOWN_CIDRS = 6;

export function formatDiffPretty(report: DiffReport): string {
  const { diff, before, after } = report;
  const out = [`smtppolicy diff: ${before.label} → ${after.label}`];
  if (changeCount(diff) === 0) return `${out[0]}\nno change in who may connect, relay, send a password in clear or must use TLS\n`;
  for (const server of diff.servers) {
    const listeners = server.listeners.filter((l) => l.changes.length + l.domains.length > 0);
    if (listeners.length === 0 && server.users.length === 0) continue;
    out.push('', `server ${server.name}${server.presence === 'kept' ? '' : ` (${server.presence})`}`);
    for (const u of server.users) {
      out.push(`  ${u.widens ? '+' : '−'} ${u.right}: ${u.before ? 'yes' : 'no'} → ${u.after ? 'yes' : 'no'}`);
      if (u.sources.before) out.push(`      before  ${u.sources.before}  ${before.texts.lineText(u.sources.before) ?? ''}`.trimEnd());
      if (u.sources.after) out.push(`      after   ${u.sources.after}  ${after.texts.lineText(u.sources.after) ?? ''}`.trimEnd());
    }
    for (const listener of listeners) {
      out.push(`  listener ${listener.description}${listener.presence === 'kept' ? '' : ` (${listener.presence})`}`);
      for (const change of listener.changes) {
        out.push(`    ${headline(change)}`);
        const { shown, more } = someCidrs(change.set, SHOWN_CIDRS);
        out.push(`      ${shown.join(' ')}${more > 0 ? ` … and ${more} more` : ''}`);
        out.push(...witnessLines(change.capability, change.witness, before, after));
      }
      for (const change of listener.domains) {
        out.push(`    ${change.direction === 'gained' ? '+' : '−'}${domainHeadline(change)}`);
        out.push(...witnessLines(change.capability, change.witness, before, after));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function witnessLines(capability: Capability, witness: Witness | undefined, before: DiffSide, after: DiffSide): string[] {
  if (witness === undefined) return ['      witness: none found'];
  const lines = [`      witness: ${describeSession(witness.session)}${witness.confirmed ? '' : ' (runtime/policy does not confirm this change for it)'}`];
  for (const [label, probe, side] of [['before', witness.before, before], ['after ', witness.after, after]] as const) {
    const line = decidingLine(probe, side);
    lines.push(`      ${label}  ${outcome(capability, probe)}${line ? `  ${line.place}${line.text ? `  ${line.text}` : ''}` : ''}`);
  }
  return lines;
}
