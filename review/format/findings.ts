// A diff as findings, for the reporters lint already has (SARIF for code scanning, GitHub
// annotations): each change becomes a diagnostic at the line that decides it in the NEW
// policy — where a reviewer can still comment — or, for a line that is gone, at the old one.
// A gained open relay (public addresses that may now relay without logging in) is an error.

import type { Diagnostic, Severity } from '../../grammar/index.js';
import { CAPABILITIES, type Capability } from '../capabilities.js';
import type { SetChange } from '../diff.js';
import { parsePlace } from '../locations.js';
import type { Probe } from '../probes.js';
import type { Direction, Witness } from '../witness.js';
import { describeSession, domainHeadline, headline, type DiffReport, type DiffSide } from './words.js';

/** Where `smtppolicy diff`'s findings are explained. */
export const DIFF_DOCS = 'https://github.com/smtppolicy/smtppolicy/blob/main/docs/review.md';

export function diffRuleId(capability: Capability | 'user-right', direction: Direction | 'widened' | 'narrowed', domain = false): string {
  return `diff/${capability}${domain ? '-domain' : ''}-${direction}`;
}

/** Every finding id, described for SARIF's rule table. */
export const DIFF_RULES: { meta: { id: string; description: string; defaultSeverity: Severity; category: string } }[] = [
  ...CAPABILITIES.flatMap((capability) =>
    (['gained', 'lost'] as const).flatMap((direction) => [
      { meta: { id: diffRuleId(capability, direction), description: `addresses that ${direction === 'gained' ? 'newly' : 'no longer'} match: ${capability}`, defaultSeverity: defaultSeverity(capability, direction), category: 'review' } },
      ...(capability === 'connect' || capability === 'relay'
        ? [{ meta: { id: diffRuleId(capability, direction, true), description: `hosts under a domain entry that ${direction === 'gained' ? 'newly' : 'no longer'} match: ${capability}`, defaultSeverity: defaultSeverity(capability, direction), category: 'review' } }]
        : []),
    ]),
  ),
  { meta: { id: diffRuleId('user-right', 'widened'), description: 'logging in gives more (or anonymous access was turned on)', defaultSeverity: 'warning', category: 'review' } },
  { meta: { id: diffRuleId('user-right', 'narrowed'), description: 'logging in gives less', defaultSeverity: 'info', category: 'review' } },
];

export function diffHelpUri(ruleId: string): string {
  return `${DIFF_DOCS}#${ruleId.replace(/^diff\//, '').replace(/-(gained|lost|widened|narrowed)$/, '')}`;
}

function defaultSeverity(capability: Capability, direction: Direction): Severity {
  if (direction === 'gained') return capability === 'relay' || capability === 'clear-auth' || capability === 'proxy' ? 'warning' : 'info';
  return capability === 'tls-required' ? 'warning' : 'info';
}

/** Public addresses gaining relay or clear AUTH: an open relay, or passwords on the Internet in clear. */
function severityOf(change: SetChange): Severity {
  const publicOnes = change.publicCounts.ipv4 + change.publicCounts.ipv6 > 0n;
  if (change.direction === 'gained' && (change.capability === 'relay' || change.capability === 'clear-auth') && publicOnes) return 'error';
  return defaultSeverity(change.capability, change.direction);
}

export function diffFindings(report: DiffReport): { diagnostics: Diagnostic[]; sources: Map<string, string> } {
  const { diff, before, after } = report;
  const diagnostics: Diagnostic[] = [];
  for (const server of diff.servers) {
    for (const listener of server.listeners) {
      const where = `server ${server.name}, listener ${listener.description}`;
      for (const change of listener.changes) {
        const message = `${where}: ${headline(change)}${witnessText(change.witness)}`;
        diagnostics.push(at(diffRuleId(change.capability, change.direction), severityOf(change), message, change.witness?.after, change.witness?.before, report));
      }
      for (const change of listener.domains) {
        const message = `${where}: ${domainHeadline(change)}${witnessText(change.witness)}`;
        const severity = change.capability === 'relay' && change.direction === 'gained' ? 'warning' : 'info';
        diagnostics.push(at(diffRuleId(change.capability, change.direction, true), severity, message, change.witness.after, change.witness.before, report));
      }
    }
    for (const u of server.users) {
      const message = `server ${server.name}: ${u.right}: ${u.before ? 'yes' : 'no'} → ${u.after ? 'yes' : 'no'}`;
      const probe = (source: string | null): Probe => ({ holds: true, trace: [], decidedBy: source });
      diagnostics.push(at(diffRuleId('user-right', u.widens ? 'widened' : 'narrowed'), u.widens ? 'warning' : 'info', message, probe(u.sources.after), probe(u.sources.before), report));
    }
  }
  // The reporters read each file's text for fingerprints: the new side's, then the old side's.
  const sources = new Map([...before.texts.texts, ...after.texts.texts]);
  return { diagnostics, sources };
}

function witnessText(witness: Witness | undefined): string {
  if (witness === undefined) return '';
  return `; for example ${describeSession(witness.session)}${witness.confirmed ? '' : ' (not confirmed by runtime/policy)'}`;
}

function at(ruleId: string, severity: Severity, message: string, after: Probe | undefined, before: Probe | undefined, report: DiffReport): Diagnostic {
  const found = located(after, report.after) ?? located(before, report.before);
  if (found !== undefined) {
    const suffix = found.side === report.before ? ` (the line in ${report.before.label}, which the change removed or no longer reaches)` : '';
    return { ruleId, severity, message: `${message}${suffix}`, file: found.file, range: found.range };
  }
  // No line of either side decided (a server that only exists on one side, say): the entry file's start.
  const start = { offset: 0, line: 1, column: 1 };
  return { ruleId, severity, message, file: entryFile(report.after), range: { start, end: start } };
}

function located(probe: Probe | undefined, side: DiffSide) {
  const place = parsePlace(probe?.decidedBy ?? null);
  if (place === undefined) return undefined;
  const range = side.texts.range(place);
  return range === undefined ? undefined : { file: place.file, range, side };
}

function entryFile(side: DiffSide): string {
  return [...side.texts.texts.keys()][0] ?? side.label;
}
