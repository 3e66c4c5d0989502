// Where Postfix's smtp client sends relayed mail beyond relayhost: each `route DOMAIN
// HOST:PORT` as a transport_maps entry (`smtp:[HOST]:PORT`: the host's addresses, no MX
// lookup, as runtime/delivery/mx-delivery.ts does), over STARTTLS when offered whatever the
// smart host demands; the limit of transactions at once per destination and the EHLO name
// of direct delivery. Postfix has one transport table for all its services: the routes of
// every server go into it (servers whose routes differ are reported by translate.ts).
import type { RuntimeConfig, RouteConfig } from '../../runtime/config/types.js';
import { tableFiles, tableRef } from './names.js';

/** runtime/delivery/worker.ts DEFAULT_CONCURRENCY.perDestination: transactions at once per domain or route host. */
export const PER_DESTINATION_CONCURRENCY = 2;

/** Every route of the config, once per domain (the first server's wins, as Postfix has one table). */
export function allRoutes(config: RuntimeConfig): RouteConfig[] {
  const routes = new Map<string, RouteConfig>();
  for (const server of config.servers) for (const route of server.routes ?? []) if (!routes.has(route.domain)) routes.set(route.domain, route);
  return [...routes.values()];
}

function hostPort(route: RouteConfig): string {
  return `[${route.host}]:${route.port}`;
}

export function transportTable(routes: readonly RouteConfig[]): string | null {
  if (routes.length === 0) return null;
  const lines = routes.flatMap((route) => [`# ${route.source}`, `${route.domain} smtp:${hostPort(route)}`]);
  return `# routes: written by smtppolicy compile --target postfix; do not edit\n${lines.join('\n')}\n`;
}

export function routeTlsTable(routes: readonly RouteConfig[]): string | null {
  if (routes.length === 0) return null;
  const hosts = [...new Set(routes.map(hostPort))];
  return `# routes: STARTTLS when offered, certificate not checked (as direct delivery)\n${hosts.map((host) => `${host} may`).join('\n')}\n`;
}

/** main.cf lines for routes and direct delivery (none when mail only goes to a smart host or waits). */
export function routeLines(config: RuntimeConfig): string[] {
  const routes = allRoutes(config);
  const direct = config.servers.some((s) => s.relayTo.kind === 'direct');
  if (routes.length === 0 && !direct) return [];
  const lines = [
    '# direct delivery and routes: at most this many transactions at once per destination',
    `smtp_destination_concurrency_limit = ${PER_DESTINATION_CONCURRENCY}`,
    '# the EHLO name: the server hostname (myhostname)',
    'smtp_helo_name = $myhostname',
  ];
  if (routes.length > 0) {
    lines.push(`transport_maps = ${tableRef('texthash', tableFiles.transport)}`, `smtp_tls_policy_maps = ${tableRef('texthash', tableFiles.routeTls)}`);
  }
  return lines;
}
