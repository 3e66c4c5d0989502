// What a listen address means on the host: which interfaces accept connections, for which
// address family, and what the port is for. The server binds IPv6 addresses IPv6-only
// (runtime/smtp/start-server.ts sets ipv6Only), so `[::]:25` does not take IPv4 clients.

import type { HostPort } from '../../grammar/index.js';
import { addressKind } from '../../net/address-kind.js';
import { parseAddressLiteral } from '../../net/ip.js';
import { kindInWords } from './address-info.js';

const PORTS: Record<number, string> = {
  25: 'SMTP between mail servers (the MX port): mail from the Internet arrives here',
  587: 'message submission (RFC 6409): mail clients that log in, STARTTLS',
  465: 'message submission over implicit TLS (RFC 8314)',
  2525: 'an unofficial alternative SMTP port',
};

/** Markdown lines for hover on a listen endpoint's address; empty when the address is invalid. */
export function listenHoverLines(address: HostPort, implicitTls: boolean): string[] {
  const value = address.value;
  if (!value) return [];
  const lines = [`**listen ${address.text}**`];
  lines.push(`- interfaces: ${interfaces(value.host, value.family, value.port ?? 'port')}`);
  if (value.port !== null) {
    lines.push(`- port ${value.port}: ${PORTS[value.port] ?? 'not a standard SMTP port: clients must be told to use it'}`);
  }
  if (implicitTls) lines.push('- `implicit-tls`: TLS from the first byte, before any SMTP is spoken');
  return lines;
}

function interfaces(host: string, family: 4 | 6 | 'name', port: number | string): string {
  if (family === 'name') return `the addresses \`${host}\` resolves to when the server starts`;
  // The host of an address family is the grammar's normal form, so it always parses.
  const kind = addressKind(parseAddressLiteral(host)!.bytes);
  if (kind === 'unspecified') {
    return family === 4
      ? `every IPv4 interface of this host (IPv4 only: add \`[::]:${port}\` for IPv6 clients)`
      : `every IPv6 interface of this host (IPv6 only: the server binds it IPv6-only, add \`0.0.0.0:${port}\` for IPv4 clients)`;
  }
  if (kind === 'loopback') return `loopback only (IPv${family}): only programs on this host can connect`;
  return `the interface with address \`${host}\` (IPv${family}, ${kindInWords(kind)})`;
}
