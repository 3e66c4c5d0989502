// Formatting in a worker thread. Prettier prints synchronously: a 50,000-line policy keeps a
// thread busy for seconds. On the server's own thread that would hold up every diagnostic,
// hover and completion meanwhile, and a cancelled request would still run to its end. In a
// worker the server stays responsive, and cancelling the running job terminates the worker
// (the next job starts a fresh one).
//
// The worker runs the same entry file as the server (the `smtppolicy` command, or the VS Code
// extension's bundled server), which hands control to serveFormatRequests() when
// isFormatWorker() says it runs as the worker: bundles have no separate file to start.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { CancellationToken } from 'vscode-languageserver';
import type { FormatOptions } from '../format/format.js';
import { FormattingCancelledError, inProcessFormatter, NotFormattedError, type Formatter } from './formatter.js';

const ROLE = 'smtppolicy-format-worker';

interface Job {
  id: number;
  text: string;
  options: FormatOptions;
}

type Outcome = { id: number; formatted: string } | { id: number; notFormatted: string } | { id: number; failed: string };

/** True on the worker thread started by workerFormatter(). */
export function isFormatWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === ROLE;
}

/** The worker's side: formats each job it is sent, one at a time, and posts the outcome. */
export function serveFormatRequests(): void {
  const port = parentPort;
  if (!port) throw new Error('serveFormatRequests() runs on a worker thread only');
  port.on('message', (job: Job) => {
    inProcessFormatter.format(job.text, job.options).then(
      (formatted) => port.postMessage({ id: job.id, formatted } satisfies Outcome),
      (error: unknown) =>
        port.postMessage(
          error instanceof NotFormattedError
            ? ({ id: job.id, notFormatted: error.message } satisfies Outcome)
            : ({ id: job.id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Outcome),
        ),
    );
  });
}

interface Pending extends Job {
  resolve(text: string): void;
  reject(error: Error): void;
}

/**
 * A worker thread running `entry`. Run from TypeScript source (tests, through tsx), the thread
 * needs tsx's loader registered in it first: Node 20 does not carry `--import` hooks into
 * worker threads.
 */
function startWorker(entry: URL): Worker {
  const options = { workerData: { role: ROLE } };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}

/** The server's side: formats in a worker started from `entry` (a file that calls serveFormatRequests() in the worker). */
export function workerFormatter(entry: URL): Formatter {
  let worker: Worker | undefined;
  let running: Pending | undefined;
  const queue: Pending[] = [];
  let nextId = 1;

  const start = (): Worker => {
    const started = startWorker(entry);
    // An idle worker must not keep the server alive once the client has gone.
    started.unref();
    started.on('message', (outcome: Outcome) => {
      const job = running;
      if (!job || job.id !== outcome.id) return;
      running = undefined;
      if ('formatted' in outcome) job.resolve(outcome.formatted);
      else if ('notFormatted' in outcome) job.reject(new NotFormattedError(outcome.notFormatted));
      else job.reject(new Error(outcome.failed));
      next();
    });
    const lost = (error: Error) => {
      if (worker !== started) return;
      worker = undefined;
      const job = running;
      running = undefined;
      job?.reject(error);
      next();
    };
    started.on('error', (error) => lost(new Error(`the formatting worker failed: ${error.stack ?? error.message}`)));
    started.on('exit', (code) => lost(new Error(`the formatting worker exited (code ${code})`)));
    return started;
  };

  const next = (): void => {
    if (running) return;
    const job = queue.shift();
    if (!job) return;
    running = job;
    worker ??= start();
    worker.postMessage({ id: job.id, text: job.text, options: job.options } satisfies Job);
  };

  const cancel = (job: Pending): void => {
    const queued = queue.indexOf(job);
    if (queued >= 0) queue.splice(queued, 1);
    else if (running === job) {
      // The only way to stop prettier mid-print: end the thread; the next job starts another.
      running = undefined;
      const stopping = worker;
      worker = undefined;
      void stopping?.terminate();
    } else return;
    job.reject(new FormattingCancelledError());
    next();
  };

  return {
    format(text: string, options: FormatOptions, token?: CancellationToken): Promise<string> {
      if (token?.isCancellationRequested) return Promise.reject(new FormattingCancelledError());
      return new Promise<string>((resolve, reject) => {
        const job: Pending = { id: nextId++, text, options, resolve, reject };
        const subscription = token?.onCancellationRequested(() => cancel(job));
        job.resolve = (formatted) => {
          subscription?.dispose();
          resolve(formatted);
        };
        job.reject = (error) => {
          subscription?.dispose();
          reject(error);
        };
        queue.push(job);
        next();
      });
    },
    dispose() {
      for (const job of queue.splice(0)) job.reject(new FormattingCancelledError());
      const stopping = worker;
      worker = undefined;
      running?.reject(new FormattingCancelledError());
      running = undefined;
      void stopping?.terminate();
    },
  };
}
