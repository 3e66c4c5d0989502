// A worker of `serve --workers N`: the SMTP sessions of the connections the primary hands
// it (node:cluster, round-robin). It runs the config the primary validated and sent, asks
// the primary for every limit (ClusterSharedState), writes accepted mail to the spool the
// primary owns and tells it so, and answers the primary's reload, drain, metrics and ping
// (with what its own /healthz would say: its connection to the shared state's Redis is its own).
// It never delivers: one process (the primary) does, so no message is delivered twice.
import type { Logger } from 'pino';
import { ClusterSharedState } from '../state/index.js';
import { PROCESS_LEASES } from '../state/redis/redis-lease.js';
import { startServer, type ServerHandle } from '../smtp/start-server.js';
import { isClusterMessage, type FromWorker, type ToWorker } from './cluster-messages.js';

export interface WorkerProcessOptions {
  logger: Logger;
  pollIntervalMs?: number;
}

function tell(message: FromWorker): void {
  // a closed channel means the primary is gone, and node:cluster ends this process
  if (process.connected) process.send!(message);
}

/** Runs until the primary says drain (resolves 0) or goes away (resolves 1). */
export function runWorkerProcess(options: WorkerProcessOptions): Promise<number> {
  const { logger } = options;
  if (!process.send) throw new Error('runWorkerProcess: not a cluster worker (no IPC channel)');
  // Signals are the primary's to act on: a SIGTERM or SIGINT sent to the whole process
  // group (Ctrl-C, systemd's control-group kill) must not cut this worker's sessions short
  // while the primary drains them in order. Without a handler Node would exit at once.
  for (const signal of ['SIGHUP', 'SIGTERM', 'SIGINT'] as const) process.on(signal, () => {});

  const state = new ClusterSharedState({
    // a closed channel is an error the caller sees (the session is refused), never a drop
    send: (message) => {
      if (!process.connected) throw new Error('the channel to the primary is closed');
      process.send!(message);
    },
    onMessage: (listener) => process.on('message', listener),
  });
  let server: ServerHandle | undefined;
  let stopping: Promise<number> | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  // one wake-up per event-loop turn, however many messages were spooled in it
  let kickQueued = false;
  const onSpooled = () => {
    if (kickQueued) return;
    kickQueued = true;
    setImmediate(() => {
      kickQueued = false;
      tell({ channel: 'cluster', type: 'spooled' });
    });
  };
  const stop = (deadlineMs: number, code: number) => {
    if (!server) {
      finish(code);
      return;
    }
    // a second drain only brings the deadline forward (the primary's second stop signal)
    const drained = server.drain(deadlineMs);
    stopping ??= drained.then(() => code);
    void stopping.then(finish);
  };

  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message)) return;
    const m = message as ToWorker;
    switch (m.type) {
      case 'start':
        startServer(m.config, {
          baseDir: m.baseDir, logger, sharedState: state, pollIntervalMs: options.pollIntervalMs, worker: { onSpooled },
        }).then((started) => {
          server = started;
          tell({ channel: 'cluster', type: 'ready', ...(m.config.state ? { leases: PROCESS_LEASES } : {}) });
        }, (error: Error) => {
          tell({ channel: 'cluster', type: 'start-failed', message: error.message });
          finish(2);
        });
        return;
      case 'reload':
        if (!server) return tell({ channel: 'cluster', type: 'reloaded', id: m.id, error: 'the worker has not started' });
        server.reload(m.config, m.baseDir).then(
          () => tell({ channel: 'cluster', type: 'reloaded', id: m.id }),
          (error: Error) => tell({ channel: 'cluster', type: 'reloaded', id: m.id, error: error.message }),
        );
        return;
      case 'drain':
        stop(m.deadlineMs, 0);
        return;
      case 'metrics':
        if (!server) return;
        void server.metrics.registry.getMetricsAsJSON().then((metrics) => tell({ channel: 'cluster', type: 'metrics', id: m.id, metrics }));
        return;
      case 'ping':
        tell({ channel: 'cluster', type: 'pong', id: m.id, health: server ? server.health() : { ok: false, text: 'not serving yet' } });
        return;
    }
  });
  // When the primary dies, node:cluster ends this process (its own 'disconnect' handler
  // exits): nothing runs on without the primary's limits, and a new server may recover the
  // spool at once. Should the channel close without that, requests waiting for the primary
  // fail (their sessions are refused) instead of waiting for ever.
  process.on('disconnect', () => state.disconnected());
  // the primary sends the config once it knows this worker listens for it
  tell({ channel: 'cluster', type: 'hello' });
  return finished;
}
