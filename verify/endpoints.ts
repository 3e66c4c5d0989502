// Where each listener of the policy is reached: the configured address (wildcards mean
// this host, so loopback) or --target, and the configured port or its --port-map entry.
import { isIP } from 'node:net';
import type { ListenConfig, ServerConfig } from '../runtime/config/types.js';
import type { CompiledServer } from '../runtime/policy/index.js';

export interface ProbeEndpoint {
  server: CompiledServer;
  listen: ListenConfig;
  host: string;
  port: number;
}

const WILDCARD_TO_LOOPBACK: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

export function endpointsOf(server: CompiledServer, target: string | undefined, portMap: ReadonlyMap<number, number>): ProbeEndpoint[] {
  return server.config.listen.map((listen) => ({
    server,
    listen,
    host: target ?? WILDCARD_TO_LOOPBACK[listen.address] ?? listen.address,
    port: portMap.get(listen.port) ?? listen.port,
  }));
}

/** `127.0.0.1:2525`, `[::1]:25`. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The id prefix of every probe of a listener: `<server>/<configured port>`. */
export function endpointId(server: ServerConfig, listen: ListenConfig): string {
  return `${server.name}/${listen.port}`;
}

export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return host === 'localhost';
}
