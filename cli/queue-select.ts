// Which queued messages a `smtppolicy queue` command acts on: ids named on the command line,
// `all`, or filters (sender, recipient, recipient domain, age), like postsuper's `ALL` and
// the selections people otherwise build with `postqueue -j | jq`.
import type { QueueEntry } from '../runtime/delivery/index.js';
import { UsageError } from './command.js';

export interface QueueFilters {
  /** The envelope sender; '' or '<>' the null sender (bounces). */
  sender?: string;
  /** A recipient still waiting for delivery. */
  recipient?: string;
  /** The domain of a recipient still waiting for delivery. */
  domain?: string;
  /** Arrived at least this long ago. */
  olderThanMs?: number;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `30m`, `2h`, `5d` → milliseconds. */
export function parseAge(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than: expected an age like 90s, 30m, 2h or 5d, found '${text}'`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export function hasFilters(filters: QueueFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

/** The entries every given filter matches (all of them when none is given). */
export function selectEntries(entries: QueueEntry[], filters: QueueFilters, now: number): QueueEntry[] {
  const sender = filters.sender === undefined ? undefined : filters.sender === '<>' ? '' : filters.sender.toLowerCase();
  const recipient = filters.recipient?.toLowerCase();
  const domain = filters.domain?.toLowerCase().replace(/^@/, '');
  return entries.filter((entry) => {
    const waiting = entry.recipients.filter((r) => r.status === 'pending').map((r) => r.address.toLowerCase());
    if (sender !== undefined && entry.sender.toLowerCase() !== sender) return false;
    if (recipient !== undefined && !waiting.includes(recipient)) return false;
    if (domain !== undefined && !waiting.some((address) => address.slice(address.lastIndexOf('@') + 1) === domain)) return false;
    if (filters.olderThanMs !== undefined && now - Date.parse(entry.arrivalTime) < filters.olderThanMs) return false;
    return true;
  });
}
