// The admin listener: GET /metrics (Prometheus text) and GET /healthz. Nothing else, and
// only GET/HEAD: it is meant for loopback or a management network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Endpoint } from '../config/types.js';

export interface AdminServer {
  addresses(): { address: string; port: number }[];
  close(): Promise<void>;
}

/** Where /metrics comes from: one process's registry, or the workers' aggregated by the primary. */
export type MetricsSource = Pick<Registry, 'metrics' | 'contentType'>;

/** What /healthz answers: 200 with `ok`, or 503 with the reason (`draining`, a worker not answering). */
export type HealthCheck = () => boolean | Promise<{ ok: boolean; text: string }>;

export async function startAdminServer(
  endpoints: Endpoint[],
  registry: MetricsSource,
  healthy: HealthCheck,
  portOverride?: (endpoint: Endpoint) => number,
): Promise<AdminServer> {
  const servers: Server[] = [];
  const handler = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (req.url === '/metrics') {
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`);
      }
      return;
    }
    if (req.url === '/healthz') {
      const answer = await healthy();
      const { ok, text } = typeof answer === 'boolean' ? { ok: answer, text: answer ? 'ok' : 'draining' } : answer;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${text}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  servers.push(handler);
  // one http.Server can only listen once: create one per endpoint sharing the handler
  const listening: Server[] = [];
  try {
    for (const [index, endpoint] of endpoints.entries()) {
      const server = index === 0 ? handler : createServer((req, res) => handler.emit('request', req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // IPv6 addresses bind IPv6 only, so a v4 and a v6 wildcard can be listed side by side.
        server.listen({ port: portOverride ? portOverride(endpoint) : endpoint.port, host: endpoint.address, ipv6Only: endpoint.address.includes(':') }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      listening.push(server);
    }
  } catch (error) {
    await Promise.all(listening.map((s) => new Promise((r) => s.close(r))));
    const e = error as NodeJS.ErrnoException;
    throw new Error(`admin listener: cannot listen: ${e.message}`);
  }
  return {
    addresses: () => listening.map((s) => {
      const a = s.address() as AddressInfo;
      return { address: a.address, port: a.port };
    }),
    close: async () => {
      await Promise.all(listening.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}
