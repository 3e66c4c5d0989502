// The sentences every diff format shares, so pretty, markdown, SARIF and GitHub say the
// same thing in the same words.

import type { AddressSet } from '../../net/address-set.js';
import { CAPABILITY_WORDS, type Capability } from '../capabilities.js';
import { describeCount, describeCounts } from '../counts.js';
import type { DomainChange } from '../domains.js';
import type { PolicyDiff, SetChange } from '../diff.js';
import type { SideTexts } from '../locations.js';
import type { Probe, Session } from '../probes.js';

/** One side of a reviewed change: how to name it and its files' texts. */
export interface DiffSide {
  /** `policy.smtppolicy`, or `main:policy.smtppolicy` for a git revision. */
  label: string;
  texts: SideTexts;
}

export interface DiffReport {
  diff: PolicyDiff;
  before: DiffSide;
  after: DiffSide;
}

/** `+16,777,216 IPv4 addresses may relay without logging in (0 public)`. */
export function headline(change: SetChange): string {
  const sign = change.direction === 'gained' ? '+' : '−';
  const publicPart = change.publicCounts.ipv4 + change.publicCounts.ipv6;
  const words = CAPABILITY_WORDS[change.capability];
  const may = change.direction === 'gained' ? words.may : words.mayNoLonger;
  return `${sign}${describeCounts(change.counts)} ${may} (${publicPart === 0n ? '0' : describePublic(change)} public)`;
}

function describePublic(change: SetChange): string {
  const { ipv4, ipv6 } = change.publicCounts;
  return [ipv4 > 0n ? `${describeCount(ipv4)} IPv4` : '', ipv6 > 0n ? `${describeCount(ipv6)} IPv6` : ''].filter(Boolean).join(' + ');
}

export function domainHeadline(change: DomainChange): string {
  const words = CAPABILITY_WORDS[change.capability];
  return `hosts under ${change.domain} ${change.direction === 'gained' ? words.may : words.mayNoLonger}`;
}

/** `a PROXY header from 10.0.0.1 claiming 8.8.8.8 (PTR host.example.org)`: the session in words. */
export function describeSession(session: Session): string {
  const ptr = session.ptr === undefined ? '' : ` (PTR ${session.ptr})`;
  if (session.viaGateway !== undefined) return `a client at ${session.client} behind the gateway ${session.viaGateway}`;
  if (session.proxyFrom !== undefined) return `a PROXY header from ${session.proxyFrom} claiming ${session.client}${ptr}`;
  return `a client at ${session.client}${ptr}`;
}

/** What runtime/policy answered for the witness on one side: `relays` / `refused`. */
export function outcome(capability: Capability, probe: Probe): string {
  return probe.holds ? CAPABILITY_WORDS[capability].yes : CAPABILITY_WORDS[capability].no;
}

/** The place and text of the line that decided, on one side: `policy.smtppolicy:12:5  relay { 10.0.0.0/7 }`. */
export function decidingLine(probe: Probe | undefined, side: DiffSide): { place: string; text: string | undefined } | undefined {
  if (probe === undefined || probe.decidedBy === null) return undefined;
  return { place: probe.decidedBy, text: side.texts.lineText(probe.decidedBy) };
}

/** The first CIDR blocks of a set, and how many more there are. */
export function someCidrs(set: AddressSet, limit: number): { shown: string[]; more: number } {
  const all = set.toCidrs();
  return { shown: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

export function changeCount(diff: PolicyDiff): number {
  return diff.servers.reduce((n, s) => n + s.users.length + s.listeners.reduce((m, l) => m + l.changes.length + l.domains.length, 0), 0);
}
