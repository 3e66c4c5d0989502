// The primary's own metrics of `serve --workers`, in the registry of its delivery metrics:
// how many workers serve now, and how often one had to be replaced.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ClusterMetrics {
  workersReady: Gauge;
  workerRestarts: Counter;
}

export function createClusterMetrics(registry: Registry): ClusterMetrics {
  return {
    workersReady: new Gauge({ name: 'smtppolicy_workers_ready', help: 'Worker processes started and serving (serve --workers)', registers: [registry] }),
    workerRestarts: new Counter({ name: 'smtppolicy_worker_restarts_total', help: 'Workers that exited unexpectedly and were replaced', registers: [registry] }),
  };
}
