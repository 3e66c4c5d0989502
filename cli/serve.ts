// `smtppolicy serve <entry.smtppolicy | config.json>`: runs the SMTP server until SIGTERM
// or SIGINT (drain, then exit; a second one stops at once); SIGHUP reloads the config,
// the password files and the mailbox lists (queued while the server is still starting).
// With `--workers N` (N > 1) this process is the primary of a node:cluster (runtime/cluster)
// and the same command, re-run by each worker, serves the sessions.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { LevelWithSilent } from 'pino';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from './command.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { Report } from '../compiler/index.js';
import { createLogger, logDestination, LOG_LEVELS } from '../runtime/observe/index.js';
import { runWorkerProcess, startCluster } from '../runtime/cluster/index.js';
import { ensureDevCertificates, type ServerHandle, startServer, StartupError } from '../runtime/smtp/index.js';

export const OPTIONS = {
  'log-level': { type: 'string', value: 'L', default: 'info', description: 'fatal | error | warn | info | debug | trace | silent' },
  'drain-timeout': { type: 'string', value: 'S', default: '30', description: 'seconds to wait for sessions on shutdown' },
  'dev-certificate': { type: 'boolean', description: 'create self-signed certificates at the configured paths when missing' },
  workers: { type: 'string', value: 'N', default: 'cores', description: 'worker processes (default: one per core); 1 runs one process' },
} as const satisfies OptionTable;

/** More workers than this is a typo, not a deployment (each holds a copy of the policy). */
const MAX_WORKERS = 256;

export const HELP = helpText({
  usage: `Usage: smtppolicy serve <entry.smtppolicy | config.json> [--log-level info] [--drain-timeout 30] [--dev-certificate] [--workers N]

Runs the SMTP server the policy describes. With --workers N (N > 1, the default on a machine
with several cores) a primary process owns the ports, the spool, the delivery, the admin
listener and the limits, and N worker processes serve the sessions; the signals below go
to the primary, which passes them on.
Signals:
  SIGHUP           reload the policy, password files and mailbox lists (a bad policy is
                   refused and the running one kept); received while the server is still
                   starting, the reload is queued and runs once it has started
  SIGTERM, SIGINT  stop accepting, let sessions finish within the drain timeout, close the
                   rest with 421 4.3.2, then exit 0; received while starting, the drain
                   begins once the server has started
  a second SIGTERM or SIGINT
                   stop at once: the remaining sessions get 421 4.3.2 and the process exits 1
                   without waiting for the drain timeout (or for deliveries in progress:
                   they stay queued and are retried on the next start)`,
  options: OPTIONS,
  footer: `Exit status: 0 stopped after a drain, 1 the policy has errors or declares no server (or a
second stop signal cut the drain short), 2 usage or I/O error (a file that cannot be read, a
certificate or key that cannot be loaded, a port that cannot be bound).`,
});

/** The policy has errors: nothing is started (or, on reload, changed). */
class PolicyRefused extends Error {
  constructor(
    path: string,
    readonly report: Report,
  ) {
    super(`${path}: the policy has errors`);
  }

  /** The errors with their positions, for a JSON log line. */
  positions(): { file: string; line: number; column: number; ruleId: string; message: string }[] {
    return this.report.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ file: d.file, line: d.range.start.line, column: d.range.start.column, ruleId: d.ruleId, message: d.message }));
  }
}

/** After a second stop signal, how long the shutdown may take before the process exits regardless. */
const FORCED_EXIT_GRACE_MS = 2000;

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('serve needs exactly one policy or config file');
  const level = values['log-level'] as LevelWithSilent;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, found '${level}'`);
  const drainSeconds = Number(values['drain-timeout']);
  if (!Number.isFinite(drainSeconds) || drainSeconds < 0) throw new UsageError(`--drain-timeout: expected seconds, found '${values['drain-timeout']}'`);
  const workers = values.workers === 'cores' ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new UsageError(`--workers: expected a whole number from 1 to ${MAX_WORKERS}, found '${values.workers}'`);
  if (cluster.isWorker) {
    // a worker of a primary started with --workers: it gets its config from the primary.
    // It exits when told to (or when the primary is gone): an IPC channel would otherwise
    // keep it alive.
    const code = await runWorkerProcess({ logger: createLogger(level, io.stdout).child({ worker: cluster.worker!.id }) });
    process.exit(code);
  }
  // a worker never reads the policy: the compiler is loaded by the primary (or the one process) only
  const { loadPolicyOrConfig, PolicyHasErrors } = await import('./load-config.js');
  const { formatPretty } = await import('../compiler/index.js');
  const path = positionals[0]!;
  // one destination for the primary's lines and its workers' (relayed whole, never interleaved)
  const destination = logDestination(io.stdout);
  const logger = createLogger(level, destination);

  // A policy with errors is refused at start (the report on stderr, exit 1) and on reload
  // (the positions in the JSON log line: a daemon's stderr is often nowhere to be seen).
  const load = async () => {
    try {
      return await loadPolicyOrConfig(path, io.cwd);
    } catch (error) {
      if (error instanceof PolicyHasErrors) throw new PolicyRefused(path, error.report);
      throw error;
    }
  };

  // The handlers go in before anything slow (policy, certificates, password files, ports):
  // until they are, Node's default action for SIGHUP, SIGTERM and SIGINT ends the process,
  // so an operator's reload during a slow start would kill the server.
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let server: Pick<ServerHandle, 'reload' | 'drain'> | undefined;
  let reloadQueued = false;
  let stopSignal: string | undefined;
  let forced = false;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolvePromise) => (finish = resolvePromise));

  const reload = (running: NonNullable<typeof server>) => {
    void load()
      .then(({ config, baseDir }) => running.reload(config, baseDir))
      .catch((error: Error) => logger.error({
        event: 'reload-refused',
        error: error.message,
        ...(error instanceof PolicyRefused ? { diagnostics: error.positions() } : {}),
      }, 'reload refused, keeping the running configuration'));
  };
  const beginDrain = (running: NonNullable<typeof server>, signal: string) => {
    phase = 'stopping';
    logger.info({ event: 'signal', signal }, 'shutting down');
    void running.drain(drainSeconds * 1000).then(() => finish(forced ? EXIT_FINDINGS : EXIT_OK));
  };
  const onHup = () => {
    if (phase === 'starting') {
      if (!reloadQueued) logger.info({ event: 'signal', signal: 'SIGHUP', queued: true }, 'reload queued until the server has started');
      reloadQueued = true;
    } else if (phase === 'stopping') {
      logger.info({ event: 'signal', signal: 'SIGHUP', ignored: true }, 'reload ignored: the server is shutting down');
    } else {
      reload(server!);
    }
  };
  const onStop = (signal: string) => {
    if (stopSignal === undefined) {
      stopSignal = signal;
      if (phase === 'running') beginDrain(server!, signal);
      else logger.info({ event: 'signal', signal, queued: true }, 'stopping once the server has started');
      return;
    }
    if (forced) return;
    // the operator will not wait for the drain: close what is left now, and exit even if
    // a delivery in progress holds the event loop (the spool keeps its message queued)
    forced = true;
    logger.warn({ event: 'signal', signal, forced: true }, 'second stop signal: stopping now');
    if (phase !== 'stopping') process.exit(EXIT_FINDINGS);
    setTimeout(() => {
      logger.warn({ event: 'forced-exit', graceMs: FORCED_EXIT_GRACE_MS }, 'shutdown still running after the second stop signal: exiting');
      process.exit(EXIT_FINDINGS);
    }, FORCED_EXIT_GRACE_MS).unref();
    void server!.drain(0);
  };
  const onTerm = () => onStop('SIGTERM');
  const onInt = () => onStop('SIGINT');
  const removeHandlers = () => {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  logger.info({ event: 'starting', file: path, pid: process.pid, workers }, 'starting');

  try {
    const { config, baseDir } = await load();
    if (config.servers.length === 0) {
      // nothing would listen: the process would log "starting" and exit 0 as if it had served
      removeHandlers();
      io.stderr.write(`smtppolicy serve: ${path} declares no server: nothing to serve (is it an include file?)\n`);
      return EXIT_FINDINGS;
    }
    if (values['dev-certificate']) {
      for (const created of await ensureDevCertificates(config, baseDir)) logger.warn({ event: 'dev-certificate', file: created }, 'created a self-signed development certificate');
    }
    server = workers === 1
      ? await startServer(config, { baseDir, logger })
      : await startCluster(config, {
        workers, baseDir, logger, drainTimeoutMs: drainSeconds * 1000,
        writeLogLines: (line) => destination.write(line), stderr: io.stderr,
      });
  } catch (error) {
    removeHandlers();
    if (error instanceof UsageError) throw error;
    if (error instanceof PolicyRefused) {
      // problems found in the policy: exit 1, like lint and compile
      io.stderr.write(formatPretty(error.report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR }));
      io.stderr.write(`smtppolicy serve: ${error.message}\n`);
      return EXIT_FINDINGS;
    }
    // whatever else stops the start (a certificate, a password file, a port, the spool) is
    // an I/O error: exit 2, as every command's README table says
    if (!(error instanceof StartupError) && !(error instanceof Error && 'syscall' in error)) throw error;
    io.stderr.write(`smtppolicy serve: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }

  phase = 'running';
  if (stopSignal !== undefined) beginDrain(server, stopSignal);
  else if (reloadQueued) reload(server);
  const code = await finished;
  removeHandlers();
  return code;
};
