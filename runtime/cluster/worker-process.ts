// A worker of `serve --workers N`: the SMTP sessions of the connections the primary hands
// it (node:cluster, round-robin). It runs the config the primary validated and sent, asks
// the primary for every limit (ClusterSharedState), writes accepted mail to the spool the
// primary owns and tells it so, and answers the primary's reload, drain, metrics and ping.
// It never delivers: one process (the primary) does, so no message is delivered twice.
import type { Logger } from 'pino';
import { ClusterSharedState } from '../state/index.js';
import { startServer, type ServerHandle } from '../smtp/start-server.js';
import { isClusterMessage, type FromWorker, type ToWorker } from './cluster-messages.js';

export interface WorkerProcessOptions {
  logger: Logger;
  pollIntervalMs?: number;
}

/** How often a worker checks that the primary is still its parent. */
const PARENT_CHECK_MS = 1000;

function tell(message: FromWorker): void {
  // a closed channel means the primary is gone: see the parent check below
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
    send: (message) => process.send!(message),
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
          tell({ channel: 'cluster', type: 'ready' });
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
        tell({ channel: 'cluster', type: 'pong', id: m.id });
        return;
    }
  });
  // When the primary dies, node:cluster ends this process at once if the channel to it
  // reports its end ('disconnect'). It does not always (seen when the primary was started
  // detached, by a test, under load): the worker then also notices that it has another
  // parent, closes its sessions with 421 4.3.2 and exits 1. Either way nothing runs on
  // without the primary's limits, and a new server may recover the spool at once.
  const primary = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === primary) return;
    clearInterval(orphaned);
    state.disconnected();
    logger.error({ event: 'primary-gone' }, 'the primary process is gone: closing the sessions and exiting');
    stop(0, 1);
  }, PARENT_CHECK_MS);
  orphaned.unref();
  // the primary sends the config once it knows this worker listens for it
  tell({ channel: 'cluster', type: 'hello' });
  return finished;
}
