// The messages between the primary of `serve --workers` and its workers about their life:
// start (the config the primary validated), ready, reload, drain, metrics and health.
// Shared-state requests travel on the same channel (runtime/state/state-messages.ts) and
// are told apart by `channel`.
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { RuntimeConfig } from '../config/types.js';

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type ToWorker =
  | { channel: 'cluster'; type: 'start'; config: RuntimeConfig; baseDir: string }
  | { channel: 'cluster'; type: 'reload'; id: number; config: RuntimeConfig; baseDir: string }
  | { channel: 'cluster'; type: 'drain'; deadlineMs: number }
  | { channel: 'cluster'; type: 'metrics'; id: number }
  | { channel: 'cluster'; type: 'ping'; id: number };

export type FromWorker =
  /** The worker's message handler is installed: it can be sent its config. */
  | { channel: 'cluster'; type: 'hello' }
  /** Serving; `leases`: the prefix of its Redis leases (state block), which the primary drops when it dies. */
  | { channel: 'cluster'; type: 'ready'; leases?: string }
  | { channel: 'cluster'; type: 'start-failed'; message: string }
  | { channel: 'cluster'; type: 'reloaded'; id: number; error?: string }
  | { channel: 'cluster'; type: 'metrics'; id: number; metrics: WorkerMetrics }
  /** Alive, and what its /healthz would say (the shared state's Redis reachable or not). */
  | { channel: 'cluster'; type: 'pong'; id: number; health: { ok: boolean; text: string } }
  /** A message was spooled: the primary's delivery worker should look at the spool. */
  | { channel: 'cluster'; type: 'spooled' };

export function isClusterMessage(message: unknown): message is { channel: 'cluster' } {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'cluster';
}
