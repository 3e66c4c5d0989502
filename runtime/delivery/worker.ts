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
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { RuntimeConfig, ServerConfig } from '../config/types.js';
import type { AttemptError, DeliveryState, RecipientState } from './delivery-state.js';
import { buildDsn, readHeaderSection } from './dsn.js';
import { MaildirWriter } from './maildir.js';
import { DispatchQueue, type DestinationKind, type Pending } from './dispatch-queue.js';
import { mailboxPathFor } from './mailbox-path.js';
import { DEFAULT_MAX_QUEUE_LIFETIME_MS, DEFAULT_RETRY_SCHEDULE, retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import { readSmarthostPassword, SmarthostPool, type RecipientOutcome, type SmarthostTls } from './smarthost.js';
import { domainOf, MxDelivery, routeFor } from './mx-delivery.js';
import { MtaSts } from './mta-sts.js';
import { createDnsResolver } from '../dns/dns-resolver.js';
import type { Spool, SpoolEnvelope, StoredEnvelope, StoredMessage } from './spool.js';
import { isErrno } from './fs-durable.js';

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

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const worker = new Worker(options);
  worker.start();
  return {
    stop: () => worker.stop(),
    kick: () => worker.kick(),
    updateConfig: (config, baseDir) => worker.updateConfig(config, baseDir),
  };
}

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
      // the await above let the intake or a finished delivery in: look again
      if (this.stopped || this.queue.has(id)) continue;
      this.forced.delete(id);
      this.queue.add({ id, envelope, bytes: null, mayHaveState: true, force });
      queued += 1;
    }
    this.startWaiting();
  }

  /** Starts every waiting message that has a free slot of its kind. */
  private startWaiting(): void {
    if (this.stopped) return;
    for (const { pending, kind } of this.queue.startable()) this.begin(pending, kind);
    if (this.scanCut && this.queue.waiting === 0) this.scanIn(0);
  }

  private begin(pending: Pending, kind: DestinationKind): void {
    const { id } = pending;
    const run = this.process(pending)
      .catch((error: unknown) => {
        // Unexpected (e.g. the spool became unreadable): try again later, never drop the message.
        this.logger.error({ event: 'delivery-error', err: error, queueId: id }, 'delivery: processing failed; will retry');
        this.due.set(id, this.now() + this.retry.initialMs);
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.queue.finished(id, kind);
        this.startWaiting();
      });
    this.inFlight.set(id, run);
  }

  private async process(pending: Pending): Promise<void> {
    const { id, envelope, force } = pending;
    const stored = pending.mayHaveState ? await this.spool.readState(id) : null;
    const state = stored ?? initialState(envelope);
    let stateOnDisk = stored !== null;
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
    const messagePath = this.spool.messagePath(envelope.id);
    const maildirRoot = resolve(this.baseDir, this.config.storage.maildir);
    for (const recipient of recipients.filter((r) => r.route === 'local')) {
      const mailbox = mailboxPathFor(maildirRoot, recipient.address);
      if (!mailbox.ok) {
        outcomes.set(recipient, permanent('5.1.3', `bad destination mailbox address: ${mailbox.reason}`));
        continue;
      }
      const started = performance.now();
      try {
        const path = await this.maildirs.deliver({ mailbox: mailbox.path, recipient: recipient.address, mailFrom: envelope.mailFrom, message: bytes ?? { path: messagePath }, now: this.now() });
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
      message ??= await readFile(messagePath);
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
    message ??= await readFile(messagePath);
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
      originalHeaders: await readHeaderSection(this.spool.messagePath(envelope.id)),
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

export function initialState(envelope: StoredEnvelope): DeliveryState {
  return {
    version: 1,
    id: envelope.id,
    recipients: envelope.recipients.map((r) => ({
      address: r.address,
      route: r.route,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: envelope.receivedAt,
      lastAttemptAt: null,
      lastError: null,
      heldReason: null,
      completedAt: null,
      dsnId: null,
    })),
  };
}

function nextDue(state: DeliveryState, envelope: StoredEnvelope, now: number, dsnRetryMs: number): number | null {
  if (envelope.mailFrom !== '' && state.recipients.some((r) => r.status === 'failed' && r.dsnId === null)) return now + dsnRetryMs;
  const times = state.recipients
    .filter((r) => r.status === 'pending' && r.nextAttemptAt !== null)
    .map((r) => Date.parse(r.nextAttemptAt!));
  return times.length ? Math.min(...times) : null;
}
