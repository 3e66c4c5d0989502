// Canonical spellings of values. Each one is taken from the value the grammar parsed, so
// the formatted text means exactly what the original meant; a value the grammar could not
// read (its payload is null) is printed as written, for the user to fix.

import type * as Ast from '../grammar/index.js';

/** `2001:DB8::/32` → `2001:db8::/32`. The address keeps its host bits and its prefix. */
export function cidrText(entry: Ast.CidrEntry): string {
  const value = entry.value;
  if (!value) return entry.text;
  return value.single ? value.address : `${value.address}/${value.prefix}`;
}

/** The address in front of `mask`, normalised like any address. */
export function maskAddressText(entry: Ast.MaskEntry): string {
  return entry.value ? entry.value.address : entry.address.text;
}

/** Lower case, without a trailing dot. */
export function domainText(domain: Ast.DomainValue): string {
  return domain.value ?? domain.text;
}

/** `[2001:DB8::1]:25` → `[2001:db8::1]:25`, `MX.Example:25` → `mx.example:25`; IPv6 always in brackets. */
export function hostPortText(hostPort: Ast.HostPort): string {
  const value = hostPort.value;
  if (!value) return hostPort.text;
  const host = value.family === 6 ? `[${value.host}]` : value.host;
  return value.port === null ? host : `${host}:${value.port}`;
}

/**
 * The string with the fewest escapes (`\"` and `\\` are the only ones). A string with an
 * escape the language does not know is an error the user must see, so it stays as written.
 */
export function quotedText(value: string, raw: string): string {
  if (hasUnknownEscape(raw)) return raw;
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

export function stringText(literal: Ast.StringLiteral): string {
  return quotedText(literal.value, literal.raw);
}

function hasUnknownEscape(raw: string): boolean {
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const next = body[i + 1];
    if (next !== '"' && next !== '\\') return true;
    i++;
  }
  return false;
}
