// `smtppolicy serve <entry.smtppolicy | config.json>`: runs the SMTP server until SIGTERM
// or SIGINT (drain, then exit); SIGHUP reloads the config and the password files.
import type { LevelWithSilent } from 'pino';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from './command.js';
import { parseCommandArgs } from './args.js';
import { loadPolicyOrConfig, PolicyHasErrors } from './load-config.js';
import { formatPretty } from '../compiler/report/pretty.js';
import { createLogger, LOG_LEVELS } from '../runtime/observe/logger.js';
import { startServer, StartupError } from '../runtime/smtp/start-server.js';
import { ensureDevCertificates } from '../runtime/smtp/dev-certificate.js';

export const HELP = `Usage: smtppolicy serve <entry.smtppolicy | config.json> [--log-level info] [--drain-timeout 30s] [--dev-certificate]

Runs the SMTP server the policy describes. SIGHUP reloads the policy (a bad one is refused
and the running one kept); SIGTERM/SIGINT stop accepting, let sessions finish within the
drain timeout, then exit.
  --log-level        fatal | error | warn | info | debug | trace | silent (default info)
  --drain-timeout    seconds to wait for sessions on shutdown (default 30)
  --dev-certificate  create self-signed certificates at the configured paths when missing
`;

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {
    'log-level': { type: 'string', default: 'info' },
    'drain-timeout': { type: 'string', default: '30' },
    'dev-certificate': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('serve needs exactly one policy or config file');
  const level = values['log-level'] as LevelWithSilent;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, found '${level}'`);
  const drainSeconds = Number(values['drain-timeout']);
  if (!Number.isFinite(drainSeconds) || drainSeconds < 0) throw new UsageError(`--drain-timeout: expected seconds, found '${values['drain-timeout']}'`);
  const path = positionals[0]!;
  const logger = createLogger(level, io.stdout);

  const load = async () => {
    try {
      return await loadPolicyOrConfig(path, io.cwd);
    } catch (error) {
      if (error instanceof PolicyHasErrors) {
        io.stderr.write(formatPretty(error.report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR }));
        throw new StartupError(`${path}: the policy has errors`);
      }
      throw error;
    }
  };

  let handle;
  try {
    const { config, baseDir } = await load();
    if (values['dev-certificate']) {
      for (const created of await ensureDevCertificates(config, baseDir)) logger.warn({ event: 'dev-certificate', file: created }, 'created a self-signed development certificate');
    }
    handle = await startServer(config, { baseDir, logger });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`smtppolicy serve: ${(error as Error).message}\n`);
    return error instanceof StartupError ? EXIT_FINDINGS : EXIT_USAGE;
  }
  const server = handle;

  return new Promise<number>((resolvePromise) => {
    let stopping = false;
    const onHup = () => {
      void load()
        .then(({ config, baseDir }) => server.reload(config, baseDir))
        .catch((error: Error) => logger.error({ event: 'reload-refused', error: error.message }, 'reload refused, keeping the running configuration'));
    };
    const onStop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ event: 'signal', signal }, 'shutting down');
      void server.drain(drainSeconds * 1000).then(() => {
        process.off('SIGHUP', onHup);
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        resolvePromise(EXIT_OK);
      });
    };
    const onTerm = () => onStop('SIGTERM');
    const onInt = () => onStop('SIGINT');
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
};
