// `smtppolicy queue list | show <id> | retry <id|all> | delete <id>` — like postqueue -p and
// postsuper: inspect and manage the spool, safe while the server runs. `retry` leaves a
// request in the spool's control/ folder that the running worker takes within its poll
// interval (or the next worker to start); `delete` removes the envelope first, so the message
// disappears at once and a delivery in flight is not recorded.
import { access } from 'node:fs/promises';
import { resolve, extname } from 'node:path';
import { isSpoolId, readQueue, readQueueEntry, Spool } from '../runtime/delivery/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { CliIo, Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { formatQueueEntry, formatQueueTable } from './queue-format.js';

export const OPTIONS = {
  spool: { type: 'string', value: 'DIR', description: 'the spool directory (instead of a policy or config file)' },
  format: { type: 'string', value: 'table|json', default: 'table', description: 'output format' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy queue <list | show <id> | retry <id|all> | delete <id>>
                        [--spool DIR | <entry.smtppolicy | config.json>] [--format table|json]

Shows and manages the messages waiting in the spool (like postqueue -p and postsuper).
Safe while 'smtppolicy serve' runs: retry asks the running server to try again now.`,
  options: OPTIONS,
});

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (values.format !== 'table' && values.format !== 'json') throw new UsageError(`--format must be table or json, not ${values.format}`);
  const [action, ...rest] = positionals;
  const needsId = action === 'show' || action === 'retry' || action === 'delete';
  if (action !== 'list' && !needsId) throw new UsageError('expected list, show <id>, retry <id|all> or delete <id>');
  const id = needsId ? rest.shift() : undefined;
  if (needsId && id === undefined) throw new UsageError(`${action} needs a queue id${action === 'retry' ? " or 'all'" : ''}`);
  if (id !== undefined && !isSpoolId(id) && !(action === 'retry' && id === 'all')) throw new UsageError(`not a queue id: ${id}`);
  const spool = await locateSpool(values.spool, rest, io);
  const json = values.format === 'json';

  switch (action) {
    case 'list': {
      const entries = await readQueue(spool);
      io.stdout.write(json ? `${JSON.stringify(entries, null, 2)}\n` : formatQueueTable(entries));
      return EXIT_OK;
    }
    case 'show': {
      const entry = await readQueueEntry(spool, id!);
      if (!entry) return notFound(io, id!);
      io.stdout.write(json ? `${JSON.stringify(entry, null, 2)}\n` : formatQueueEntry(entry));
      return EXIT_OK;
    }
    case 'retry': {
      if (id !== 'all' && !(await spool.has(id!))) return notFound(io, id!);
      await spool.requestRetry(id!);
      io.stdout.write(json ? `${JSON.stringify({ retry: id })}\n` : `retry requested for ${id === 'all' ? 'every queued message' : id}\n`);
      return EXIT_OK;
    }
    default: {
      if (!(await spool.remove(id!))) return notFound(io, id!);
      io.stdout.write(json ? `${JSON.stringify({ deleted: id })}\n` : `deleted ${id}\n`);
      return EXIT_OK;
    }
  }
};

function notFound(io: CliIo, id: string): number {
  io.stderr.write(`smtppolicy queue: no message ${id} in the queue\n`);
  return EXIT_FINDINGS;
}

/** The spool from --spool, or from the storage.spool of a policy or runtime config. */
async function locateSpool(option: string | undefined, positionals: string[], io: CliIo): Promise<Spool> {
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  const file = positionals[0];
  if (option !== undefined && file !== undefined) throw new UsageError('give either --spool DIR or a config file, not both');
  let dir: string;
  if (option !== undefined) dir = resolve(io.cwd, option);
  else if (file !== undefined) dir = await spoolOfConfig(resolve(io.cwd, file));
  else throw new UsageError('say which spool: --spool DIR, or the policy or config file the server runs');
  const spool = new Spool(dir);
  try {
    await access(spool.queueDir);
  } catch {
    throw new UsageError(`no spool at ${dir} (expected ${spool.queueDir}; the server creates it on start)`);
  }
  return spool;
}

async function spoolOfConfig(path: string): Promise<string> {
  if (extname(path) === '.json') {
    const { loadRuntimeConfig } = await import('../runtime/config/index.js');
    try {
      const { config, baseDir } = await loadRuntimeConfig(path);
      return resolve(baseDir, config.storage.spool);
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
  const { compileToRuntimeConfig, hasErrors } = await import('../compiler/index.js');
  let compiled: Awaited<ReturnType<typeof compileToRuntimeConfig>>;
  try {
    compiled = await compileToRuntimeConfig(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const { config, baseDir, diagnostics } = compiled;
  if (hasErrors(diagnostics)) throw new UsageError(`${path} has errors; run 'smtppolicy lint ${path}'`);
  return resolve(baseDir, config.storage.spool);
}
