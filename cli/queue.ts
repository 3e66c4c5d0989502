// `smtppolicy queue list | show | hold | release | delete | requeue`: like postqueue -p,
// postcat and postsuper, the mail waiting in the spool, safe while the server runs.
//
// An action on messages goes to the server running on the spool, through its control socket
// (runtime/delivery/queue-control.ts): the delivery worker applies it in turn with its own
// deliveries, so an action never races a delivery. When no server runs on the spool the
// command changes the spool itself (nothing else does then). Listing and showing only read.
import { access } from 'node:fs/promises';
import { resolve, extname } from 'node:path';
import {
  askQueueControl,
  deleteMessage,
  holdMessage,
  isSpoolId,
  readQueue,
  readQueuedMessage,
  readQueueEntry,
  releaseMessage,
  requeueOutcome,
  Spool,
  QueueControlError,
  type QueueAction,
  type QueueActionResult,
} from '../runtime/delivery/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { CliIo, Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './command.js';
import { formatActionResults, formatQueueTable, formatShown, MESSAGE_PARTS, shownAsJson, type MessagePart } from './queue-format.js';
import { hasFilters, parseAge, selectEntries, type QueueFilters } from './queue-select.js';

export const OPTIONS = {
  spool: { type: 'string', value: 'DIR', description: 'the spool directory (instead of a policy or config file)' },
  format: { type: 'string', value: 'table|json', default: 'table', choices: ['table', 'json'], description: 'output format' },
  sender: { type: 'string', value: 'ADDR', description: "only messages from this envelope sender ('<>': bounces)" },
  recipient: { type: 'string', value: 'ADDR', description: 'only messages with this recipient still waiting' },
  domain: { type: 'string', value: 'DOMAIN', description: 'only messages with a recipient in this domain still waiting' },
  'older-than': { type: 'string', value: 'AGE', description: 'only messages that arrived at least AGE ago (90s, 30m, 2h, 5d)' },
  part: { type: 'string', value: 'all|envelope|headers|body', default: 'all', choices: MESSAGE_PARTS, description: 'show: what to print (like postcat -e, -h, -b)' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy queue list [filters]
       smtppolicy queue show <id> [--part all|envelope|headers|body]
       smtppolicy queue hold | release | delete | requeue <id...|all> [filters]
       smtppolicy queue hold | release | delete | requeue [filters]
                        ... [--spool DIR | <entry.smtppolicy | config.json>] [--format table|json]

Shows and manages the messages waiting in the spool (like postqueue -p, postcat, postsuper).
  list      the queue (held messages marked !)
  show      one message: its envelope and delivery state, then the message as received
  hold      no delivery attempt until released (an attempt under way finishes first)
  release   lift a hold: recipients are tried when their retry is due (at once if it is)
  delete    remove without delivering and without a DSN
  requeue   try now instead of at the next retry (retry is another name for it)
Filters (--sender, --recipient, --domain, --older-than) select the messages all of them match.
Safe while 'smtppolicy serve' runs: actions go to the server, which applies each after a
delivery of that message in progress and before any other.`,
  options: OPTIONS,
  footer: `Exit status: 0 done, 1 a message named by its id is not in the queue, 2 usage or I/O error.`,
});

const ACTIONS: Record<string, QueueAction> = { hold: 'hold', release: 'release', delete: 'delete', requeue: 'requeue', retry: 'requeue' };

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  const [command, ...rest] = positionals;
  const filters: QueueFilters = {
    sender: values.sender,
    recipient: values.recipient,
    domain: values.domain,
    olderThanMs: values['older-than'] === undefined ? undefined : parseAge(values['older-than']),
  };
  const json = values.format === 'json';
  const action = command === undefined ? undefined : ACTIONS[command];
  if (command === 'list') {
    const spool = await locateSpool(values.spool, rest, io);
    const entries = selectEntries(await readQueue(spool), filters, Date.now());
    io.stdout.write(json ? `${JSON.stringify(entries, null, 2)}\n` : formatQueueTable(entries));
    return EXIT_OK;
  }
  if (command === 'show') {
    const id = rest.shift();
    if (id === undefined) throw new UsageError('show needs a queue id');
    if (!isSpoolId(id)) throw new UsageError(`not a queue id: ${id}`);
    if (hasFilters(filters)) throw new UsageError('show takes one queue id, not filters');
    const spool = await locateSpool(values.spool, rest, io);
    return show(spool, id, values.part, json, io);
  }
  if (action === undefined) throw new UsageError('expected list, show, hold, release, delete or requeue');
  // ids (or `all`) come first, then at most one policy or config file
  const ids: string[] = [];
  while (rest.length > 0 && (isSpoolId(rest[0]!) || rest[0] === 'all')) ids.push(rest.shift()!);
  if (rest.length > 0 && ids.length === 0 && !/[./]/.test(rest[0]!)) throw new UsageError(`not a queue id: ${rest[0]}`);
  if (ids.includes('all') && ids.length > 1) throw new UsageError("give queue ids or 'all', not both");
  const named = ids.filter((id) => id !== 'all');
  if (named.length > 0 && hasFilters(filters)) throw new UsageError('give queue ids or filters, not both');
  if (ids.length === 0 && !hasFilters(filters)) throw new UsageError(`${command} needs queue ids, 'all', or a filter (--sender, --recipient, --domain, --older-than)`);
  const spool = await locateSpool(values.spool, rest, io);
  const selected = named.length > 0 ? named : selectEntries(await readQueue(spool), filters, Date.now()).map((e) => e.id);
  let answered: QueueActionResult[] | null;
  try {
    answered = await askQueueControl(spool.dir, { action, ids: selected });
  } catch (error) {
    // the server runs but cannot be asked (another user's socket, a server that stopped
    // mid-request): acting on the spool behind its back could race its deliveries
    if (!(error instanceof QueueControlError)) throw error;
    io.stderr.write(`smtppolicy queue: ${error.message} ('queue list' shows what was done)\n`);
    return EXIT_USAGE;
  }
  const via = answered ? 'server' : 'spool';
  const results = answered ?? (await applyWithoutServer(spool, action, selected));
  io.stdout.write(json ? `${JSON.stringify({ action, via, results }, null, 2)}\n` : formatActionResults(results, via));
  const missing = results.filter((r) => r.outcome === 'not-found');
  for (const r of missing) io.stderr.write(`smtppolicy queue: no message ${r.id} in the queue${named.length > 0 ? '' : ' (it left while the command ran)'}\n`);
  return named.length > 0 && missing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
};

async function show(spool: Spool, id: string, part: MessagePart, json: boolean, io: CliIo): Promise<number> {
  const entry = await readQueueEntry(spool, id);
  const bytes = entry && (await readQueuedMessage(spool, id));
  if (!entry || !bytes) return notFound(io, id);
  if (json) io.stdout.write(`${JSON.stringify(shownAsJson(entry, bytes, part), null, 2)}\n`);
  else for (const chunk of formatShown(entry, bytes, part)) io.stdout.write(chunk);
  return EXIT_OK;
}

/** No server runs on the spool: nothing delivers, and the command may change the spool itself. */
async function applyWithoutServer(spool: Spool, action: QueueAction, ids: string[]): Promise<QueueActionResult[]> {
  const results: QueueActionResult[] = [];
  for (const id of ids) {
    let outcome: QueueActionResult['outcome'];
    if (action === 'hold') outcome = await holdMessage(spool, id, new Date());
    else if (action === 'release') outcome = await releaseMessage(spool, id);
    else if (action === 'delete') outcome = await deleteMessage(spool, id);
    else {
      outcome = await requeueOutcome(spool, id);
      // taken by the next server to start on this spool
      if (outcome === 'requeued') await spool.requestRetry(id);
    }
    results.push({ id, outcome });
  }
  return results;
}

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
