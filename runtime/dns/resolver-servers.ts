// The config writes resolver servers as `ip`, `ip:port` or `[v6]:port`; Node's
// Resolver#setServers takes `ip`, `ip:port` and `[v6]:port` too, but a bare IPv6 address
// with a port-looking tail is ambiguous, so each entry is parsed and re-written here.
import { isIP } from 'node:net';

export function toResolverServer(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) {
    const [, address, port] = bracketed;
    if (isIP(address!) !== 6) throw new Error(`resolver server '${entry}': '${address}' is not an IPv6 address`);
    return port ? `[${address}]:${checkPort(entry, port)}` : address!;
  }
  if (isIP(entry) !== 0) return entry;
  const withPort = /^([^:]+):(\d{1,5})$/.exec(entry);
  if (withPort && isIP(withPort[1]!) === 4) return `${withPort[1]}:${checkPort(entry, withPort[2]!)}`;
  throw new Error(`resolver server '${entry}': expected an IP address, ip:port or [v6]:port`);
}

function checkPort(entry: string, port: string): number {
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`resolver server '${entry}': expected a port between 1 and 65535, found '${port}'`);
  }
  return value;
}
