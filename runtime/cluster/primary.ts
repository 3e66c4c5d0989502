// The primary of `serve --workers N` (node:cluster). It owns what must exist once per host:
//  - the listening sockets: workers' listen() calls are bound here and connections are
//    handed to the workers round-robin (Node 20 has no SO_REUSEPORT for net servers);
//  - the spool: it checks that no other server runs on it and recovers it before any worker
//    starts, and it alone delivers and answers the queue control socket, so no message is
//    delivered twice whichever worker accepted it;
//  - the shared state (runtime/state/state-service.ts): every connection slot and throttle
//    decision of every worker, so that the policy's limits hold for the host exactly;
//  - the admin listener: /metrics sums every worker's metrics with the primary's
//    (prom-client's AggregatorRegistry), /healthz answers ok only while every worker answers
//    and none would itself say unhealthy (its Redis away under `on-unreachable fail-closed`);
//  - the config: it is loaded and validated once (by the CLI) and sent to the workers, on
//    start, on SIGHUP and to a worker that replaces one that died.
// A worker that dies is replaced; the other workers' sessions go on untouched (their
// sockets are theirs), and the dead worker's slots and throttle turns are released: in the
// primary's own state, and with a `state { redis … }` block in Redis too (its leases are
// dropped at once over the primary's own connection, instead of expiring a lease later).
import cluster, { type Worker } from 'node:cluster';
import { isAbsolute, resolve } from 'node:path';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config/types.js';
import { Spool } from '../delivery/spool.js';
import { startDeliveryWorker, type DeliveryWorker } from '../delivery/index.js';
import { listenForQueueControl } from '../delivery/queue-control.js';
import { createMetrics } from '../observe/metrics.js';
import { startAdminServer, type AdminServer } from '../observe/admin-server.js';
import { claimSpool, StartupError } from '../smtp/start-server.js';
import { isStateMessage, StateService, type StateRequest } from '../state/index.js';
import { RedisBackend } from '../state/redis/redis-backend.js';
import { dropProcessLeases } from '../state/redis/redis-lease.js';
import { REDIS_LIMITS_DEFAULTS } from '../state/redis/redis-limits.js';
import { redisConnection } from '../smtp/open-redis-state.js';
import { createClusterMetrics } from './cluster-metrics.js';
import { isClusterMessage, type FromWorker, type ToWorker, type WorkerMetrics } from './cluster-messages.js';
import { relayLines } from './line-relay.js';

export interface ClusterOptions {
  workers: number;
  baseDir: string;
  logger: Logger;
  /** Writes whole lines of the workers' logs where the primary's own go. */
  writeLogLines: (line: string) => void;
  stderr: NodeJS.WritableStream;
  /** The drain a worker gets when it is replaced after refusing a reload the others took. */
  drainTimeoutMs: number;
  pollIntervalMs?: number;
}

export interface ClusterHandle {
  /** Every worker (and the delivery) gets the new config, or none does when the first refuses it. */
  reload(config: RuntimeConfig, baseDir?: string): Promise<void>;
  /** Drains every worker (a second call brings the deadline forward), then stops the delivery. */
  drain(deadlineMs: number): Promise<void>;
  /** The workers serving now. */
  readyWorkers(): number;
}

/** How long /metrics and /healthz wait for a worker's answer before saying it did not answer. */
const WORKER_ANSWER_MS = 5000;
/** A worker that cannot start again is retried after this long, doubled each time up to MAX. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 60_000;

interface Entry {
  worker: Worker;
  ready: boolean;
  /** The config generation the worker runs (or was started with). */
  generation: number;
  /** Asked to drain because it refused a reload: its exit is expected and it is replaced. */
  replacing: boolean;
  startFailure?: string;
  /** The prefix of its Redis leases, once it serves with a state block. */
  leases?: string;
  pending: Map<number, { resolve: (message: FromWorker) => void; reject: (error: Error) => void }>;
}

export async function startCluster(config: RuntimeConfig, options: ClusterOptions): Promise<ClusterHandle> {
  if (!cluster.isPrimary) throw new Error('startCluster: already in a worker');
  const { logger } = options;
  let current = { config, baseDir: options.baseDir, generation: 1 };
  const spoolDir = isAbsolute(config.storage.spool) ? config.storage.spool : resolve(options.baseDir, config.storage.spool);
  const spool = new Spool(spoolDir);
  await claimSpool(spool);

  const metrics = createMetrics({ queueDepth: () => spool.count(), processMetrics: false });
  const clusterMetrics = createClusterMetrics(metrics.registry);
  const entries = new Map<number, Entry>();
  // the primary takes no decision in Redis: this connection only frees a dead worker's slots
  // (its outages are the workers' to report, each on its own connection)
  let redis: RedisBackend | undefined;
  try {
    redis = config.state ? new RedisBackend({ ...redisConnection(config.state, options.baseDir, process.env), onChange: () => {} }) : undefined;
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  // (a worker that drained freed its own: only one that died leaves slots behind)
  const freeRedisSlots = (entry: Entry) => {
    if (!redis || !entry.leases || draining) return;
    const fields = { worker: entry.worker.id, pid: entry.worker.process.pid };
    dropProcessLeases(redis, REDIS_LIMITS_DEFAULTS.prefix, entry.leases).then(
      (slots) => slots > 0 && logger.info({ event: 'worker-slots-freed', ...fields, slots }, 'the exited worker\'s connection slots in Redis are free'),
      (error: Error) => logger.warn({ event: 'worker-slots-not-freed', ...fields, error: error.message }, 'the exited worker\'s connection slots in Redis free themselves when its lease expires'),
    );
  };
  const service = new StateService((message) => {
    for (const entry of entries.values()) if (entry.worker.isConnected()) entry.worker.send(message);
  });
  let draining = false;
  let nextRequest = 1;
  let restartDelay = RESTART_DELAY_MS;
  let delivery: DeliveryWorker | undefined;
  let allGone: () => void = () => {};
  const gone = new Promise<void>((r) => (allGone = r));
  /**
   * Workers whose process has not closed yet: exited, and its output read to the end. A
   * drain ends only when this is empty, so the last lines of every worker are written
   * before the primary's own `stopped`.
   */
  const unclosed = new Set<Worker>();

  const readyCount = () => [...entries.values()].filter((e) => e.ready).length;
  const send = (entry: Entry, message: ToWorker) => {
    if (entry.worker.isConnected()) entry.worker.send(message);
  };
  const ask = <T extends FromWorker>(entry: Entry, build: (id: number) => ToWorker, timeoutMs?: number): Promise<T> => {
    const id = nextRequest++;
    return new Promise<T>((resolvePromise, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        entry.pending.delete(id);
        reject(new Error(`worker ${entry.worker.id} (pid ${entry.worker.process.pid}) did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      entry.pending.set(id, {
        resolve: (message) => { clearTimeout(timer); resolvePromise(message as T); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      if (!entry.worker.isConnected()) return entry.pending.get(id)!.reject(new Error(`worker ${entry.worker.id} is gone`));
      entry.worker.send(build(id));
    });
  };
  const reloadWorker = async (entry: Entry): Promise<string | undefined> => {
    const { config: next, baseDir, generation } = current;
    const answer = await ask<Extract<FromWorker, { type: 'reloaded' }>>(entry, (id) => ({ channel: 'cluster', type: 'reload', id, config: next, baseDir }));
    if (!answer.error) entry.generation = generation;
    return answer.error;
  };
  // a worker that refused a reload the others took is drained and replaced, so the host
  // converges on one config (a file it reads changed between the workers' reloads)
  const replace = (entry: Entry, reason: string) => {
    logger.warn({ event: 'worker-replaced', worker: entry.worker.id, pid: entry.worker.process.pid, reason }, 'worker replaced: it refused the reloaded configuration');
    entry.replacing = true;
    send(entry, { channel: 'cluster', type: 'drain', deadlineMs: options.drainTimeoutMs });
  };

  const spawn = (): Promise<void> => new Promise<void>((resolveStart, rejectStart) => {
    const worker = cluster.fork();
    const entry: Entry = { worker, ready: false, generation: current.generation, replacing: false, pending: new Map() };
    entries.set(worker.id, entry);
    unclosed.add(worker);
    worker.process.once('close', () => {
      unclosed.delete(worker);
      if (draining && unclosed.size === 0) allGone();
    });
    relayLines(worker.process.stdout!, options.writeLogLines);
    worker.process.stderr!.pipe(options.stderr, { end: false });
    const port = { id: worker.id, send: (message: unknown) => { if (worker.isConnected()) worker.send(message as object); } };
    worker.on('message', (message: unknown) => {
      if (isStateMessage(message)) return service.handle(port, message as StateRequest);
      if (!isClusterMessage(message)) return;
      const m = message as FromWorker;
      switch (m.type) {
        case 'hello':
          entry.generation = current.generation;
          return send(entry, { channel: 'cluster', type: 'start', config: current.config, baseDir: current.baseDir });
        case 'ready':
          entry.ready = true;
          entry.leases = m.leases;
          clusterMetrics.workersReady.set(readyCount());
          logger.info({ event: 'worker-ready', worker: worker.id, pid: worker.process.pid }, 'worker serving');
          // a reload that happened while this worker started
          if (entry.generation !== current.generation) {
            void reloadWorker(entry).then((error) => { if (error) replace(entry, error); }, () => undefined);
          }
          return resolveStart();
        case 'start-failed':
          entry.startFailure = m.message;
          return;
        case 'spooled':
          delivery?.kick();
          return;
        case 'reloaded':
        case 'metrics':
        case 'pong': {
          const waiter = entry.pending.get(m.id);
          entry.pending.delete(m.id);
          waiter?.resolve(m);
          return;
        }
      }
    });
    worker.on('exit', (code, signal) => {
      entries.delete(worker.id);
      service.workerGone(worker.id);
      freeRedisSlots(entry);
      clusterMetrics.workersReady.set(readyCount());
      for (const waiter of entry.pending.values()) waiter.reject(new Error(`worker ${worker.id} exited`));
      entry.pending.clear();
      if (!entry.ready) rejectStart(new StartupError(entry.startFailure ?? `worker ${worker.id} exited (${signal ?? code}) before it was serving`));
      if (draining) return;
      if (entry.replacing) {
        void spawn().catch((error: Error) => logger.error({ event: 'worker-start-failed', error: error.message }, 'a replacement worker could not start'));
        return;
      }
      if (!entry.ready) return; // a start that failed: its caller (start or restart) decides
      clusterMetrics.workerRestarts.inc();
      logger.error({ event: 'worker-exited', worker: worker.id, pid: worker.process.pid, code, signal }, 'worker exited unexpectedly: starting another');
      restartUntilServing();
    });
  });

  const restartUntilServing = () => {
    spawn().then(() => (restartDelay = RESTART_DELAY_MS), (error: Error) => {
      logger.error({ event: 'worker-start-failed', error: error.message, retryInMs: restartDelay }, 'a replacement worker could not start');
      const delay = restartDelay;
      restartDelay = Math.min(MAX_RESTART_DELAY_MS, restartDelay * 2);
      setTimeout(() => { if (!draining) restartUntilServing(); }, delay).unref();
    });
  };

  // A worker re-runs this command (node:cluster forks the same script with the same
  // arguments); its output comes here (silent) to be relayed as whole lines.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ silent: true });
  const stopWorkers = async () => {
    draining = true;
    for (const entry of entries.values()) entry.worker.process.kill('SIGKILL');
    if (unclosed.size > 0) await gone;
    await redis?.close();
  };
  try {
    // the first alone: a port that cannot be bound (or a bad certificate) is reported once
    await spawn();
    await Promise.all(Array.from({ length: options.workers - 1 }, () => spawn()));
  } catch (error) {
    await stopWorkers();
    throw error;
  }

  delivery = startDeliveryWorker({
    spool, config, baseDir: options.baseDir, logger: logger.child({ component: 'delivery' }), pollIntervalMs: options.pollIntervalMs,
    metrics: {
      outcome: (route, outcome) => metrics.deliveries.inc({ route, outcome }),
      attempt: (route, seconds) => metrics.deliveryAttemptSeconds.observe({ route }, seconds),
      dsnQueued: () => metrics.dsnQueued.inc(),
    },
  });
  const running = delivery;
  let queueControl: { close(): Promise<void> };
  try {
    queueControl = await listenForQueueControl(spoolDir, (request) => running.control(request));
  } catch (error) {
    await stopWorkers();
    await running.stop();
    throw new StartupError(`spool ${spoolDir}: ${(error as Error).message}`);
  }

  const live = () => [...entries.values()].filter((e) => e.ready);
  let admin: AdminServer | undefined;
  if (config.admin) {
    const aggregated = {
      contentType: Registry.PROMETHEUS_CONTENT_TYPE,
      metrics: async () => {
        const own = await metrics.registry.getMetricsAsJSON();
        const theirs = await Promise.all(live().map((entry) => ask<{ type: 'metrics'; metrics: WorkerMetrics } & FromWorker>(entry, (id) => ({ channel: 'cluster', type: 'metrics', id }), WORKER_ANSWER_MS)));
        return AggregatorRegistry.aggregate([own, ...theirs.map((answer) => answer.metrics)]).metrics();
      },
    };
    const health = async () => {
      if (draining) return { ok: false, text: 'draining' };
      const serving = live();
      if (serving.length < options.workers) return { ok: false, text: `${serving.length} of ${options.workers} workers serving` };
      let answers: { entry: Entry; health: { ok: boolean; text: string } }[];
      try {
        answers = await Promise.all(serving.map(async (entry) => ({
          entry, health: (await ask<Extract<FromWorker, { type: 'pong' }>>(entry, (id) => ({ channel: 'cluster', type: 'ping', id }), WORKER_ANSWER_MS)).health,
        })));
      } catch (error) {
        return { ok: false, text: (error as Error).message };
      }
      // each worker asks Redis on its own connection: the host is as healthy as its least
      // healthy worker (under `on-unreachable local` a worker serves on and says why)
      const worst = answers.find((a) => !a.health.ok) ?? answers.find((a) => a.health.text !== 'ok');
      if (!worst) return { ok: true, text: 'ok' };
      return { ok: worst.health.ok, text: `worker ${worst.entry.worker.id}: ${worst.health.text}` };
    };
    try {
      admin = await startAdminServer(config.admin.listen, aggregated, health);
    } catch (error) {
      await stopWorkers();
      await queueControl.close();
      await running.stop();
      throw new StartupError(`${config.admin.source}: ${(error as Error).message}`);
    }
  }
  logger.info({ event: 'workers-ready', workers: options.workers }, 'every worker is serving');

  let closed: Promise<void> | undefined;
  return {
    readyWorkers: readyCount,
    async reload(next: RuntimeConfig, nextBaseDir = current.baseDir): Promise<void> {
      const serving = live();
      const [first, ...rest] = serving;
      if (!first) throw new StartupError('reload refused: no worker is serving');
      const previous = current;
      current = { config: next, baseDir: nextBaseDir, generation: previous.generation + 1 };
      // the first worker decides for all: what it refuses (a changed listen address, a
      // certificate that does not load) changes nothing anywhere
      const error = await reloadWorker(first).catch((e: Error) => e.message);
      if (error) {
        current = previous;
        throw new StartupError(`worker ${first.worker.id}: ${error}`);
      }
      running.updateConfig(next, nextBaseDir);
      const refused = await Promise.all(rest.map(async (entry) => [entry, await reloadWorker(entry).catch((e: Error) => e.message)] as const));
      for (const [entry, reason] of refused) if (reason) replace(entry, reason);
      logger.info({ event: 'reloaded', sources: next.sources, workers: serving.length }, 'configuration reloaded in every worker');
    },
    drain(deadlineMs: number): Promise<void> {
      for (const entry of entries.values()) send(entry, { channel: 'cluster', type: 'drain', deadlineMs });
      closed ??= (async () => {
        draining = true;
        logger.info({ event: 'draining', deadlineMs, workers: entries.size }, 'draining every worker');
        if (unclosed.size > 0) await gone;
        await queueControl.close();
        await running.stop();
        await admin?.close();
        await redis?.close();
        logger.info({ event: 'stopped' }, 'stopped');
      })();
      return closed;
    },
  };
}
