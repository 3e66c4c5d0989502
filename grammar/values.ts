// What a value token means: addresses, CIDR ranges, netmasks, domain names, host:port,
// durations, sizes, integers and TLS versions. Pure functions, shared by the CST→AST step,
// the compiler and the language server, so the whole toolchain agrees on one reading.
//
// Every failure is a sentence in user terms that names the text as written; `span`, when
// present, narrows the error to the part of the text at fault (the port of a host:port).

import { formatBytes, isIpv4Mapped, networkBounds, parseAddressLiteral, prefixFromNetmask, type IpFamily } from '../net/ip.js';
import type { CidrValue } from './ast.js';
import { quote } from './quote.js';

export type ValueResult<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; span?: { start: number; end: number } };

function ok<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

function fail<T>(message: string, span?: { start: number; end: number }): ValueResult<T> {
  return span ? { ok: false, message, span } : { ok: false, message };
}

// ───────────────────────────── addresses ─────────────────────────────

type ParsedIp = { family: IpFamily; bytes: number[] };

// Addresses are read by net/ (one parser for every layer): dotted decimal without leading
// zeros (never octal, never 010.1 or 167772161), IPv6 with at most one `::`. Config files
// additionally refuse zone ids and the deprecated IPv4-compatible `::1.2.3.4`.
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;

function isIPv4Text(text: string): boolean {
  return parseAddressLiteral(text)?.family === 4;
}

function parseIpStrict(text: string): ParsedIp | null {
  const parsed = parseAddressLiteral(text);
  if (parsed === undefined) return null;
  if (parsed.family === 4) return parsed;
  if (!IPV6_CHARS.test(text)) return null;
  if (/^::\d/.test(text) && text.includes('.')) return null;
  return parsed;
}

function bitsOf(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** Builds the normalised range; IPv4-mapped IPv6 becomes IPv4 when the range lies inside ::ffff:0:0/96. */
function makeCidr(parsed: ParsedIp, prefix: number, single: boolean): CidrValue {
  let bytes = parsed.bytes;
  let family = parsed.family;
  let bits = prefix;
  if (family === 6 && isIpv4Mapped(bytes) && bits >= 96) {
    bytes = bytes.slice(12);
    family = 4;
    bits -= 96;
  }
  return { family, address: formatBytes(bytes), network: formatBytes(networkBounds(bytes, bits).first), prefix: bits, single };
}

const LOOKS_LIKE_DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/;

/** An address entry: `198.51.100.7`, `10.0.0.0/8`, `2001:db8::/32`, `::ffff:10.0.0.1`. */
export function parseCidr(text: string): ValueResult<CidrValue> {
  const expected = (): string => `expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found ${quote(text)}`;
  const slash = text.lastIndexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  // The common case, a single IPv4 address: its text is already the normal form (no leading
  // zeros), so no parsed object or formatted copy is made for each of 100,000 entries.
  if (slash === -1 && isIPv4Text(text)) return ok({ family: 4, address: text, network: text, prefix: 32, single: true });
  const parsed = parseIpStrict(addressText);
  if (!parsed) {
    if (slash === -1 && LOOKS_LIKE_DOMAIN.test(text) && /[A-Za-z]/.test(text)) {
      return fail(`${expected()}: a domain name entry is written 'domain ${text}'`);
    }
    if (text.includes('%')) return fail(`${expected()}: IPv6 zone ids are not allowed in address lists`);
    return fail(expected());
  }
  if (slash === -1) return ok(makeCidr(parsed, bitsOf(parsed.family), true));
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) {
    return fail(`${expected()}: the prefix length after '/' must be a number`, { start: slash + 1, end: text.length });
  }
  const prefix = Number(prefixText);
  const max = bitsOf(parsed.family);
  if (prefix > max) {
    return fail(`${expected()}: an IPv${parsed.family} prefix length is at most ${max}`, {
      start: slash + 1,
      end: text.length,
    });
  }
  return ok(makeCidr(parsed, prefix, false));
}

/** A netmask entry, `192.168.1.0 mask 255.255.255.0`; says which part is wrong. */
export function parseMask(
  addressText: string,
  maskText: string,
): { ok: true; value: CidrValue } | { ok: false; message: string; part: 'address' | 'mask' } {
  const parsed = parseIpStrict(addressText);
  if (!parsed) {
    return { ok: false, part: 'address', message: `expected an IPv4 address like 192.168.1.0 before 'mask', found ${quote(addressText)}` };
  }
  if (parsed.family === 6) {
    return {
      ok: false,
      part: 'address',
      message: `a netmask applies to IPv4 addresses only: write the IPv6 range with a prefix, like ${formatBytes(parsed.bytes)}/64`,
    };
  }
  const mask = parseAddressLiteral(maskText);
  if (mask?.family !== 4) {
    return { ok: false, part: 'mask', message: `expected a netmask like 255.255.255.0, found ${quote(maskText)}` };
  }
  const prefix = prefixFromNetmask(mask.bytes);
  if (prefix === undefined) {
    return { ok: false, part: 'mask', message: `${quote(maskText)} is not a valid netmask: its one-bits are not contiguous` };
  }
  return { ok: true, value: makeCidr(parsed, prefix, false) };
}

// ───────────────────────────── domain names ─────────────────────────────

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export interface DomainOptions {
  /** Require at least two labels (a fully-qualified host name). */
  fqdn?: boolean;
  /** What the value is, for messages: "a domain name like example.com" by default. */
  expected?: string;
}

/** A domain name: LDH labels of at most 63 characters, 253 in all; lower-cased, trailing dot removed. */
export function parseDomain(text: string, options: DomainOptions = {}): ValueResult<string> {
  const expected = (): string => `expected ${options.expected ?? 'a domain name like example.com'}, found ${quote(text)}`;
  const name = (text.endsWith('.') ? text.slice(0, -1) : text).toLowerCase();
  if (name.length === 0) return fail(expected());
  if (parseIpStrict(name) || parseIpStrict(text)) return fail(`${expected()}: that is an address, not a domain name`);
  if (name.length > 253) return fail(`${expected()}: a domain name has at most 253 characters`);
  const labels = name.split('.');
  for (const label of labels) {
    if (label.length === 0) return fail(`${expected()}: it has an empty label`);
    if (label.length > 63) return fail(`${expected()}: a label has at most 63 characters`);
    if (label === '*') return fail(`${expected()}: wildcards are not needed, a domain also matches every name under it`);
    if (!LDH_LABEL.test(label)) {
      return fail(`${expected()}: labels hold letters, digits and '-', and do not start or end with '-'`);
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] as string)) {
    return fail(`${expected()}: the last label cannot be all digits`);
  }
  if (options.fqdn && labels.length < 2) {
    return fail(`${expected()}: a fully-qualified name has at least two labels, like mail.example.com`);
  }
  return ok(name);
}

// ───────────────────────────── host:port ─────────────────────────────

export interface HostPortValue {
  host: string;
  family: 4 | 6 | 'name';
  port: number | null;
}

export interface HostPortOptions {
  /** When false, a host alone is accepted and its port is null (it comes from context). */
  portRequired: boolean;
  /** What the value is, for messages: "an address like 0.0.0.0:25 or [::]:587" by default. */
  expected?: string;
}

/** A port number, 1–65535. */
export function parsePort(text: string): ValueResult<number> {
  if (/^\d{1,5}$/.test(text)) {
    const port = Number(text);
    if (port >= 1 && port <= 65535) return ok(port);
  }
  return fail(`expected a port between 1 and 65535, found ${quote(text)}`);
}

/** `1.2.3.4:25`, `[::1]:25`, `host.example:587`, or a host alone when the port is optional. */
export function parseHostPort(text: string, options: HostPortOptions): ValueResult<HostPortValue> {
  const expected = (): string => `expected ${options.expected ?? 'an address like 0.0.0.0:25 or [::]:587'}, found ${quote(text)}`;
  let hostText: string;
  let portText: string | null = null;
  let portStart = 0;

  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return fail(`${expected()}: ']' is missing after the IPv6 address`);
    hostText = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return fail(`${expected()}: expected ':' and a port after ']'`);
      portText = rest.slice(1);
      portStart = close + 2;
    }
    const parsed = parseIpStrict(hostText);
    if (!parsed || parsed.family !== 6) return fail(`${expected()}: brackets hold an IPv6 address`);
    return withPort(formatBytes(parsed.bytes), 6);
  }

  const colons = text.split(':').length - 1;
  if (colons > 1) {
    // Several colons and no brackets: an IPv6 address alone.
    const parsed = parseIpStrict(text);
    if (!parsed) return fail(expected());
    if (options.portRequired) {
      return fail(`${expected()}: an IPv6 address and its port are written [ADDRESS]:PORT, like [::1]:25`);
    }
    return ok({ host: formatBytes(parsed.bytes), family: 6, port: null });
  }
  if (colons === 1) {
    const colon = text.indexOf(':');
    hostText = text.slice(0, colon);
    portText = text.slice(colon + 1);
    portStart = colon + 1;
  } else {
    hostText = text;
  }
  // Dotted decimal without leading zeros has one spelling: the text is its own normal form.
  if (isIPv4Text(hostText)) return withPort(hostText, 4);
  // A host name may have a single label here (localhost), unlike `hostname`.
  const name = parseDomain(hostText, { expected: 'a host name or address' });
  if (!name.ok) {
    return fail(/^[\d.]+$/.test(hostText) ? `${expected()}: ${quote(hostText)} is not a valid IPv4 address` : expected());
  }
  return withPort(name.value, 'name');

  function withPort(host: string, family: 4 | 6 | 'name'): ValueResult<HostPortValue> {
    if (portText === null) {
      if (options.portRequired) {
        const example = family === 6 ? `[${host}]:25` : `${host}:25`;
        return fail(`${expected()}: a port is required, like ${example}`);
      }
      return ok({ host, family, port: null });
    }
    const port = parsePort(portText);
    if (!port.ok) return fail(port.message, { start: portStart, end: text.length });
    return ok({ host, family, port: port.value });
  }
}

// ───────────────────────────── numbers ─────────────────────────────

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `1h`, `2d` → milliseconds. */
export function parseDuration(text: string): ValueResult<number> {
  const expected = (): string => `expected a duration like 30s, 5m or 1h, found ${quote(text)}`;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) {
    if (/^\d+$/.test(text)) return fail(`${expected()}: add a unit (ms, s, m, h or d)`);
    return fail(expected());
  }
  const value = Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
  if (!Number.isSafeInteger(value)) return fail(`${expected()}: that is too long`);
  return ok(value);
}

/** The shortest and longest window a rate may be counted over (`rate` values). */
export const RATE_PERIOD_MIN_MS = 1000;
export const RATE_PERIOD_MAX_MS = 86_400_000;

export interface RateValueParsed {
  /** Events allowed per window (≥ 1). */
  count: number;
  /** The window, in milliseconds (1s to 1d). */
  periodMs: number;
}

/**
 * `30/1m`, `100/1h`: so many events per window. The window is bounded: below a second a
 * count means nothing on the wire, beyond a day the server would have to remember clients
 * for longer than any abuse it stops lasts.
 */
export function parseRate(text: string): ValueResult<RateValueParsed> {
  const expected = (): string => `expected a rate like 100/1m (so many per duration), found ${quote(text)}`;
  const slash = text.indexOf('/');
  if (slash < 0) return fail(`${expected()}: write the count, a '/', and the period`);
  const countText = text.slice(0, slash);
  const periodText = text.slice(slash + 1);
  const count = parseInteger(countText, { min: 1, expected: 'a count of at least 1' });
  if (!count.ok) return fail(`${expected()}: ${countText === '' ? 'the count is missing' : 'the count must be a whole number of at least 1'}`, { start: 0, end: slash });
  const period = parseDuration(/^\d+$/.test(periodText) ? periodText : periodText.replace(/^(?=[a-z])/, '1'));
  if (!period.ok) return fail(`${expected()}: the period after '/' must be a duration like 1m or 1h`, { start: slash + 1, end: text.length });
  if (period.value < RATE_PERIOD_MIN_MS || period.value > RATE_PERIOD_MAX_MS) {
    return fail(`${expected()}: the period must be between 1s and 1d`, { start: slash + 1, end: text.length });
  }
  return ok({ count: count.value, periodMs: period.value });
}

// Mail software counts sizes in powers of 1024 (Postfix message_size_limit, RFC 1870 usage),
// so KB and KiB are the same unit here.
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  KB: 1024,
  KiB: 1024,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
};

/** `25MB`, `512KiB`, `1048576` → bytes (1024-based units). */
export function parseSize(text: string): ValueResult<number> {
  const expected = (): string => `expected a size like 25MB, found ${quote(text)}`;
  const match = /^(\d+)([A-Za-z]*)$/.exec(text);
  const unit = match ? SIZE_UNITS[match[2] as string] : undefined;
  if (!match || unit === undefined) {
    return fail(`${expected()}: units are KB, MB and GB (1024-based, also written KiB, MiB, GiB) or none for bytes`);
  }
  const value = Number(match[1]) * unit;
  if (!Number.isSafeInteger(value)) return fail(`${expected()}: that is too large`);
  return ok(value);
}

export interface IntegerOptions {
  min?: number;
  max?: number;
  /** What the number counts, for messages: "a number" by default. */
  expected?: string;
}

/** A whole number in decimal, within bounds. */
export function parseInteger(text: string, options: IntegerOptions = {}): ValueResult<number> {
  const expected = (): string => `expected ${options.expected ?? 'a number'}, found ${quote(text)}`;
  if (!/^\d+$/.test(text)) return fail(expected());
  const value = Number(text);
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value > max) return fail(`${expected()}: the largest allowed is ${max}`);
  if (value < min) return fail(`${expected()}: the smallest allowed is ${min}`);
  return ok(value);
}

export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';

/** `1.2` or `TLSv1.2`. */
export function parseTlsVersion(text: string): ValueResult<TlsVersion> {
  const bare = /^tlsv/i.test(text) ? text.slice(4) : text;
  if (bare === '1.0' || bare === '1.1' || bare === '1.2' || bare === '1.3') return ok(bare);
  return fail(`expected a TLS version (1.0, 1.1, 1.2 or 1.3), found ${quote(text)}`);
}

// ───────────────────────────── names ─────────────────────────────

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A server, list or user store name: a letter, then letters, digits, '_' or '-'. */
export function isValidName(text: string): boolean {
  return NAME.test(text);
}

/** An environment variable name: letters, digits and '_', not starting with a digit. */
export function isValidEnvName(text: string): boolean {
  return ENV_NAME.test(text);
}
