// `smtppolicy serve --workers 2` as a real process tree for the tests of runtime/cluster:
// a policy on 127.0.22.1 (the tests' clients come from other addresses of 127.0.22.0/24),
// mail for example.test delivered to Maildirs, an admin listener, fixed free ports (the
// config schema forbids port 0). It resolves once the primary logs `workers-ready`.
import { writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { domainItem, makeRuntimeConfig, src, type ServerConfigOverrides } from '../runtime/fixtures/config-builder.js';
import { freePort, spawnCli, type ServeProcess } from './serve-process.js';
import { tempDir } from './server-fixture.js';
import { RawSmtpClient } from './smtp-client.js';

export const SERVER_ADDRESS = '127.0.22.1';

export interface WorkersServer {
  dir: string;
  port: number;
  adminPort: number;
  configPath: string;
  config: RuntimeConfig;
  serve: ServeProcess;
  /** The workers serving now, by cluster id → pid (from the primary's `worker-ready` lines, minus those that exited). */
  workerPids(): number[];
  maildir(user: string): string;
}

export function workersConfig(dir: string, port: number, adminPort: number, server: ServerConfigOverrides = {}, extra: { userStores?: RuntimeConfig['userStores'] } = {}): RuntimeConfig {
  return makeRuntimeConfig({
    storageDir: dir,
    ...(extra.userStores ? { userStores: extra.userStores } : {}),
    admin: { listen: [{ address: SERVER_ADDRESS, port: adminPort }], source: src(3) },
    servers: [{
      listen: [{ address: SERVER_ADDRESS, port, tlsMode: 'starttls', source: src(11) }],
      localDomains: [domainItem('example.test')],
      ...server,
    }],
  });
}

export async function startWorkers(t: TestContext, options: { server?: ServerConfigOverrides; userStores?: RuntimeConfig['userStores']; prepare?: (dir: string) => Promise<void>; args?: string[] } = {}): Promise<WorkersServer> {
  const dir = tempDir(t, 'smtppolicy-workers-');
  await options.prepare?.(dir);
  const port = await freePort(SERVER_ADDRESS);
  const adminPort = await freePort(SERVER_ADDRESS);
  const config = workersConfig(dir, port, adminPort, options.server, { userStores: options.userStores });
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const serve = spawnCli(t, ['serve', configPath, '--workers', '2', ...(options.args ?? [])]);
  // a worker runs through tsx and starts in seconds on a busy machine
  await serve.waitForLog((l) => l.event === 'workers-ready', 'every worker to serve', 120_000);
  return {
    dir, port, adminPort, configPath, config, serve,
    workerPids: () => {
      const exited = new Set(serve.logs.filter((l) => l.event === 'worker-exited').map((l) => Number(l.pid)));
      return serve.logs.filter((l) => l.event === 'worker-ready').map((l) => Number(l.pid)).filter((pid) => !exited.has(pid));
    },
    maildir: (user) => join(dir, 'mail', 'example.test', user, 'new'),
  };
}

/** GET on the admin listener: status and body. */
export function adminGet(server: WorkersServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: SERVER_ADDRESS, port: server.adminPort, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** One sample's value in Prometheus text (`name{labels} value`), 0 when absent. */
export function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

export async function connectFrom(t: TestContext, server: WorkersServer, localAddress: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ host: SERVER_ADDRESS, port: server.port, localAddress });
  t.after(() => client.close());
  return client;
}

/**
 * Workers (by their `worker` field) that logged `event` about this client, once `count` such
 * lines have arrived (a worker's lines reach the primary's output within its log buffer's
 * flush interval, after the client has had its replies).
 */
export async function workersThatSaw(server: WorkersServer, client: string, event: string, count: number): Promise<Set<number>> {
  const lines = () => server.serve.logs.filter((l) => l.client === client && l.event === event && l.worker !== undefined);
  await server.serve.waitForLog(() => lines().length >= count, `${count} '${event}' lines about ${client}`, 60_000).catch((error: Error) => {
    const seen = server.serve.logs.filter((l) => l.client === client).map((l) => `${String(l.worker)}:${String(l.event)}`);
    throw new Error(`${error.message}; lines about the client: ${seen.join(' ')}`);
  });
  return new Set(lines().map((l) => Number(l.worker)));
}
