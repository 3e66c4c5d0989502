// Value tokens to typed value nodes: each keeps the text as written next to its parsed
// meaning (null when invalid), and an invalid value is reported once, at its exact range.

import type { IToken } from 'chevrotain';
import type {
  AddressEntry,
  CidrEntry,
  CidrValue,
  DomainValue,
  DurationValue,
  HostPort,
  IntegerValue,
  ListRef,
  MaskEntry,
  Range,
  RateValue,
  SizeValue,
  TlsVersionValue,
  UnreachableModeValue,
} from './ast.js';
import type { CstContext } from './cst-context.js';
import { CidrEntryNode } from './cidr-entry-node.js';
import { OffsetRange } from './positions.js';
import { quote } from './quote.js';
import {
  isValidName,
  parseCidr,
  parseDomain,
  parseDuration,
  parseHostPort,
  parseInteger,
  parseMask,
  parseRate,
  parseSize,
  parseTlsVersion,
  type DomainOptions,
  type HostPortOptions,
  type IntegerOptions,
  type ValueResult,
} from './values.js';

/** Reports a failed value at its range, narrowed to the part at fault when the parser says which. */
function report<T>(ctx: CstContext, result: ValueResult<T>, token: IToken, textStart = token.startOffset): T | null {
  if (result.ok) return result.value;
  const range = result.span
    ? ctx.lines.range(textStart + result.span.start, textStart + result.span.end)
    : ctx.tokenRange(token);
  ctx.semantic(result.message, range);
  return null;
}

/** Reports an invalid domain name at its range, for a node that parses its name when read (domain-value-node.ts). */
export function checkDomainName(ctx: CstContext, token: IToken, options: DomainOptions = {}): void {
  report(ctx, parseDomain(token.image, options), token);
}

export function domainValue(ctx: CstContext, token: IToken, options: DomainOptions = {}): DomainValue {
  return {
    kind: 'DomainValue',
    text: token.image,
    value: report(ctx, parseDomain(token.image, options), token),
    range: ctx.tokenRange(token),
  };
}

const REVERSE_ZONE = /(^|\.)(in-addr|ip6)\.arpa$/;

/** A reverse zone: a domain under in-addr.arpa or ip6.arpa. */
export function reverseZoneValue(ctx: CstContext, token: IToken): DomainValue {
  const node = domainValue(ctx, token, { expected: 'a reverse zone like 10.in-addr.arpa' });
  if (node.value !== null && !REVERSE_ZONE.test(node.value)) {
    ctx.semantic(
      `expected a reverse zone like 10.in-addr.arpa, found ${quote(token.image)}: reverse zones end in in-addr.arpa or ip6.arpa`,
      node.range,
    );
    node.value = null;
  }
  return node;
}

/** A host:port; a string token (the smart host may be quoted) is read without its quotes. */
export function hostPortValue(ctx: CstContext, token: IToken, options: HostPortOptions, quoted = false): HostPort {
  const text = quoted ? ctx.string(token).value : token.image;
  return {
    kind: 'HostPort',
    text,
    value: report(ctx, parseHostPort(text, options), token, token.startOffset + (quoted ? 1 : 0)),
    range: ctx.tokenRange(token),
  };
}

export function durationValue(ctx: CstContext, token: IToken): DurationValue {
  return { kind: 'Duration', text: token.image, value: report(ctx, parseDuration(token.image), token), range: ctx.tokenRange(token) };
}

export function rateValue(ctx: CstContext, token: IToken): RateValue {
  return { kind: 'Rate', text: token.image, value: report(ctx, parseRate(token.image), token), range: ctx.tokenRange(token) };
}

export function sizeValue(ctx: CstContext, token: IToken): SizeValue {
  return { kind: 'Size', text: token.image, value: report(ctx, parseSize(token.image), token), range: ctx.tokenRange(token) };
}

export function integerValue(ctx: CstContext, token: IToken, options: IntegerOptions): IntegerValue {
  return {
    kind: 'Integer',
    text: token.image,
    value: report(ctx, parseInteger(token.image, options), token),
    range: ctx.tokenRange(token),
  };
}

export function tlsVersionValue(ctx: CstContext, token: IToken): TlsVersionValue {
  return {
    kind: 'TlsVersion',
    text: token.image,
    value: report(ctx, parseTlsVersion(token.image), token),
    range: ctx.tokenRange(token),
  };
}

/** `fail-closed` or `local`: what the shared state does while its Redis cannot be asked. */
export function unreachableModeValue(ctx: CstContext, token: IToken): UnreachableModeValue {
  const known = token.image === 'fail-closed' || token.image === 'local';
  if (!known) ctx.semantic(`expected 'fail-closed' or 'local', found ${quote(token.image)}`, ctx.tokenRange(token));
  return { kind: 'UnreachableMode', text: token.image, value: known ? (token.image as 'fail-closed' | 'local') : null, range: ctx.tokenRange(token) };
}

const RELAY_GRANT = 'a relay grant (authenticated, anyone, an address, a CIDR range, ADDRESS mask NETMASK, domain NAME or @list)';

/** An address or range; in a relay block a bare word is more likely a misspelt grant than a domain. */
export function cidrEntry(ctx: CstContext, token: IToken, inRelay = false): CidrEntry {
  let result = parseCidr(token.image);
  if (!result.ok && inRelay && /^[A-Za-z][A-Za-z0-9-]*$/.test(token.image)) {
    result = { ok: false, message: `expected ${RELAY_GRANT}, found ${quote(token.image)}` };
  }
  report(ctx, result, token);
  return new CidrEntryNode(ctx.lines, token.startOffset, token.startOffset + token.image.length);
}

export function maskEntry(ctx: CstContext, address: IToken, keyword: IToken, mask: IToken | undefined): MaskEntry {
  const addressRange = ctx.tokenRange(address);
  const node: MaskEntry = {
    kind: 'Mask',
    address: { text: address.image, range: addressRange },
    keyword: ctx.keyword(keyword),
    value: null,
    range: new OffsetRange(ctx.lines.starts, addressRange.start.offset, (mask ? ctx.tokenRange(mask) : ctx.tokenRange(keyword)).end.offset),
  };
  if (!mask) return node;
  node.mask = { text: mask.image, range: ctx.tokenRange(mask) };
  const result = parseMask(address.image, mask.image);
  if (result.ok) node.value = result.value;
  else ctx.semantic(result.message, result.part === 'address' ? addressRange : node.mask.range);
  return node;
}

export function listRef(ctx: CstContext, token: IToken): ListRef {
  const name = token.image.slice(1);
  const range = ctx.tokenRange(token);
  const nameRange: Range = ctx.lines.range(token.startOffset + 1, token.startOffset + token.image.length);
  if (!isValidName(name)) {
    ctx.semantic(`expected a list name after '@' (a letter, then letters, digits, '_' or '-'), found ${quote(token.image)}`, range);
  }
  return { kind: 'ListRef', name, nameRange, range };
}

export type { AddressEntry };
