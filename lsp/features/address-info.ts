// What an address range covers, in words a mail administrator checks before trusting it:
// first and last address, how many, and whether they are private, loopback or public.

import type { CidrValue } from '../../grammar/index.js';
import { addressKind } from '../../net/address-kind.js';
import { formatBytes, networkBounds, parseAddressLiteral } from '../../net/ip.js';

export interface AddressRangeInfo {
  first: string;
  last: string;
  /** How many addresses (exact, as a decimal string: an IPv6 /0 does not fit a number). */
  size: string;
  /** ipaddr.js's name for the kind of the first and last address ('unicast' is a public address). */
  firstKind: string;
  lastKind: string;
}

export function describeRange(value: CidrValue): AddressRangeInfo {
  const bits = value.family === 4 ? 32 : 128;
  const hostBits = bits - value.prefix;
  // The network text is the grammar's normal form, so it always parses.
  const { first, last } = networkBounds(parseAddressLiteral(value.network)!.bytes, value.prefix);
  return {
    first: formatBytes(first),
    last: formatBytes(last),
    size: (1n << BigInt(hostBits)).toString(),
    firstKind: addressKind(first),
    lastKind: addressKind(last),
  };
}

const KIND_WORDS: Record<string, string> = {
  unicast: 'public',
  private: 'private (RFC 1918)',
  uniqueLocal: 'private (unique local, RFC 4193)',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (RFC 6598)',
  reserved: 'reserved for documentation or testing',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

export function kindInWords(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

/** Markdown lines for hover. */
export function rangeHoverLines(value: CidrValue): string[] {
  const info = describeRange(value);
  const kinds =
    info.firstKind === info.lastKind
      ? kindInWords(info.firstKind)
      : `mixed: from ${kindInWords(info.firstKind)} to ${kindInWords(info.lastKind)} addresses`;
  const lines = [
    value.single ? `**${value.address}**: a single computer (IPv${value.family})` : `**${value.network}/${value.prefix}** (IPv${value.family})`,
  ];
  if (!value.single) {
    lines.push(`- first: \`${info.first}\``, `- last: \`${info.last}\``, `- addresses: ${formatCount(info.size)}`);
    if (value.address !== value.network) lines.push(`- written with host bits set: \`${value.address}\` is inside \`${value.network}/${value.prefix}\``);
  }
  lines.push(`- kind: ${kinds}`);
  if (info.firstKind === 'unicast' || info.lastKind === 'unicast') lines.push('- includes public Internet addresses');
  return lines;
}

function formatCount(size: string): string {
  return size.length > 15 ? `2^${(BigInt(size).toString(2).length - 1).toString()}` : BigInt(size).toLocaleString('en-US');
}
