// `smtppolicy diff --format json`: everything, for scripts. Sets are listed in full as CIDR
// blocks; counts are decimal strings (IPv6 counts do not fit a JSON number).

import type { AddressSet } from '../../net/address-set.js';
import type { Counts } from '../counts.js';
import type { Witness } from '../witness.js';
import type { DiffReport, DiffSide } from './words.js';

export function formatDiffJson(report: DiffReport, failing: string[]): string {
  const { diff, before, after } = report;
  const json = {
    before: before.label,
    after: after.label,
    failing,
    servers: diff.servers.map((server) => ({
      name: server.name,
      presence: server.presence,
      users: server.users,
      listeners: server.listeners.map((listener) => ({
        listener: listener.key,
        description: listener.description,
        presence: listener.presence,
        changes: listener.changes.map((change) => ({
          capability: change.capability,
          direction: change.direction,
          addresses: counts(change.counts),
          public: counts(change.publicCounts),
          cidrs: cidrs(change.set),
          witness: witness(change.witness, before, after),
        })),
        domains: listener.domains.map((change) => ({
          capability: change.capability,
          direction: change.direction,
          domain: change.domain,
          witness: witness(change.witness, before, after),
        })),
      })),
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function counts(c: Counts) {
  return { ipv4: c.ipv4.toString(), ipv6: c.ipv6.toString() };
}

function cidrs(set: AddressSet): string[] {
  return set.toCidrs();
}

function witness(w: Witness | undefined, before: DiffSide, after: DiffSide) {
  if (w === undefined) return null;
  const side = (probe: Witness['before'], texts: DiffSide) => ({
    holds: probe.holds,
    decidedBy: probe.decidedBy,
    line: texts.texts.lineText(probe.decidedBy) ?? null,
    trace: probe.trace,
  });
  return { session: w.session, confirmed: w.confirmed, before: side(w.before, before), after: side(w.after, after) };
}
