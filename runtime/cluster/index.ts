// runtime/cluster's entry point for the CLI: `serve --workers N` (the primary, and what a
// worker process runs).
export { startCluster, type ClusterHandle, type ClusterOptions } from './primary.js';
export { runWorkerProcess, type WorkerProcessOptions } from './worker-process.js';
