// IP address and CIDR parsing with one normal form, shared by every layer: the grammar reads
// address entries with it, the compiler's analysis and the runtime's policy match with it.
// Pure functions.
//
// Hand-written rather than ipaddr.js because every connection parses its client address:
// ipaddr.js's parse takes microseconds (it tries a chain of regular expressions) where this
// takes a few hundred nanoseconds. The grammar is node's (`net.isIP`): dotted decimal
// without leading zeros (never octal), IPv6 with at most one `::` standing for at least one
// group, an optional dotted IPv4 tail and `%zone`. A property test checks it against
// ipaddr.js and node's isIP.

export type IpFamily = 4 | 6;

export interface ParsedAddress {
  family: IpFamily;
  /** Network byte order: 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
  /** The normal form: IPv4-mapped IPv6 as IPv4, IPv6 lower-case and RFC 5952 compressed. */
  text: string;
}

export interface ParsedCidr {
  family: IpFamily;
  /** The network address's bytes (host bits cleared). */
  bytes: number[];
  prefix: number;
  /** The normal form `network/prefix`. */
  text: string;
  /** True when the text had host bits set (`10.1.2.3/8`): the network is still `10.0.0.0/8`. */
  hadHostBits: boolean;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4Bytes(text);
  // Dotted decimal without leading zeros has one spelling: the text is its own normal form.
  if (v4 !== undefined) return { family: 4, bytes: v4, text };
  const percent = text.indexOf('%');
  const zone = percent < 0 ? '' : text.slice(percent);
  if (zone !== '' && !/^%[0-9a-zA-Z.:-]+$/.test(zone)) return undefined;
  const bytes = parseIpv6Bytes(percent < 0 ? text : text.slice(0, percent));
  if (bytes === undefined) return undefined;
  if (isIpv4Mapped(bytes)) {
    const v4bytes = bytes.slice(12);
    return { family: 4, bytes: v4bytes, text: v4bytes.join('.') };
  }
  return { family: 6, bytes, text: formatIpv6(bytes) + zone };
}

/**
 * An address literal as written: its own family and bytes, IPv4-mapped IPv6 kept as IPv6,
 * no zone. For the places that must tell `::ffff:10.0.0.1/95` (an IPv6 range) from the IPv4
 * address it contains; everything else wants parseAddress's normal form.
 */
export function parseAddressLiteral(text: string): { family: IpFamily; bytes: number[] } | undefined {
  const v4 = parseIpv4Bytes(text);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  if (text.indexOf('%') >= 0) return undefined;
  const bytes = parseIpv6Bytes(text);
  return bytes === undefined ? undefined : { family: 6, bytes };
}

/** The text of 4 or 16 bytes: dotted decimal, or IPv6 lower-case and RFC 5952 compressed (IPv4-mapped too). */
export function formatBytes(bytes: readonly number[]): string {
  return bytes.length === 4 ? bytes.join('.') : formatIpv6(bytes);
}

/** The normal form of an address given as bytes (IPv4-mapped IPv6 becomes IPv4), as parseAddress writes it. */
export function addressFromBytes(bytes: readonly number[]): string {
  if (bytes.length === 16 && isIpv4Mapped(bytes)) return bytes.slice(12).join('.');
  return formatBytes(bytes);
}

/** The prefix length of a netmask given as bytes (255.255.255.0 → 24); undefined when its one-bits are not contiguous. */
export function prefixFromNetmask(bytes: readonly number[]): number | undefined {
  let prefix = 0;
  while (prefix < bytes.length * 8 && bitAt(bytes, prefix) === 1) prefix++;
  for (let i = prefix; i < bytes.length * 8; i++) if (bitAt(bytes, i) === 1) return undefined;
  return prefix;
}

/** The network's bytes with the host bits cleared (`network`) or set (`last`). */
export function networkBounds(bytes: readonly number[], prefix: number): { first: number[]; last: number[] } {
  const first = clearHostBits(bytes, prefix);
  const last = first.map((byte, index) => byte | (~keptMask(prefix, index) & 0xff));
  return { first, last };
}

/** Does the network `bytes/prefix` of `family` contain the address? */
export function networkContains(network: { family: IpFamily; bytes: readonly number[]; prefix: number }, address: { family: IpFamily; bytes: readonly number[] }): boolean {
  if (network.family !== address.family) return false;
  for (let i = 0; i < network.bytes.length; i++) {
    const mask = keptMask(network.prefix, i);
    if ((network.bytes[i]! & mask) !== (address.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * `10.0.0.0/8`, `2001:db8::/32` or a single address (its whole width): the network an entry
 * of an address list stands for. Undefined when the text is neither or carries a zone.
 */
export function parseNetwork(text: string): { family: IpFamily; bytes: number[]; prefix: number } | undefined {
  if (text.includes('/')) return parseCidr(text);
  const parsed = parseAddress(text);
  if (parsed === undefined || parsed.text.includes('%')) return undefined;
  return { family: parsed.family, bytes: parsed.bytes, prefix: parsed.bytes.length * 8 };
}

/**
 * The normal form of an address: IPv4-mapped IPv6 becomes IPv4, IPv6 is lower-case and
 * compressed. Throws when `address` is not an IP address.
 */
export function normalizeAddress(address: string): string {
  const parsed = parseAddress(address);
  if (parsed === undefined) throw new Error(`not an IP address: ${JSON.stringify(address)}`);
  return parsed.text;
}

/** Parses `address/prefix`; undefined when malformed or the prefix is out of range. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const addressText = text.slice(0, slash);
  const address = parseAddress(addressText);
  if (address === undefined || address.text.includes('%')) return undefined;
  let prefix = Number(prefixText);
  // An IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network 10.0.0.0/8.
  if (address.family === 4 && addressText.includes(':')) prefix -= 96;
  if (prefix < 0 || prefix > (address.family === 4 ? 32 : 128)) return undefined;
  const bytes = clearHostBits(address.bytes, prefix);
  const hadHostBits = bytes.some((byte, i) => byte !== address.bytes[i]);
  const network = address.family === 4 ? bytes.join('.') : formatIpv6(bytes);
  return { family: address.family, bytes, prefix, text: `${network}/${prefix}`, hadHostBits };
}

/** Is bit `index` (0 = most significant bit of the first byte) set? */
export function bitAt(bytes: readonly number[], index: number): number {
  return ((bytes[index >> 3] ?? 0) >> (7 - (index & 7))) & 1;
}

/** The mask of the network bits of byte `index` under `prefix`. */
function keptMask(prefix: number, index: number): number {
  const bitsKept = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bitsKept)) & 0xff;
}

function clearHostBits(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((byte, index) => byte & keptMask(prefix, index));
}

// One pass over the characters: this runs for every connection.
function parseIpv4Bytes(text: string): number[] | undefined {
  const bytes: number[] = [];
  let value = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 46 /* '.' */ : text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || value > 255 || (leadingZero && digits > 1) || bytes.length === 4) return undefined;
      bytes.push(value);
      value = 0;
      digits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9 || digits === 3) return undefined;
    if (digits === 0) leadingZero = digit === 0;
    value = value * 10 + digit;
    digits++;
  }
  return bytes.length === 4 ? bytes : undefined;
}

// Char-code loops rather than split() and regular expressions: a client address is parsed
// on every decision. Appends the `:`-separated groups of text[from, to) to `out`; a dotted
// IPv4 part is allowed only where `dottedTail` says, and only as the last part.
function parseGroups(text: string, from: number, to: number, out: number[], dottedTail: boolean): boolean {
  if (from === to) return true;
  let value = 0;
  let digits = 0;
  let partStart = from;
  for (let i = from; i <= to; i++) {
    const code = i === to ? 58 /* ':' */ : text.charCodeAt(i);
    if (code === 58) {
      if (digits === 0) return false;
      out.push(value);
      value = 0;
      digits = 0;
      partStart = i + 1;
      continue;
    }
    if (code === 46 /* '.' */) {
      if (!dottedTail) return false;
      const v4 = parseIpv4Bytes(text.slice(partStart, to));
      if (v4 === undefined) return false;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      return true;
    }
    const digit = hexDigit(code);
    if (digit < 0 || digits === 4) return false;
    value = value * 16 + digit;
    digits++;
  }
  return true;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

function parseIpv6Bytes(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  const groups: number[] = [];
  if (gap < 0) {
    if (text.indexOf(':') < 0 || !parseGroups(text, 0, text.length, groups, true) || groups.length !== 8) return undefined;
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return undefined;
    // A dotted IPv4 part may only end the address.
    if (!parseGroups(text, 0, gap, groups, false)) return undefined;
    const head = groups.length;
    if (!parseGroups(text, gap + 2, text.length, groups, true)) return undefined;
    const missing = 8 - groups.length;
    if (missing < 1) return undefined;
    groups.splice(head, 0, ...new Array<number>(missing).fill(0));
  }
  const bytes: number[] = new Array<number>(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i]! >> 8;
    bytes[2 * i + 1] = groups[i]! & 0xff;
  }
  return bytes;
}

/** Is this IPv6 address IPv4-mapped (::ffff:a.b.c.d)? */
export function isIpv4Mapped(bytes: readonly number[]): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** RFC 5952: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(bytes: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (bytes[2 * i] !== 0 || bytes[2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && bytes[2 * end] === 0 && bytes[2 * end + 1] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16);
  }
  return text;
}
