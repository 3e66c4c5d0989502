// Source addresses for probing a loopback target. The whole of 127.0.0.0/8 reaches this
// host (Linux routes it to `lo` and lets a socket bind any of it), so a probe can stand
// inside or outside a connection list or relay grant by choosing its source address.
// Entries no loopback address can stand for (public ranges, IPv6 networks, reverse-DNS
// domains) are reported, so that their probes are marked skipped with the reason.
import { isIP } from 'node:net';
import type { AddressItem, ServerConfig } from '../runtime/config/types.js';
import { networkContains, parseAddress, parseCidr } from '../net/ip.js';

export interface SourcePick {
  address: string;
  /** Why this address was chosen: `inside 127.0.0.0/30 (policy:3:5)`, `outside every entry`. */
  why: string;
}

export interface UnrepresentedEntry {
  item: AddressItem;
  /** Which list of the server it belongs to. */
  list: 'connections' | 'relay';
  reason: string;
}

export interface SourceChoice {
  picks: SourcePick[];
  unrepresented: UnrepresentedEntry[];
}

/** At most this many addresses per server: every entry's inside and its two neighbours otherwise. */
export const MAX_SOURCES = 32;

const FIRST = ipv4ToInt('127.0.0.1');
const LAST = ipv4ToInt('127.255.255.254');

export function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

interface Range {
  start: number;
  end: number;
}

function ipv4Range(cidr: string): Range | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed || parsed.family !== 4) return undefined;
  const start = parsed.bytes.reduce((value, byte) => value * 256 + byte, 0);
  return { start, end: start + 2 ** (32 - parsed.prefix) - 1 };
}

function describe(item: AddressItem): string {
  const what = item.kind === 'cidr' ? item.cidr : `domain ${item.domain}`;
  return `${what}${item.list ? ` (list ${item.list})` : ''} at ${item.source}`;
}

export function chooseLoopbackSources(server: ServerConfig, target: string): SourceChoice {
  const entries = [
    ...server.connections.entries.map((item) => ({ item, list: 'connections' as const })),
    ...server.relay.entries.map((item) => ({ item, list: 'relay' as const })),
  ];
  if (isIP(target) === 6) return chooseIpv6(entries);

  const picks = new Map<string, SourcePick>();
  const unrepresented: UnrepresentedEntry[] = [];
  const ranges: Range[] = [];
  const add = (value: number, why: string) => {
    const address = intToIpv4(value);
    if (!picks.has(address)) picks.set(address, { address, why });
  };
  for (const { item, list } of entries) {
    if (item.kind === 'domain') {
      unrepresented.push({ item, list, reason: `${describe(item)} is matched by the client's reverse DNS name, which a loopback source cannot choose` });
      continue;
    }
    const range = ipv4Range(item.cidr);
    if (!range) {
      unrepresented.push({ item, list, reason: `${describe(item)} is an IPv6 network and the target is reached over IPv4` });
      continue;
    }
    ranges.push(range);
    const start = Math.max(range.start, FIRST);
    const end = Math.min(range.end, LAST);
    if (start > end) {
      unrepresented.push({ item, list, reason: `${describe(item)} has no address in 127.0.0.0/8, so no loopback source can represent it` });
      continue;
    }
    add(start, `inside ${describe(item)}`);
    if (range.start - 1 >= FIRST) add(range.start - 1, `just below ${describe(item)}`);
    if (range.end + 1 <= LAST) add(range.end + 1, `just above ${describe(item)}`);
  }
  const outside = [FIRST, FIRST + 1, ...ranges.flatMap((r) => [r.start - 1, r.end + 1]), LAST]
    .find((value) => value >= FIRST && value <= LAST && !ranges.some((r) => value >= r.start && value <= r.end));
  if (outside !== undefined) {
    const address = intToIpv4(outside);
    // The address may already stand next to an entry; "outside every entry" is the fact that matters more.
    picks.set(address, { address, why: 'outside every entry' });
  }
  const all = [...picks.values()];
  if (all.length > MAX_SOURCES) {
    for (const pick of all.slice(MAX_SOURCES)) {
      unrepresented.push({
        item: { kind: 'cidr', cidr: `${pick.address}/32`, source: server.source },
        list: 'connections',
        reason: `not probed from ${pick.address} (${pick.why}): at most ${MAX_SOURCES} source addresses per server`,
      });
    }
  }
  return { picks: all.slice(0, MAX_SOURCES), unrepresented };
}

const IPV6_LOOPBACK = parseAddress('::1')!;

function chooseIpv6(entries: { item: AddressItem; list: 'connections' | 'relay' }[]): SourceChoice {
  const unrepresented: UnrepresentedEntry[] = [];
  for (const { item, list } of entries) {
    if (item.kind === 'domain') {
      unrepresented.push({ item, list, reason: `${describe(item)} is matched by the client's reverse DNS name, which a loopback source cannot choose` });
      continue;
    }
    const parsed = parseCidr(item.cidr);
    const containsLoopback = parsed !== undefined && networkContains(parsed, IPV6_LOOPBACK);
    if (!containsLoopback) {
      unrepresented.push({ item, list, reason: `${describe(item)} does not contain ::1, the only IPv6 loopback source` });
    }
  }
  return { picks: [{ address: '::1', why: 'the only IPv6 loopback address' }], unrepresented };
}
