// The delivery worker: takes committed messages from the spool, delivers each recipient
// (Maildir for local; for relay the smart host, or each domain's MX with `relay-to direct`),
// records every outcome in state/<id>.json before acting on it further, retries temporary
// failures with backoff, bounces permanent or expired ones with a DSN, and removes a message
// only when every recipient is delivered or bounced.
//
// Guarantees: at-least-once. A recipient recorded as delivered is never tried again; one
// delivered but not yet recorded when the process dies (the messages in flight, at most
// `maxInFlight`: the local plus the relay concurrency) is delivered again after the restart.
// A message whose every recipient is delivered in one attempt is removed without writing
// its state first: the removal is the record, and until it is durable the message is one
// of those in flight.
//
// How messages reach it (issue 19): the spool signals each message it commits, with its
// envelope and bytes (Spool.onStored), so a fresh message starts without a look at the
// disk; a scan of the spool, every `pollIntervalMs` and when asked, finds retries that
// are due, messages left by a restart, and `smtppolicy queue retry` requests in control/.
//
// Operator actions (`smtppolicy queue hold | release | delete | requeue`, through the control
// socket: queue-control.ts) are applied here, by the one owner of the messages: an action on
// a message waits for a delivery attempt of it in progress (whose outcome is recorded as
// usual), and no attempt of that message starts until the action is done. So a hold is
// never overwritten by the record of an attempt, a delivered recipient is never tried again,
// and a deleted message is not delivered after its deletion.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { RuntimeConfig, ServerConfig } from '../config/types.js';
import { initialState, type AttemptError, type DeliveryState, type RecipientState } from './delivery-state.js';
import { buildDsn, readHeaderSection } from './dsn.js';
import { MaildirWriter } from './maildir.js';
import { DispatchQueue, type DestinationKind, type Pending } from './dispatch-queue.js';
import { mailboxPathFor } from './mailbox-path.js';
import { DEFAULT_MAX_QUEUE_LIFETIME_MS, DEFAULT_RETRY_SCHEDULE, retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import { readSmarthostPassword, SmarthostPool, type RecipientOutcome, type SmarthostTls } from './smarthost.js';
import { domainOf, MxDelivery, routeFor } from './mx-delivery.js';
import { MtaSts } from './mta-sts.js';
import { createDnsResolver } from '../dns/dns-resolver.js';
import { readMessageFile, type MessageFile, type Spool, type SpoolEnvelope, type StoredEnvelope, type StoredMessage } from './spool.js';
import { isErrno } from './fs-durable.js';
import { deleteMessage, holdMessage, releaseMessage, requeueOutcome, type QueueActionOutcome } from './queue-actions.js';
import type { QueueActionResult, QueueControlRequest } from './queue-control.js';

/** The subset of pino's Logger the worker uses (a pino logger fits). */
export interface DeliveryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the worker reports for monitoring; `serve` feeds it to its Prometheus metrics. */
export interface DeliveryMetrics {
  outcome(route: Route, outcome: 'delivered' | 'deferred' | 'failed' | 'held'): void;
  /** One Maildir write (local) or one smart-host transaction (relay), however many recipients it carried. */
  attempt(route: Route, seconds: number): void;
  dsnQueued(): void;
}

type Route = RecipientState['route'];

const NO_METRICS: DeliveryMetrics = { outcome() {}, attempt() {}, dsnQueued() {} };

export interface DeliveryWorkerOptions {
  spool: Spool;
  config: RuntimeConfig;
  /** The directory relative config paths (storage.maildir, password files) are read against. */
  baseDir: string;
  logger: DeliveryLogger;
  now?: () => number;
  retry?: RetrySchedule;
  /** Temporary failures older than this (since arrival) are bounced; default 5 days. */
  maxQueueLifetimeMs?: number;
  /** How often the spool and its control/ folder are looked at; default 1000 ms. */
  pollIntervalMs?: number;
  /** Messages delivered at the same time, by destination; default DEFAULT_CONCURRENCY. */
  concurrency?: Partial<Concurrency>;
  /** Where `{ env: NAME }` smart-host passwords are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** SMTP timeouts towards the smart host; default 60 s. */
  smarthostTimeoutMs?: number;
  smarthostTls?: SmarthostTls;
  /** SMTP timeouts towards MX hosts (`relay-to direct`); default 60 s. */
  mxTimeoutMs?: number;
  /**
   * Trusted CA certificates instead of Node's roots for what MTA-STS checks (the policy's
   * HTTPS server, an enforced MX host's certificate). Tests only: no policy or command
   * line reaches it.
   */
  mtaStsTls?: SmarthostTls;
  random?: () => number;
  metrics?: DeliveryMetrics;
}

export interface DeliveryWorker {
  /** Stops taking messages, waits for the ones in flight, closes smart-host connections. */
  stop(): Promise<void>;
  /**
   * Asks for a look at the spool soon: now, unless one ran less than `pollIntervalMs` ago.
   * (serve calls it after each accepted message; the spool's stored signal has already
   * started that message, so a scan per message would only cost a directory listing.)
   */
  kick(): void;
  /** A reloaded config: held messages are looked at again, new smart-host settings apply. */
  updateConfig(config: RuntimeConfig, baseDir?: string): void;
  /** Applies an operator's action to each message, in turn with any delivery of it (see the header). */
  control(request: QueueControlRequest): Promise<QueueActionResult[]>;
}

export const HOLD_REASON = 'no smart host configured (relay-to hold)';

export interface Concurrency {
  /** Maildir deliveries at once: each a write and an fsync; more in flight share more directory fsyncs. */
  local: number;
  /** Messages with a relayed recipient at once: each may hold a smart-host connection for a whole timeout. */
  relay: number;
  /** With `relay-to direct`: transactions at once to one recipient domain (or route host). */
  perDestination: number;
}

export const DEFAULT_CONCURRENCY: Concurrency = { local: 16, relay: 4, perDestination: 2 };

/** The most messages in flight with the default concurrency: also the most a crash can deliver twice. */
export const DEFAULT_MAX_IN_FLIGHT = DEFAULT_CONCURRENCY.local + DEFAULT_CONCURRENCY.relay;

/** Handed-over message bytes kept in memory while they wait for a slot. */
const HELD_BYTES = 16 * 1024 * 1024;
/** Messages a scan queues at most; when they have started, the next scan follows at once. */
const SCAN_BATCH = 1000;
/** Messages one operator request acts on at once (each a state file write or a removal). */
const CONTROL_CONCURRENCY = 16;
/**
 * How long a message the operator held or deleted is remembered as such: the intake's stored
 * signal and a scan both carry an envelope read before the action, and must not start that
 * message from it. The signal comes within the accept() that committed the message and a
 * scan reads one envelope at a time, so this only needs to outlast one accept or one read.
 * A held message is also left to its state file after this (its due time is null).
 */
const ACTED_ON_MEMORY_MS = 60_000;

/** The log line of each operator action that changed a message. */
const OPERATOR_LOG: Partial<Record<QueueActionOutcome, { event: string; msg: string }>> = {
  held: { event: 'queue-held', msg: 'queue: held by the operator' },
  released: { event: 'queue-released', msg: 'queue: released by the operator' },
  deleted: { event: 'queue-deleted', msg: 'queue: deleted by the operator (no DSN)' },
  requeued: { event: 'queue-requeued', msg: 'queue: requeued by the operator, tried now' },
};

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const worker = new Worker(options);
  worker.start();
  return {
    stop: () => worker.stop(),
    kick: () => worker.kick(),
    updateConfig: (config, baseDir) => worker.updateConfig(config, baseDir),
    control: (request) => worker.control(request),
  };
}

export { initialState };

type Force = 'all' | 'held';

class Worker {
  private config: RuntimeConfig;
  private baseDir: string;
  private readonly spool: Spool;
  private readonly logger: DeliveryLogger;
  private readonly now: () => number;
  private readonly retry: RetrySchedule;
  private readonly maxLifetimeMs: number;
  private readonly pollIntervalMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly random: () => number;
  private readonly metrics: DeliveryMetrics;
  private readonly smarthosts: SmarthostPool;
  private readonly options: DeliveryWorkerOptions;
  /** Direct delivery, built from the config's resolver (again on reload). */
  private mx: MxDelivery;
  private readonly maildirs = new MaildirWriter();
  private readonly queue: DispatchQueue;
  /** Next time each queued message has something due; null = only held recipients. */
  private readonly due = new Map<string, number | null>();
  private readonly forced = new Map<string, Force>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Relayed messages running per destination (a route's host, or a domain with `relay-to direct`). */
  private readonly destinationsBusy = new Map<string, number>();
  private readonly perDestination: number;
  /** Operator actions running or waiting, by message: while one is here the message does not start. */
  private readonly operatorLocks = new Map<string, Promise<unknown>>();
  /** Messages the operator held or deleted, and when (performance.now()): not started from the intake's signal or a scan that read them before (see ACTED_ON_MEMORY_MS). */
  private readonly actedOn = new Map<string, number>();
  private revisitHeld = true;
  private timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires (performance.now()), so that an earlier request can replace it. */
  private timerAt = Infinity;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private lastScanAt = -Infinity;
  /** The last scan stopped at SCAN_BATCH messages: scan again as soon as they have started. */
  private scanCut = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(options: DeliveryWorkerOptions) {
    this.config = options.config;
    this.baseDir = options.baseDir;
    this.spool = options.spool;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? DEFAULT_RETRY_SCHEDULE;
    this.maxLifetimeMs = options.maxQueueLifetimeMs ?? DEFAULT_MAX_QUEUE_LIFETIME_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.env = options.env ?? process.env;
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics ?? NO_METRICS;
    this.smarthosts = new SmarthostPool({ tls: options.smarthostTls, timeoutMs: options.smarthostTimeoutMs });
    this.options = options;
    this.mx = this.buildMxDelivery(options.config);
    const concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
    this.perDestination = concurrency.perDestination;
    this.queue = new DispatchQueue({ local: concurrency.local, relay: concurrency.relay, heldBytes: HELD_BYTES });
    this.unsubscribe = this.spool.onStored((message) => this.stored(message));
  }

  start(): void {
    this.scanIn(0);
  }

  kick(): void {
    this.scanIn(this.lastScanAt + this.pollIntervalMs - performance.now());
  }

  updateConfig(config: RuntimeConfig, baseDir?: string): void {
    this.config = config;
    if (baseDir !== undefined) this.baseDir = baseDir;
    this.smarthosts.close();
    this.mx = this.buildMxDelivery(config);
    this.revisitHeld = true;
    this.scanIn(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await Promise.allSettled([...this.inFlight.values()]);
    this.smarthosts.close();
  }

  async control({ action, ids }: QueueControlRequest): Promise<QueueActionResult[]> {
    if (this.stopped) throw new Error('the server is stopping');
    const results: QueueActionResult[] = new Array<QueueActionResult>(ids.length);
    let next = 0;
    const lane = async () => {
      while (next < ids.length) {
        const i = next++;
        results[i] = { id: ids[i]!, outcome: await this.act(action, ids[i]!) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONTROL_CONCURRENCY, ids.length) }, lane));
    if (results.some((r) => r.outcome === 'released' || r.outcome === 'requeued')) this.scanIn(0);
    return results;
  }

  private async act(action: QueueControlRequest['action'], id: string): Promise<QueueActionOutcome> {
    if (action === 'requeue') {
      // nothing to wait for: the next scan forces an attempt unless the message is held
      const outcome = await requeueOutcome(this.spool, id);
      if (outcome === 'requeued') {
        this.forced.set(id, 'all');
        this.logOperator(id, outcome);
      }
      return outcome;
    }
    return this.exclusive(id, async () => {
      let outcome: QueueActionOutcome;
      if (action === 'hold') outcome = await holdMessage(this.spool, id, new Date(this.now()));
      else if (action === 'release') outcome = await releaseMessage(this.spool, id);
      else outcome = await deleteMessage(this.spool, id);
      if (outcome === 'held' || outcome === 'already-held' || outcome === 'deleted') {
        this.actedOn.set(id, performance.now());
        this.forced.delete(id);
        if (outcome === 'deleted') this.due.delete(id);
        else this.due.set(id, null);
      }
      if (outcome === 'released') {
        this.actedOn.delete(id);
        this.due.delete(id); // the next scan reads its state: recipients whose retry is due are tried
      }
      this.logOperator(id, outcome);
      return outcome;
    });
  }

  /**
   * Runs `act` on the message once a delivery attempt of it in progress has ended and the
   * operator's earlier actions on it are done; no attempt of it starts meanwhile (begin()
   * and the scan look at operatorLocks), and an entry waiting for a slot is withdrawn.
   */
  private async exclusive<T>(id: string, act: () => Promise<T>): Promise<T> {
    const before = this.operatorLocks.get(id) ?? Promise.resolve();
    const mine = before.then(async () => {
      await this.inFlight.get(id);
      // not running now, and nothing starts it while the lock is held: a queue entry is a waiting one
      this.queue.withdraw(id);
      return act();
    });
    const tail = mine.catch(() => undefined);
    this.operatorLocks.set(id, tail);
    try {
      return await mine;
    } finally {
      if (this.operatorLocks.get(id) === tail) this.operatorLocks.delete(id);
    }
  }

  private logOperator(id: string, outcome: QueueActionOutcome): void {
    const line = OPERATOR_LOG[outcome];
    if (line) this.logger.info({ event: line.event, queueId: id }, line.msg);
  }

  private buildMxDelivery(config: RuntimeConfig): MxDelivery {
    const resolver = createDnsResolver(config.resolver);
    const ca = this.options.mtaStsTls?.ca;
    return new MxDelivery({
      resolver,
      mtaSts: new MtaSts({ resolver, now: this.now, ...(ca !== undefined ? { ca } : {}) }),
      perDestination: this.options.concurrency?.perDestination ?? DEFAULT_CONCURRENCY.perDestination,
      ...(this.options.mxTimeoutMs !== undefined ? { timeoutMs: this.options.mxTimeoutMs } : {}),
      ...(ca !== undefined ? { ca } : {}),
      random: this.random,
      onStsNote: (domain, note) => this.logger.warn({ event: 'mta-sts-unavailable', domain, note }, 'delivery: MTA-STS policy not used as published'),
    });
  }

  /** The intake committed a message: it is due now, and everything needed to start it is at hand. */
  private stored(message: StoredMessage): void {
    if (this.stopped) return;
    const { id } = message.envelope;
    if (this.operatorLocks.has(id) || this.actedOn.has(id)) {
      // an operator got to it between its commit and this signal: the disk says what is left
      this.scanIn(0);
      return;
    }
    this.queue.add({ id: message.envelope.id, envelope: message.envelope, bytes: message.bytes, mayHaveState: false });
    this.startWaiting();
  }

  /** Schedules a scan in `delayMs` (at once when ≤ 0), unless one is due sooner. */
  private scanIn(delayMs: number): void {
    if (this.stopped) return;
    if (this.scanning) {
      if (delayMs <= 0) this.rescan = true;
      return;
    }
    const at = performance.now() + Math.max(0, delayMs);
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.runScan(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private runScan(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    this.lastScanAt = performance.now();
    this.scanning = this.scan()
      .catch((error: unknown) => this.logger.error({ event: 'spool-scan-failed', err: error, spool: this.spool.dir }, 'delivery: scanning the spool failed'))
      .finally(() => {
        this.scanning = null;
        if (this.stopped) return;
        const again = this.rescan;
        this.rescan = false;
        this.scanIn(again ? 0 : this.pollIntervalMs);
      });
  }

  /** Queues every message with something due (or forced), up to SCAN_BATCH, then starts what has a slot. */
  private async scan(): Promise<void> {
    for (const request of await this.spool.takeRetryRequests()) {
      if (request === 'all') for (const id of await this.spool.ids()) this.forced.set(id, 'all');
      else this.forced.set(request, 'all');
    }
    const ids = await this.spool.ids();
    const present = new Set(ids);
    for (const id of this.due.keys()) if (!present.has(id)) this.due.delete(id);
    for (const id of this.forced.keys()) if (!present.has(id)) this.forced.delete(id);
    const forgetBefore = performance.now() - ACTED_ON_MEMORY_MS;
    for (const [id, at] of this.actedOn) if (at < forgetBefore) this.actedOn.delete(id);
    if (this.revisitHeld) {
      this.revisitHeld = false;
      for (const id of ids) if (!this.forced.has(id)) this.forced.set(id, 'held');
    }
    const now = this.now();
    let queued = 0;
    this.scanCut = false;
    for (const id of ids) {
      if (this.stopped) return;
      if (this.queue.has(id)) continue;
      const force = this.forced.get(id);
      const due = this.due.get(id);
      if (force === undefined && due !== undefined && (due === null || due > now)) continue;
      if (queued >= SCAN_BATCH) {
        this.scanCut = true;
        break;
      }
      let envelope: StoredEnvelope;
      try {
        envelope = await this.spool.readEnvelope(id);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) continue; // delivered or deleted meanwhile
        throw error;
      }
      // the await above let the intake, a finished delivery or an operator in: look again
      // (a message held or deleted meanwhile is in actedOn: its envelope read above may be
      // that of a message that no longer exists)
      if (this.stopped || this.queue.has(id) || this.operatorLocks.has(id) || this.actedOn.has(id)) continue;
      // read again: a requeue may have asked for an attempt during the await, and taking
      // the request away without passing it on would lose it
      const forcedNow = this.forced.get(id);
      this.forced.delete(id);
      this.queue.add({ id, envelope, bytes: null, mayHaveState: true, force: forcedNow });
      queued += 1;
    }
    this.startWaiting();
  }

  /** Starts every waiting message that has a free slot of its kind. */
  private startWaiting(): void {
    if (this.stopped) return;
    for (const { pending, kind } of this.queue.startable((p) => this.hasRoom(p))) this.begin(pending, kind);
    if (this.scanCut && this.queue.waiting === 0) this.scanIn(0);
  }

  private begin(pending: Pending, kind: DestinationKind): void {
    const { id } = pending;
    if (this.operatorLocks.has(id)) {
      // an operator acts on it now: let the action finish; a scan then finds what is left
      this.queue.finished(id, kind);
      return;
    }
    const destinations = pending.destinations ?? [];
    for (const d of destinations) this.destinationsBusy.set(d, (this.destinationsBusy.get(d) ?? 0) + 1);
    const run = this.process(pending)
      .catch((error: unknown) => {
        // Unexpected (e.g. the spool became unreadable): try again later, never drop the message.
        this.logger.error({ event: 'delivery-error', err: error, queueId: id }, 'delivery: processing failed; will retry');
        this.due.set(id, this.now() + this.retry.initialMs);
      })
      .finally(() => {
        for (const d of destinations) {
          const busy = this.destinationsBusy.get(d)! - 1;
          if (busy === 0) this.destinationsBusy.delete(d);
          else this.destinationsBusy.set(d, busy);
        }
        this.inFlight.delete(id);
        this.queue.finished(id, kind);
        this.startWaiting();
      });
    this.inFlight.set(id, run);
  }

  /**
   * Whether a waiting message may take a slot now: a relayed one only when one of its
   * destinations is below its concurrency (MxDelivery's limit), else it would hold a relay
   * slot while it waits for that destination (dispatch-queue.ts).
   */
  private hasRoom(pending: Pending): boolean {
    pending.destinations ??= this.destinationsOf(pending.envelope);
    return pending.destinations.length === 0 || pending.destinations.some((d) => (this.destinationsBusy.get(d) ?? 0) < this.perDestination);
  }

  /** Where its relayed recipients go under MxDelivery's limit: route hosts, and domains with `relay-to direct`; none for a smart host. */
  private destinationsOf(envelope: StoredEnvelope): string[] {
    const server = this.config.servers.find((s) => s.name === envelope.server);
    if (!server) return [];
    const routes = server.routes ?? [];
    const found = new Set<string>();
    for (const r of envelope.recipients) {
      if (r.route !== 'relay') continue;
      const domain = domainOf(r.address);
      const route = routeFor(routes, domain);
      if (route) found.add(`[${route.host}]:${route.port}`);
      else if (server.relayTo.kind === 'direct') found.add(domain);
    }
    return [...found];
  }

  private async process(pending: Pending): Promise<void> {
    const { id, envelope, force } = pending;
    const stored = pending.mayHaveState ? await this.spool.readState(id) : null;
    const state = stored ?? initialState(envelope);
    let stateOnDisk = stored !== null;
    if (state.operatorHold) {
      this.due.set(id, null); // until `queue release`
      return;
    }
    const now = this.now();
    const server = this.config.servers.find((s) => s.name === envelope.server);
    const dueRecipients = state.recipients.filter(
      (r) =>
        r.status === 'pending' &&
        (force === 'all' || (r.nextAttemptAt === null ? force === 'held' : Date.parse(r.nextAttemptAt) <= now)),
    );
    if (dueRecipients.length > 0) {
      const outcomes = await this.attempt(envelope, dueRecipients, server, pending.bytes);
      const attemptedAt = new Date(this.now()).toISOString();
      for (const recipient of dueRecipients) {
        const outcome = outcomes.get(recipient);
        if (outcome) this.record(envelope, recipient, outcome, attemptedAt);
      }
      if (state.recipients.every((r) => r.status === 'delivered')) {
        // Everything delivered: the removal records it. A state file written first would
        // cost two more fsyncs and protect only against a crash before the removal is
        // durable, which delivers the message again: the at-least-once of messages in flight.
        await this.removeDone(id, stateOnDisk);
        return;
      }
      if (!(await this.spool.has(id))) return;
      await this.spool.writeState(state);
      stateOnDisk = true;
    }
    await this.bounce(envelope, state, server);
    if (state.recipients.every((r) => r.status !== 'pending' && (r.status === 'delivered' || r.dsnId !== null || envelope.mailFrom === ''))) {
      await this.removeDone(id, stateOnDisk);
      return;
    }
    this.due.set(id, nextDue(state, envelope, this.now(), this.retry.initialMs));
  }

  private async removeDone(id: string, stateOnDisk: boolean): Promise<void> {
    await this.spool.remove(id, { stateOnDisk });
    this.due.delete(id);
    this.logger.info({ event: 'message-done', queueId: id }, 'delivery: message done, removed from the spool');
  }

  private async attempt(
    envelope: StoredEnvelope,
    recipients: RecipientState[],
    server: ServerConfig | undefined,
    bytes: Buffer | null,
  ): Promise<Map<RecipientState, Outcome>> {
    const outcomes = new Map<RecipientState, Outcome>();
    // the file is looked up only if the bytes were not handed over and a delivery needs them
    let messageFile: MessageFile | undefined;
    const file = async () => (messageFile ??= await this.spool.messageFile(envelope.id));
    const maildirRoot = resolve(this.baseDir, this.config.storage.maildir);
    for (const recipient of recipients.filter((r) => r.route === 'local')) {
      const mailbox = mailboxPathFor(maildirRoot, recipient.address);
      if (!mailbox.ok) {
        outcomes.set(recipient, permanent('5.1.3', `bad destination mailbox address: ${mailbox.reason}`));
        continue;
      }
      const started = performance.now();
      try {
        const path = await this.maildirs.deliver({ mailbox: mailbox.path, recipient: recipient.address, mailFrom: envelope.mailFrom, message: bytes ?? (await file()), now: this.now() });
        outcomes.set(recipient, { kind: 'delivered', detail: `maildir ${path}` });
      } catch (error) {
        outcomes.set(recipient, temporary('4.3.0', `local delivery to ${mailbox.path} failed: ${(error as Error).message}`));
      }
      this.metrics.attempt('local', (performance.now() - started) / 1000);
    }
    const relayed = recipients.filter((r) => r.route === 'relay');
    if (relayed.length === 0) return outcomes;
    const target = server?.relayTo;
    if (!server || !target) {
      for (const r of relayed) outcomes.set(r, { kind: 'held', reason: `virtual server ${JSON.stringify(envelope.server)} is not in the config` });
      return outcomes;
    }
    // Routes come first (as Postfix's transport_maps before its relayhost); the rest goes
    // where relay-to says.
    const routes = server.routes ?? [];
    const direct = target.kind === 'direct' ? relayed : relayed.filter((r) => routeFor(routes, domainOf(r.address)) !== undefined);
    const others = relayed.filter((r) => !direct.includes(r));
    let message = bytes;
    if (direct.length > 0) {
      message ??= await readMessageFile(await file());
      const started = performance.now();
      const results = await this.mx.send(routes, { from: envelope.mailFrom, to: direct.map((r) => r.address) }, message, server.hostname);
      this.metrics.attempt('relay', (performance.now() - started) / 1000);
      for (const r of direct) outcomes.set(r, results.get(r.address) ?? temporary('4.4.0', 'direct delivery gave no result for this recipient'));
    }
    if (others.length === 0 || target.kind === 'direct') return outcomes;
    if (target.kind === 'hold') {
      for (const r of others) outcomes.set(r, { kind: 'held', reason: HOLD_REASON });
      return outcomes;
    }
    const password = await readSmarthostPassword(target, this.baseDir, this.env);
    if (!password.ok) {
      this.logger.error({ event: 'smarthost-password-missing', queueId: envelope.id, smarthost: `${target.host}:${target.port}`, source: target.source }, `delivery: ${password.reason}`);
      for (const r of others) outcomes.set(r, temporary('4.7.0', password.reason));
      return outcomes;
    }
    message ??= await readMessageFile(await file());
    const started = performance.now();
    const results = await this.smarthosts.send(
      target,
      password.value,
      { from: envelope.mailFrom, to: others.map((r) => r.address) },
      message,
      server.hostname,
    );
    this.metrics.attempt('relay', (performance.now() - started) / 1000);
    for (const r of others) {
      outcomes.set(r, results.get(r.address) ?? temporary('4.4.0', 'the smart host gave no result for this recipient'));
    }
    return outcomes;
  }

  private record(envelope: StoredEnvelope, recipient: RecipientState, outcome: Outcome, attemptedAt: string): void {
    const log = { queueId: envelope.id, recipient: recipient.address, route: recipient.route };
    if (outcome.kind === 'held') {
      recipient.nextAttemptAt = null;
      recipient.heldReason = outcome.reason;
      this.metrics.outcome(recipient.route, 'held');
      this.logger.info({ event: 'delivery-held', ...log, reason: outcome.reason }, 'delivery: held');
      return;
    }
    recipient.heldReason = null;
    recipient.attempts += 1;
    recipient.lastAttemptAt = attemptedAt;
    if (outcome.kind === 'delivered') {
      recipient.status = 'delivered';
      recipient.completedAt = attemptedAt;
      recipient.nextAttemptAt = null;
      recipient.lastError = null;
      this.metrics.outcome(recipient.route, 'delivered');
      this.logger.info({ event: 'delivered', ...log, detail: outcome.detail }, 'delivery: delivered');
      return;
    }
    recipient.lastError = outcome.error;
    const expired = Date.parse(attemptedAt) - Date.parse(envelope.receivedAt) >= this.maxLifetimeMs;
    if (outcome.kind === 'permanent' || expired) {
      recipient.status = 'failed';
      recipient.completedAt = attemptedAt;
      recipient.nextAttemptAt = null;
      if (outcome.kind === 'temporary') {
        recipient.lastError = { ...outcome.error, status: '4.4.7', diagnostic: `delivery time expired; last error: ${outcome.error.diagnostic}` };
      }
      this.metrics.outcome(recipient.route, 'failed');
      this.logger.warn({ event: 'delivery-failed', ...log, status: recipient.lastError.status, diagnostic: recipient.lastError.diagnostic }, 'delivery: failed permanently');
      return;
    }
    const delay = retryDelayMs(recipient.attempts, this.retry, this.random);
    recipient.nextAttemptAt = new Date(Date.parse(attemptedAt) + delay).toISOString();
    this.metrics.outcome(recipient.route, 'deferred');
    this.logger.info({ event: 'delivery-deferred', ...log, status: outcome.error.status, diagnostic: outcome.error.diagnostic, retryInMs: delay }, 'delivery: deferred');
  }

  /** Queues one DSN for the failed recipients that have none yet; never for a null sender. */
  private async bounce(envelope: StoredEnvelope, state: DeliveryState, server: ServerConfig | undefined): Promise<void> {
    if (envelope.mailFrom === '') return;
    const failed = state.recipients.filter((r) => r.status === 'failed' && r.dsnId === null && r.lastError !== null);
    if (failed.length === 0) return;
    const reportingMta = server?.hostname ?? this.config.servers[0]?.hostname ?? 'localhost';
    const dsn = buildDsn({
      reportingMta,
      queueId: envelope.id,
      arrivalDate: envelope.receivedAt,
      originalSender: envelope.mailFrom,
      recipients: failed.map((r) => ({
        address: r.address,
        status: r.lastError!.status,
        error: r.lastError!,
        lastAttemptAt: r.lastAttemptAt ?? new Date(this.now()).toISOString(),
      })),
      originalHeaders: await readHeaderSection(await this.spool.messageFile(envelope.id)),
      now: this.now(),
    });
    const senderDomain = envelope.mailFrom.slice(envelope.mailFrom.lastIndexOf('@') + 1).toLowerCase();
    const local = server?.localDomains.some((d) => d.domain.toLowerCase() === senderDomain) ?? false;
    const dsnEnvelope: SpoolEnvelope = {
      server: envelope.server,
      receivedAt: new Date(this.now()).toISOString(),
      client: { address: 'internal', ptr: null, user: null, tls: null, helo: null },
      mailFrom: '',
      recipients: [{ address: envelope.mailFrom, route: local ? 'local' : 'relay' }],
    };
    const { id: dsnId } = await this.spool.accept(dsnEnvelope, Readable.from([dsn]));
    for (const r of failed) r.dsnId = dsnId;
    await this.spool.writeState(state);
    this.metrics.dsnQueued();
    this.logger.info({ event: 'dsn-queued', queueId: envelope.id, dsnId, recipients: failed.map((r) => r.address) }, 'delivery: DSN queued to the sender');
  }
}

type Outcome = RecipientOutcome | { kind: 'held'; reason: string };

function permanent(status: string, diagnostic: string): Outcome {
  return { kind: 'permanent', error: { status, diagnostic, diagnosticType: 'x-smtppolicy', remoteMta: null } };
}

function temporary(status: string, diagnostic: string): Outcome {
  return { kind: 'temporary', error: { status, diagnostic, diagnosticType: 'x-smtppolicy', remoteMta: null } satisfies AttemptError };
}

function nextDue(state: DeliveryState, envelope: StoredEnvelope, now: number, dsnRetryMs: number): number | null {
  if (envelope.mailFrom !== '' && state.recipients.some((r) => r.status === 'failed' && r.dsnId === null)) return now + dsnRetryMs;
  const times = state.recipients
    .filter((r) => r.status === 'pending' && r.nextAttemptAt !== null)
    .map((r) => Date.parse(r.nextAttemptAt!));
  return times.length ? Math.min(...times) : null;
}
