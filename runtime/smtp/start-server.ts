// startServer: the whole runtime as a library. One smtp-server listener per server ×
// listen address, the admin listener, the spool and the delivery worker. Everything that
// can be wrong with a config (certificates, keys, password files, ports) is found before
// the first listener accepts a connection, and reported as one clear error.
import { isAbsolute, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isDirectoryStore, type Endpoint, type ListenConfig, type RuntimeConfig, type ServerConfig } from '../config/types.js';
import { compilePolicy } from '../policy/index.js';
import { createReverseLookup, type ReverseLookup } from '../dns/reverse-lookup.js';
import { openUserStore } from '../auth/open-user-store.js';
import type { UserStore } from '../auth/user-store.js';
import { mechanismsByStore, warnAboutMissingSecrets } from '../auth/missing-secrets.js';
import { createMetrics, type ServerMetrics } from '../observe/metrics.js';
import { silentLogger } from '../observe/logger.js';
import { startAdminServer, type AdminServer } from '../observe/admin-server.js';
import { Spool } from '../delivery/spool.js';
import { DirectoryMailboxes, MailboxLists } from '../recipients/index.js';
import { DirectoryStore } from '../auth/directory-store.js';
import { startDeliveryWorker, type DeliveryWorker } from '../delivery/index.js';
import { listenForQueueControl, serverOwnsSpool } from '../delivery/queue-control.js';
import { loadTlsMaterial } from './tls-material.js';
import { LocalSharedState, type SharedState } from '../state/index.js';
import { openRedisState } from './open-redis-state.js';
import { PolicySmtpServer } from './policy-server.js';
import type { ListenerRuntime, ServerRuntime } from './server-runtime.js';
import { serverReplies } from './server-replies.js';
import type { PolicyConnection } from './policy-connection.js';

export interface StartServerOptions {
  /** The directory relative paths in the config are read against. */
  baseDir: string;
  logger?: Logger;
  /** Port to bind instead of the configured one (tests pass `() => 0` for OS-chosen ports). */
  portOverride?: (endpoint: Endpoint, kind: 'smtp' | 'admin') => number;
  /** Start the delivery worker (default true). */
  delivery?: boolean;
  /** Poll interval of the delivery worker and of password files. */
  pollIntervalMs?: number;
  /** SMTP timeouts of the delivery worker towards the smart host (default 60 s). */
  smarthostTimeoutMs?: number;
  /** Where `env NAME` secrets (directory bind passwords) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Connection counts, known clients and failed-login throttles (default: this process's
   * own, in memory). A `serve --workers` worker passes the primary's (runtime/cluster).
   */
  sharedState?: SharedState;
  /**
   * A `serve --workers` worker: the primary owns the spool (it checked that no other server
   * runs on it and recovered it), delivers, answers the queue control socket and the admin
   * listener; this process only accepts mail into the spool. Implies `delivery: false`.
   */
  worker?: { onSpooled: () => void };
}

export interface ListenerAddress {
  server: string;
  address: string;
  port: number;
  tlsMode: ListenConfig['tlsMode'];
}

export interface ServerHandle {
  addresses(): ListenerAddress[];
  adminAddresses(): { address: string; port: number }[];
  /** New sessions get the new config; throws (keeping the old one) when it is unusable. */
  reload(config: RuntimeConfig, baseDir?: string): Promise<void>;
  /**
   * Stops accepting, lets sessions finish until the deadline, then closes what is left with
   * 421 4.3.2. Called again during a drain, a shorter deadline replaces the running one
   * (`drain(0)`: close the remaining sessions now); the same promise is returned.
   */
  drain(deadlineMs: number): Promise<void>;
  close(): Promise<void>;
  /** What /healthz says of this process: draining, or its shared state's Redis away (see health()). */
  health(): { ok: boolean; text: string };
  readonly metrics: ServerMetrics;
  readonly spool: Spool;
}

export class StartupError extends Error {}

/** The longest a drain waits for spool writes cut off by it to clean up (a hung disk must not hold the exit). */
const SPOOL_SETTLE_MS = 5000;

interface Shared {
  state: SharedState;
  metrics: ServerMetrics;
  spool: Spool;
  logger: Logger;
  draining: () => boolean;
  onSpooled: () => void;
  env: NodeJS.ProcessEnv;
}

interface Built {
  runtimes: Map<string, ServerRuntime>;
  /** Everything that watches a file: credential stores and mailbox lists. */
  stores: Array<UserStore | MailboxLists>;
  reverseLookup: ReverseLookup;
}

function listenerKey(server: ServerConfig, listen: ListenConfig): string {
  return `${server.name}|${listen.address}|${listen.port}|${listen.tlsMode}`;
}

async function buildRuntimes(config: RuntimeConfig, baseDir: string, shared: Shared): Promise<Built> {
  const compiled = compilePolicy(config);
  const stores = new Map<string, UserStore>();
  const directories = new Map<string, DirectoryMailboxes>();
  const offered = mechanismsByStore(config.servers);
  for (const storeConfig of config.userStores) {
    const reloadFailed = (error: Error): void => {
      shared.logger.error({ event: 'user-store-reload-failed', store: storeConfig.name, error: error.message }, 'user store reload failed, keeping the previous users');
    };
    let store: UserStore;
    try {
      store = await openUserStore(storeConfig, {
        baseDir,
        env: shared.env,
        onReloadError: reloadFailed,
        onPasswordFileLoaded: (loaded) => warnAboutMissingSecrets(shared.logger, loaded, offered.get(storeConfig.name) ?? []),
      });
    } catch (error) {
      throw new StartupError(`${storeConfig.source}: ${(error as Error).message}`);
    }
    stores.set(storeConfig.name, store);
    // the recipient lists that read this directory share one cache; a reload starts a new one
    if (store instanceof DirectoryStore && isDirectoryStore(storeConfig)) {
      directories.set(storeConfig.name, new DirectoryMailboxes(store, { base: storeConfig.ldap.base, ttlMs: storeConfig.ldap.mailboxCacheMs }));
    }
  }
  const reverseLookup = createReverseLookup(config.resolver, {
    observe: (seconds, result) => shared.metrics.dnsLookupSeconds.observe({ result }, seconds),
  });
  const runtimes = new Map<string, ServerRuntime>();
  const mailboxLists: MailboxLists[] = [];
  for (const server of config.servers) {
    const compiledServer = compiled.server(server.name);
    if (!compiledServer) throw new StartupError(`${server.source}: server '${server.name}' missing from the compiled policy`);
    if (!server.tls && server.listen.some((l) => l.tlsMode === 'implicit')) {
      throw new StartupError(`${server.source}: server '${server.name}' listens with implicit TLS but has no certificate`);
    }
    let tls = null;
    try {
      tls = server.tls ? loadTlsMaterial(server.tls, baseDir) : null;
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
    const serverLogger = shared.logger.child({ server: server.name });
    const mailboxes = new MailboxLists(server.recipients ?? [], config.userStores, baseDir, {
      reloadFailed: (error) => serverLogger.error({ event: 'mailbox-list-reload-failed', error: error.message }, 'mailbox list reload failed, keeping the previous mailboxes'),
      loaded: (counts) => serverLogger.info({ event: 'mailbox-lists-loaded', mailboxes: counts }, 'mailbox lists read'),
    }, directories);
    try {
      await mailboxes.load();
    } catch (error) {
      throw new StartupError(`${server.source}: server '${server.name}': ${(error as Error).message}`);
    }
    mailboxLists.push(mailboxes);
    runtimes.set(server.name, {
      config: server,
      compiled: compiledServer,
      tls,
      reverseLookup,
      credentials: stores,
      mailboxes,
      // counts carry over a reload (by server name); a refused reload changes none of them
      limits: shared.state.server(server.name, server.limits),
      spool: shared.spool,
      logger: serverLogger,
      metrics: shared.metrics,
      draining: shared.draining,
      onSpooled: shared.onSpooled,
    });
  }
  return { runtimes, stores: [...stores.values(), ...mailboxLists], reverseLookup };
}

function listenOn(server: PolicySmtpServer, port: number, address: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error);
    server.server.once('error', onError);
    // `[::]` means IPv6 only, as the policy wrote it: Node would otherwise bind it dual-stack
    // and `listen 0.0.0.0:25, [::]:25` (the usual pair) would collide with itself.
    server.server.listen({ port, host: address, ipv6Only: address.includes(':') }, () => {
      server.server.off('error', onError);
      resolvePromise();
    });
  });
}

/**
 * Makes sure no other server runs on the spool, then recovers it (init() removes what a
 * crash left half-written: it must never run while another process writes there). Once per
 * spool: by the server, or by the primary of `serve --workers` before any worker starts.
 */
export async function claimSpool(spool: Spool): Promise<void> {
  let owned: boolean;
  try {
    owned = await serverOwnsSpool(spool.dir);
  } catch (error) {
    throw new StartupError(`spool ${spool.dir}: ${(error as Error).message}`);
  }
  if (owned) throw new StartupError(`spool ${spool.dir}: another smtppolicy server is running on it (its control socket answers)`);
  try {
    await spool.init();
  } catch (error) {
    throw new StartupError(`spool ${spool.dir}: ${(error as Error).message}`);
  }
}

/**
 * The limits this process shares: Redis when the policy has a state block (each process
 * connects itself; `options.sharedState`, the host's own, is then the fallback of
 * `on-unreachable local`), else the one given (the primary's under `serve --workers`) or
 * this process's own.
 */
async function openSharedState(config: RuntimeConfig, options: StartServerOptions, logger: Logger, metrics: ServerMetrics, env: NodeJS.ProcessEnv): Promise<SharedState> {
  const own = options.sharedState ?? new LocalSharedState();
  if (!config.state) return own;
  let state;
  try {
    state = openRedisState(config.state, { baseDir: options.baseDir, env, logger, metrics, fallback: own });
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  // the first sessions are decided by Redis when it answers at once; when it does not, the
  // server starts anyway (`state-unreachable` is logged) and on-unreachable decides
  await state.ready(STATE_CONNECT_MS);
  return state;
}

/** How long start-up waits for Redis's first answer. */
const STATE_CONNECT_MS = 2000;

/** What a reload may not change in the state block (its source line may move). */
function stateIdentity(config: RuntimeConfig): unknown {
  if (!config.state) return null;
  const { source: _source, ...rest } = config.state;
  return rest;
}

/** /healthz: draining, or the shared state down under fail-closed, is not healthy. */
function health(draining: boolean, state: SharedState): { ok: boolean; text: string } {
  if (draining) return { ok: false, text: 'draining' };
  const backend = state.health?.();
  if (!backend || backend.up) return { ok: true, text: 'ok' };
  // under `local` the server serves on (with this host's limits) and says so
  return { ok: !backend.refusing, text: backend.detail };
}

export async function startServer(config: RuntimeConfig, options: StartServerOptions): Promise<ServerHandle> {
  const logger = options.logger ?? silentLogger();
  let baseDir = options.baseDir;
  let draining = false;
  let worker: DeliveryWorker | undefined;
  const spoolDir = isAbsolute(config.storage.spool) ? config.storage.spool : resolve(baseDir, config.storage.spool);
  const spool = new Spool(spoolDir);
  if (!options.worker) await claimSpool(spool);
  // a worker's queue depth is the primary's to report (it would count the same spool again)
  const metrics = createMetrics({ queueDepth: options.worker ? undefined : () => spool.count(), processMetrics: false });
  const env = options.env ?? process.env;
  const shared: Shared = {
    metrics,
    spool,
    logger,
    state: await openSharedState(config, options, logger, metrics, env),
    draining: () => draining,
    onSpooled: options.worker ? options.worker.onSpooled : () => worker?.kick(),
    env,
  };
  let built = await buildRuntimes(config, baseDir, shared);

  const listeners: { key: string; server: PolicySmtpServer; serverName: string; listen: ListenConfig }[] = [];
  const closeAll = async () => {
    for (const l of listeners) await new Promise<void>((r) => (l.server.server.listening ? l.server.server.close(() => r()) : r()));
  };
  try {
    for (const server of config.servers) {
      for (const listen of server.listen) {
        const runtime: ListenerRuntime = { server: built.runtimes.get(server.name)!, listen };
        const smtp = new PolicySmtpServer(runtime);
        smtp.on('error', (error: Error) => logger.warn({ event: 'smtp-error', server: server.name, error: error.message }, 'listener error'));
        const port = options.portOverride ? options.portOverride(listen, 'smtp') : listen.port;
        try {
          await listenOn(smtp, port, listen.address);
        } catch (error) {
          throw new StartupError(`${listen.source}: server '${server.name}' cannot listen on ${listen.address}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        listeners.push({ key: listenerKey(server, listen), server: smtp, serverName: server.name, listen });
      }
    }
  } catch (error) {
    await closeAll();
    for (const store of built.stores) store.close();
    throw error;
  }

  let admin: AdminServer | undefined;
  let queueControl: { close(): Promise<void> } | undefined;
  if (config.admin && !options.worker) {
    try {
      admin = await startAdminServer(config.admin.listen, metrics.registry, async () => health(draining, shared.state),
        options.portOverride ? (e) => options.portOverride!(e, 'admin') : undefined);
    } catch (error) {
      await closeAll();
      throw new StartupError(`${config.admin.source}: ${(error as Error).message}`);
    }
  }
  for (const store of built.stores) store.watch(options.pollIntervalMs ?? 1000);

  if (options.delivery !== false && !options.worker) {
    worker = startDeliveryWorker({
      spool, config, baseDir, logger: logger.child({ component: 'delivery' }),
      pollIntervalMs: options.pollIntervalMs, smarthostTimeoutMs: options.smarthostTimeoutMs,
      metrics: {
        outcome: (route, outcome) => metrics.deliveries.inc({ route, outcome }),
        attempt: (route, seconds) => metrics.deliveryAttemptSeconds.observe({ route }, seconds),
        dsnQueued: () => metrics.dsnQueued.inc(),
      },
    });
    const running = worker;
    try {
      queueControl = await listenForQueueControl(spoolDir, (request) => running.control(request));
    } catch (error) {
      await closeAll();
      await running.stop();
      await admin?.close();
      throw new StartupError(`spool ${spoolDir}: ${(error as Error).message}`);
    }
  }
  for (const l of listeners) {
    const a = l.server.server.address() as AddressInfo;
    // the config's tlsMode says how TLS would start; without a certificate it never does
    const tlsMode = l.server.runtime.server.tls ? l.listen.tlsMode : 'none';
    logger.info({ event: 'listening', server: l.serverName, address: a.address, port: a.port, tlsMode, source: l.listen.source }, 'listening');
  }

  const connections = (): PolicyConnection[] => listeners.flatMap((l) => [...l.server.connections] as unknown as PolicyConnection[]);
  let closed: Promise<void> | undefined;
  /** When the running drain stops waiting for sessions; only ever moves earlier. */
  let drainDeadline = Infinity;

  const handle: ServerHandle = {
    metrics,
    spool,
    addresses: () => listeners.map((l) => {
      const a = l.server.server.address() as AddressInfo | null;
      return { server: l.serverName, address: a?.address ?? l.listen.address, port: a?.port ?? 0, tlsMode: l.listen.tlsMode };
    }),
    adminAddresses: () => admin?.addresses() ?? [],
    async reload(next: RuntimeConfig, nextBaseDir = baseDir): Promise<void> {
      const wanted = next.servers.flatMap((s) => s.listen.map((l) => listenerKey(s, l))).sort();
      const have = listeners.map((l) => l.key).sort();
      if (wanted.join('\n') !== have.join('\n')) {
        throw new StartupError('reload refused: the listen addresses changed; restart the server to apply them');
      }
      const nextSpool = isAbsolute(next.storage.spool) ? next.storage.spool : resolve(nextBaseDir, next.storage.spool);
      if (nextSpool !== spoolDir) throw new StartupError('reload refused: storage.spool changed; restart the server to apply it');
      // the open connection, the leases it renews and the fallback are the running state's
      if (JSON.stringify(stateIdentity(next)) !== JSON.stringify(stateIdentity(config))) {
        throw new StartupError('reload refused: the state block changed; restart the server to apply it');
      }
      const nextBuilt = await buildRuntimes(next, nextBaseDir, shared);
      for (const l of listeners) {
        const server = next.servers.find((s) => s.name === l.serverName)!;
        const listen = server.listen.find((x) => listenerKey(server, x) === l.key)!;
        l.server.swapRuntime({ server: nextBuilt.runtimes.get(l.serverName)!, listen });
      }
      for (const store of built.stores) store.close();
      for (const store of nextBuilt.stores) store.watch(options.pollIntervalMs ?? 1000);
      built = nextBuilt;
      baseDir = nextBaseDir;
      worker?.updateConfig(next, nextBaseDir);
      logger.info({ event: 'reloaded', sources: next.sources }, 'configuration reloaded');
    },
    drain(deadlineMs: number): Promise<void> {
      drainDeadline = Math.min(drainDeadline, Date.now() + deadlineMs);
      closed ??= (async () => {
        draining = true;
        logger.info({ event: 'draining', deadlineMs, sessions: connections().length }, 'draining');
        const stopped = Promise.all(listeners.map((l) => new Promise<void>((r) => l.server.server.close(() => r()))));
        // re-read on every turn: a second drain() may have brought the deadline forward
        while (connections().length > 0 && Date.now() < drainDeadline) {
          await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, drainDeadline - Date.now()))));
        }
        const left = connections();
        if (left.length > 0) logger.warn({ event: 'sessions-closed', sessions: left.length }, 'closing the sessions still open at the drain deadline');
        for (const connection of left) {
          connection.reply(serverReplies.shuttingDown(connection.name));
          connection.close();
          setTimeout(() => connection._socket.destroy(), 200).unref();
        }
        await stopped;
        // the messages of the sessions just closed have left the spool's queue/ (or committed)
        await Promise.race([spool.settled(), new Promise((r) => setTimeout(r, SPOOL_SETTLE_MS).unref())]);
        // no new operator actions; those under way finish (with the delivery they wait for)
        await queueControl?.close();
        await worker?.stop();
        await admin?.close();
        for (const store of built.stores) store.close();
        await shared.state.close?.();
        logger.info({ event: 'stopped' }, 'stopped');
      })();
      return closed;
    },
    close: () => handle.drain(0),
    health: () => health(draining, shared.state),
  };
  return handle;
}
