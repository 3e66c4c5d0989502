// Ports for servers that must be given a number rather than bind port 0 themselves.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A port that was free on `host` a moment ago, for what must be given a number (a config,
 * whose schema forbids port 0; Postfix's master.cf) instead of binding port 0 itself. It is
 * chosen below the kernel's ephemeral range (ip_local_port_range): a port from that range,
 * once released, may go to any other process's bind(0) or outgoing connection before the
 * test's server binds it (a real Postfix then failed to bind, and verify's implicit-TLS
 * probes reached another test's plaintext server). Below it only other callers of this
 * function choose, at random among thousands of ports, each tried by binding it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const ceiling = ephemeralLow();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = PORTS_FROM + Math.floor(Math.random() * (ceiling - PORTS_FROM));
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free port on ${host} between ${PORTS_FROM} and ${ceiling} after 100 tries`);
}

/** The lowest port freePort picks: above the well-known and most registered services' ports. */
const PORTS_FROM = 20_000;

/** The first port of the kernel's ephemeral range (Linux's default is 32768). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > PORTS_FROM + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
