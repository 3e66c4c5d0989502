// One SMTP session: the adapter between smtp-server and the policy. smtp-server parses the
// protocol; this subclass replaces the parts where its defaults are unsafe or server-wide,
// and hands each decision to the part that owns it:
//  - connect (here): limits, greeting delay, early talkers, reverse DNS, decideConnect (the
//    library's 100 ms pause and its own 1.5 s reverse lookup are bypassed);
//  - EHLO (here): the advertisement comes from ehloAdvertisement() per session (the
//    library's hideSTARTTLS/authMethods are server-wide and it lists AUTH before TLS);
//  - AUTH: session-auth.ts (decideAuth first, then throttled credential checks);
//  - MAIL / RCPT: envelope-checks.ts; DATA: message-intake.ts (size limit, spool before 250);
//  - every byte from the client: input-screen.ts (bare CR/LF, NUL, PROXY v2: SMTP smuggling);
//  - timeouts (here): the idle timer restarts only on a complete command (the library's
//    socket timeout restarts on any byte: slowloris), plus whole-session and DATA deadlines;
//  - replies (here, send()): the policy's reply line goes out as decided, carried through
//    the library's callbacks as a SmtpReplyError (smtp-reply-error.ts).
// The private members of smtp-server used here are listed, with their expected shape, in
// test/runtime/smtp/library-internals.test.ts: a library update that changes one fails there.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import sasl, { type SASLMechanism } from 'smtp-server/lib/sasl.js';
import type { SMTPServer, SMTPServerAddress, SMTPServerAuthentication, SMTPServerEnvelope, SMTPServerSession } from 'smtp-server';
import { decideConnect, ehloAdvertisement, needsReverseDns, replies } from '../policy/index.js';
import type { ReverseDnsResult, SessionFacts, SmtpReply, TlsFacts } from '../policy/types.js';
import { formatReply } from '../policy/types.js';
import { clean } from '../observe/logger.js';
import { cipherBits, tlsErrorMessage, type TlsHandshakeError } from './tls-material.js';
import { serverReplies } from './server-replies.js';
import { SharedStateUnavailableError } from '../state/index.js';
import { enhancedCodeForError } from './enhanced-status.js';
import type { ListenerRuntime, ServerRuntime } from './server-runtime.js';
import { idleTimeoutFor, slotRefusalReply, STRESS_IDLE_MS } from './connection-slots.js';
import { SessionLog } from './session-log.js';
import type { SessionContext } from './session-context.js';
import { SmtpReplyError, type Answer } from './smtp-reply-error.js';
import { checkCredentials, startAuth } from './session-auth.js';
import { checkMail, checkRcpt, countRateRefusal } from './envelope-checks.js';
import { countRates } from './rate-counts.js';
import { RecipientRoutes } from './recipient-routes.js';
import { MessageIntake } from './message-intake.js';
import { screenInput, type InputRefusal } from './input-screen.js';

const CONNECTION = Symbol('smtppolicy.connection');
const CONTROL = /[\x00-\x1f\x7f]/;
/** Commands of one session answered in one event-loop turn before the next waits for the following turn. */
const PIPELINE_BATCH = 50;

type SessionWithConnection = SMTPServerSession & { [CONNECTION]?: PolicyConnection };

/** The PolicyConnection that owns a session (the library hands handlers only the session). */
export function connectionOf(session: SMTPServerSession): PolicyConnection {
  const connection = (session as SessionWithConnection)[CONNECTION];
  if (!connection) throw new Error('session has no policy connection');
  return connection;
}

/** A listener-bound SMTPServer exposes its current runtime to new connections. */
export interface RuntimeHolder {
  runtime: ListenerRuntime;
}

export class PolicyConnection extends SMTPConnection implements SessionContext {
  readonly rt: ServerRuntime;
  readonly listenerRt: ListenerRuntime;
  readonly log: SessionLog;
  private reverseDns: ReverseDnsResult | undefined;
  /** The reverse lookup started at connect, when a decision may need it; settles with reverseDns set. */
  private pendingReverseDns: Promise<ReverseDnsResult> | undefined;
  private releaseSlot: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private readonly routes = new RecipientRoutes();
  private readonly intake: MessageIntake;
  /** Commands answered since the event loop last turned (see continueFairly). */
  private commandsThisTurn = 0;
  /**
   * The reply our check decided for the command in progress (MAIL, RCPT, AUTH, the end of
   * DATA), accepting or refusing. smtp-server sends its own text for it ("250 Accepted", or
   * a refusal's err.message); send() puts this reply in its place, so that what explain and
   * the logs say is what the client gets. Cleared when the next command starts.
   */
  private answer: SmtpReply | undefined;
  /** A failed handshake has been logged: the errors that follow from it are not news. */
  private errorReported = false;

  constructor(server: SMTPServer & RuntimeHolder, socket: Socket | TLSSocket, options: ConstructorParameters<typeof SMTPConnection>[2]) {
    super(server, socket, options);
    this.listenerRt = server.runtime;
    this.rt = server.runtime.server;
    this.log = new SessionLog(this.rt.logger, this.id, this.remoteAddress);
    this.intake = new MessageIntake(this);
    (this.session as SessionWithConnection)[CONNECTION] = this;
    this.name = this.rt.config.hostname;
  }

  // ---- facts and logging ---------------------------------------------------------------

  get envelope(): SMTPServerEnvelope | undefined {
    return this.session.envelope;
  }

  tlsFacts(): TlsFacts | null {
    if (!this.secure) return null;
    const socket = this._socket as TLSSocket;
    const cipher = typeof socket.getCipher === 'function' ? socket.getCipher() : undefined;
    if (!cipher) return null;
    return { version: socket.getProtocol() ?? cipher.version, cipher: cipher.name, cipherBits: cipherBits(cipher.standardName ?? cipher.name) };
  }

  facts(extra: Partial<SessionFacts> = {}): SessionFacts {
    const user = this.session.user ? String(this.session.user) : null;
    return { clientAddress: this.remoteAddress, reverseDns: this.reverseDns, tls: this.tlsFacts(), user, ...extra };
  }

  /**
   * A socket or TLS error of this session, logged once with its client. A failed STARTTLS
   * handshake raises several errors for one cause (the TLS socket's 'error' and '_tlsError'):
   * only the first is logged, the session is over anyway.
   */
  reportError(error: TlsHandshakeError): void {
    if (this.errorReported) return;
    const handshake = this._upgrading || error.meta?.stage === 'connect';
    if (handshake) {
      this.errorReported = true;
      this.log.event('tls-error', { tlsMode: 'starttls', error: clean(tlsErrorMessage(error)) }, 'warn');
      return;
    }
    this.log.event('error', { error: clean(error.message) }, 'warn');
  }

  // ---- replies ---------------------------------------------------------------------------

  /** Sends a reply as it is; a 421 also closes (smtp-server does that for every 421). */
  reply(reply: SmtpReply): void {
    super.send(reply.code, reply.enhanced ? `${reply.enhanced} ${reply.text}` : reply.text, false);
  }

  /**
   * Hands a check's answer to the library's callback: null for an acceptance, the
   * SmtpReplyError for a refusal. Either way the library then sends its reply for the
   * command, and send() replaces it with this answer.
   */
  private handOver(answer: Answer): SmtpReplyError | null {
    if (answer instanceof SmtpReplyError) {
      this.answer = answer.reply;
      return answer;
    }
    this.answer = answer;
    return null;
  }

  // The one place every reply of the library passes. The reply to the command in progress
  // is the one our check decided (see handOver). An error reply the library sends on its
  // own gets an enhanced status code (see enhanced-status.ts). Only the greeting, the
  // HELO/EHLO success replies and 3xx go bare.
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const answer = this.answer;
    if (answer && code === answer.code) {
      this.answer = undefined;
      return this.reply(answer);
    }
    if (code >= 400) {
      const lines = Array.isArray(data) ? data : [data ?? ''];
      const enhanced = enhancedCodeForError(code, lines.join(' '), this._getEnhancedStatusCode(code, context));
      const prefixed = lines.map((line) => `${enhanced} ${line}`.trimEnd());
      return super.send(code, Array.isArray(data) ? prefixed : prefixed[0], false);
    }
    super.send(code, data, context);
  }

  // ---- connect ---------------------------------------------------------------------------

  override init(): void {
    this._setListeners(() => {
      void this.admit().catch((error: Error) => {
        // the shared state (Redis) cannot decide and the policy says fail-closed
        if (error instanceof SharedStateUnavailableError) return this.refuseAtConnect(serverReplies.stateUnavailable(this.name), 'state-unavailable');
        this.log.event('error', { error: clean(error.message) }, 'warn');
        this.reply(serverReplies.idleTimeout(this.name));
      });
    });
  }

  private refuseAtConnect(reply: SmtpReply, reason: string): void {
    this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason });
    this.log.event('refused', { reason, reply: formatReply(reply) }, 'warn');
    this.reply(reply);
    this.close();
  }

  private async admit(): Promise<void> {
    const limits = this.rt.config.limits;
    if (this.rt.draining()) return this.refuseAtConnect(serverReplies.shuttingDown(this.name), 'draining');
    // checked before this session was built too (PolicySmtpServer.connect, where a flood is
    // refused cheaply); again here in case a TLS upgrade came in between
    // refusals are decided and counted in one step by the shared state (with several
    // workers: by the primary, for the whole host)
    const pending = this.rt.limits.admit(this.remoteAddress);
    const admission = pending instanceof Promise ? await pending : pending;
    if ('refusal' in admission) return this.refuseAtConnect(slotRefusalReply(this.name, this.remoteAddress, admission.refusal), admission.refusal);
    this.releaseSlot = () => admission.slot.release();
    // the client left while the primary was asked: _onClose found no slot to free
    if (this._closing || this._closed) return this.releaseSlot();
    this.sessionTimer = setTimeout(() => {
      this.log.event('timeout', { kind: 'session' });
      this.reply(serverReplies.sessionTimeout(this.name));
    }, limits.sessionTimeoutMs);
    this.sessionTimer.unref();

    // The lookup starts at once, but the greeting waits for it only when a domain entry
    // of the connection list decides admission. A lookup that only relay grants need runs
    // on in the background until a RCPT needs it, so a slow or dead resolver never delays
    // clients the policy admits by address (and, without domain relay grants, never affects them).
    const lookup = needsReverseDns(this.rt.compiled, this.remoteAddress)
      ? this.rt.reverseLookup.lookup(this.remoteAddress).then((result) => (this.reverseDns = result))
      : undefined;
    this.pendingReverseDns = lookup;
    const connectWaits = lookup !== undefined && decideConnect(this.rt.compiled, this.facts()).needsReverseDns === true;
    const delay = new Promise<void>((resolve) => setTimeout(resolve, limits.greetingDelayMs).unref());
    await Promise.all([connectWaits ? lookup : undefined, delay]);
    if (this._closing || this._closed) return;
    const reverseDns = this.reverseDns;
    // a client that sent part of a line before the greeting talked too soon as well
    const parser = this._parser as unknown as { _remainder?: string } | false;
    if (parser && parser._remainder) return this.refuseAtConnect(serverReplies.talkedTooSoon(this.name), 'early-talker');

    // the connection rate limits count every connection that gets this far, in the shared state
    const facts = this.facts();
    const rates = await countRates(this.rt, 'connection', facts);
    if (this._closing || this._closed) return;
    const decision = decideConnect(this.rt.compiled, rates ? { ...facts, rates } : facts);
    this.log.decision(decision, { ptr: reverseDns ? reverseDnsSummary(reverseDns) : null });
    countRateRefusal(this, decision);
    if (decision.decision !== 'accept') return this.refuseAtConnect(decision.reply, decision.rateLimit ?? `policy-${decision.decision}`);

    const tls = this.tlsFacts();
    if (tls) this.rt.metrics.tlsSessions.inc({ server: this.rt.config.name, version: tls.version });
    this.rt.metrics.connectionsAccepted.inc({ server: this.rt.config.name });
    this._setClientHostname(reverseDns?.status === 'found' && reverseDns.confirmed ? reverseDns.name : '');
    this._resetSession();
    this._ready = true;
    this.emitConnection();
    this._sendGreeting();
    this.armIdle();
  }

  /** The greeting runtime/policy prepared for this server (`explain` shows the same line). */
  override _sendGreeting(): void {
    const greeting = this.rt.compiled.connect.greeting;
    this.send(greeting.code, greeting.text, false);
  }

  // ---- timers ------------------------------------------------------------------------------

  // The timer wakes at least every STRESS_IDLE_MS and asks again how long this session may
  // be idle: a session that went idle before the server came under stress gets the stress
  // timeout too, within seconds, instead of keeping its slot for the full idle timeout.
  private armIdle(idleSince = Date.now()): void {
    clearTimeout(this.idleTimer);
    if (this._closing || this._closed || this.intake.receiving) return;
    const limits = this.rt.config.limits;
    const wait = Math.max(0, Math.min(idleTimeoutFor(limits, this.rt.limits.underStress()), STRESS_IDLE_MS) - (Date.now() - idleSince));
    this.idleTimer = setTimeout(() => {
      // waiting for our own handler (a DNS or credential check) is not the client's idleness
      if (this._handlerPending) return this.armIdle();
      const allowed = idleTimeoutFor(limits, this.rt.limits.underStress());
      if (Date.now() - idleSince < allowed) return this.armIdle(idleSince);
      this.log.event('timeout', { kind: allowed < limits.idleTimeoutMs ? 'stress-idle' : 'idle', idleMs: allowed });
      // the slot is free from now on, not when the socket has closed: the next timer that asks
      // whether the server is still under stress must not count the sessions already cut
      this.releaseSlot?.();
      this.reply(serverReplies.idleTimeout(this.name));
    }, wait);
    this.idleTimer.unref();
  }

  override _onClose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.sessionTimer);
    this.intake.stop();
    this.releaseSlot?.();
    super._onClose();
  }

  // ---- commands ------------------------------------------------------------------------------

  override _createParser(): ReturnType<SMTPConnection['_createParser']> {
    const parser = super._createParser();
    // runs from the base constructor too, before this class's fields exist: read the
    // runtime from the server
    const runtime = (this._server as unknown as RuntimeHolder).runtime;
    screenInput(parser, { rejectBareLineEndings: runtime.server.config.rejectBareLineEndings }, (refusal) => this.refuseInput(refusal));
    return parser;
  }

  // The message (or command) is never passed on: the session ends, because nothing after a
  // NUL or a bare line ending can be trusted to mean what the client meant.
  private refuseInput(refusal: InputRefusal): void {
    if (refusal.kind === 'untrusted-proxy-header') return this.refuseAtConnect(replies.proxyNotTrusted(this.name), 'untrusted-proxy-header');
    const inData = this.intake.receiving;
    if (refusal.kind === 'nul-character') {
      this.log.event('nul-character', { inData }, 'warn');
      this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason: 'nul-character' });
      this.reply(inData ? serverReplies.nulInMessage() : serverReplies.nulInCommand());
    } else {
      this.log.event('bare-line-ending', { kind: refusal.ending, inData }, 'warn');
      this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason: 'bare-line-ending' });
      this.reply(serverReplies.bareLineEnding(refusal.ending));
    }
    this.close();
  }

  override _onCommand(command: Buffer, callback?: () => void): void {
    clearTimeout(this.idleTimer);
    // a new command (not a line of an AUTH exchange) has no answer yet
    if (!this._nextHandler) this.answer = undefined;
    if (!this._ready && !this._upgrading && !this._closing) {
      return this.refuseAtConnect(serverReplies.talkedTooSoon(this.name), 'early-talker');
    }
    const name = command.toString('binary').split(' ')[0]?.toUpperCase() ?? '';
    if (!this._nextHandler && name === 'PROXY' && !this._upgrading) {
      // a trusted load balancer's header is consumed before the session starts; seeing
      // one here means the peer is not trusted
      return this.refuseAtConnect(replies.proxyNotTrusted(this.name), 'untrusted-proxy-header');
    }
    // draining refuses new work, but a client that says goodbye gets a normal 221
    if (this.rt.draining() && !this._nextHandler && !this.session.envelope?.mailFrom && !this._upgrading && name !== 'QUIT') {
      this.reply(serverReplies.shuttingDown(this.name));
      return;
    }
    if (!this._upgrading && !isUtf8(command)) {
      // SMTPUTF8 allows UTF-8, never other bytes: decoding them would silently turn an
      // address into a different one (U+FFFD), so the command is refused, as Postfix does
      this.log.event('bad-utf8', { command: clean(name) }, 'warn');
      this.reply(serverReplies.badUtf8());
      return this.continueFairly(() => {
        this.armIdle();
        callback?.();
      });
    }
    super._onCommand(command, () => this.continueFairly(() => {
      this.armIdle();
      callback?.();
    }));
  }

  // Pipelined commands run back to back while their handlers finish synchronously or in
  // microtasks (an async policy check resolves in one), and neither lets the event loop
  // turn: one client's flood would hold every other session's I/O and timers until its
  // whole TCP chunk was answered. After PIPELINE_BATCH commands in one turn, the next
  // waits for the following turn.
  private continueFairly(next: () => void): void {
    this.commandsThisTurn++;
    if (this.commandsThisTurn === 1) setImmediate(() => (this.commandsThisTurn = 0));
    if (this.commandsThisTurn > PIPELINE_BATCH) setImmediate(next);
    else next();
  }

  override handler_EHLO(command: Buffer, callback: () => void): void {
    const parts = command.toString().trim().split(/\s+/);
    const hostname = parts[1] ?? '';
    if (parts.length !== 2 || hostname.length > 255 || CONTROL.test(hostname)) {
      this.reply(serverReplies.ehloSyntax());
      return callback();
    }
    this.hostNameAppearsAs = hostname.toLowerCase();
    this.openingCommand = 'EHLO';
    this._resetSession();
    this.routes.clear();
    const ad = ehloAdvertisement(this.rt.compiled, this.facts());
    const lines = [`${this.name} Hello ${this.clientHostname || `[${this.remoteAddress}]`}`, 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES'];
    if (ad.authMechanisms.length > 0 && !this.session.user) lines.push(`AUTH ${ad.authMechanisms.join(' ')}`);
    // STARTTLS needs a certificate on a plain listener: never smtp-server's built-in one
    if (ad.starttls && this.rt.tls && !this.secure) lines.push('STARTTLS');
    lines.push(`SIZE ${ad.sizeLimit}`);
    this.send(250, lines, false);
    callback();
  }

  override handler_HELO(command: Buffer, callback: () => void): void {
    // the same hostname limit as EHLO (the library allows 300 octets; a domain has 255)
    const hostname = command.toString().trim().split(/\s+/)[1] ?? '';
    if (hostname.length > 255) {
      this.reply(serverReplies.badHostname());
      return callback();
    }
    this.routes.clear();
    super.handler_HELO(command, callback);
  }

  override handler_RSET(command: Buffer, callback: () => void): void {
    this.routes.clear();
    super.handler_RSET(command, callback);
  }

  override handler_STARTTLS(command: Buffer, callback: () => void): void {
    if (!this.rt.tls || this.listenerRt.listen.tlsMode === 'implicit') {
      this.reply(serverReplies.starttlsUnavailable());
      return callback();
    }
    super.handler_STARTTLS(command, callback);
  }

  override handler_AUTH(command: Buffer, callback: () => void): void {
    const args = command.toString().trim().split(/\s+/).slice(1);
    const mechanism = (args.shift() ?? '').toUpperCase();
    // asks the shared throttle (with several workers, the primary): a failure to ask refuses
    startAuth(this, mechanism, { greeted: Boolean(this.hostNameAppearsAs), authenticated: Boolean(this.session.user) }).then(
      (start) => this.continueAuth(start, mechanism, args, callback),
      (error: unknown) => {
        this.log.event('error', { error: clean((error as Error).message) }, 'warn');
        this.reply(serverReplies.authNotPossible());
        callback();
      },
    );
  }

  private continueAuth(start: Answer, mechanism: string, args: string[], callback: () => void): void {
    if (start instanceof SmtpReplyError) {
      this.reply(start.reply);
      return callback();
    }
    // sent by the mechanism once the credentials check out (a failure replaces it)
    this.answer = start;
    const implementation = (sasl as unknown as Record<string, SASLMechanism | undefined>)[`SASL_${mechanism}`];
    if (typeof implementation !== 'function') {
      this.reply(serverReplies.unknownMechanism());
      return callback();
    }
    implementation.call(this, args, callback);
  }

  override handler_RCPT(command: Buffer, callback: () => void): void {
    const envelope = this.session.envelope;
    const limit = this.rt.config.limits.recipientsPerMessage;
    // parsed here only at the limit: the library parses every RCPT again itself
    if (envelope?.mailFrom && envelope.rcptTo.length >= limit) {
      const parsed = this._parseAddressCommand('rcpt to', command);
      if (parsed && parsed.address && !envelope.rcptTo.some((r) => r.address.toLowerCase() === parsed.address.toLowerCase())) {
        this.reply(serverReplies.tooManyRecipients());
        return callback();
      }
    }
    super.handler_RCPT(command, callback);
  }

  override _isOversized(): boolean {
    // the size limit is enforced while the message streams in (message-intake.ts)
    return false;
  }

  // ---- the library's handlers (PolicySmtpServer passes them on) ---------------------------

  onAuth(auth: SMTPServerAuthentication, callback: (err: Error | null, response?: { user: string }) => void): void {
    checkCredentials(this, auth).then(
      (result) => (result instanceof SmtpReplyError ? callback(this.handOver(result)) : callback(null, result)),
      (error: unknown) => callback(this.handOver(new SmtpReplyError(serverReplies.authNotPossible(), { cause: error }))),
    );
  }

  onMailFrom(address: SMTPServerAddress, callback: (err: Error | null) => void): void {
    const answer = checkMail(this, address);
    if (!(answer instanceof Promise)) return callback(this.handOver(answer));
    answer.then(
      (decided) => callback(this.handOver(decided)),
      (error: unknown) => callback(this.handOver(new SmtpReplyError(serverReplies.temporaryFailure(), { cause: error }))),
    );
  }

  onRcptTo(address: SMTPServerAddress, callback: (err: Error | null) => void): void {
    checkRcpt(this, this.routes, address, this.pendingReverseDns).then(
      (answer) => callback(this.handOver(answer)),
      (error: unknown) => callback(this.handOver(new SmtpReplyError(serverReplies.temporaryFailure(), { cause: error }))),
    );
  }

  /** Streams the message into the spool; answers the end of DATA once it is stored or refused. */
  onData(stream: Readable, callback: (err: Error | null, message?: string) => void): void {
    const envelope = this.session.envelope;
    const reverseDns = this.reverseDns;
    clearTimeout(this.idleTimer);
    this.intake.receive(stream, {
      mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
      recipients: this.routes.spoolRecipients(envelope.rcptTo.map((r) => r.address)),
    }, {
      sessionId: this.id,
      hostname: this.name,
      helo: this.hostNameAppearsAs || null,
      ptr: reverseDns?.status === 'found' && reverseDns.confirmed ? reverseDns.name : null,
      user: this.session.user ? String(this.session.user) : null,
      tls: this.tlsFacts(),
      openingCommand: this.openingCommand,
    }, {
      deadline: () => this.reply(serverReplies.dataTimeout(this.name)),
      finished: (answer) => {
        this.routes.clear();
        // on success the library sends its own 250 text, which send() replaces with the answer
        callback(this.handOver(answer));
        this.armIdle();
      },
    });
  }
}

function reverseDnsSummary(result: ReverseDnsResult): string {
  if (result.status === 'found') return `${result.name}${result.confirmed ? '' : ' (unconfirmed)'}`;
  if (result.status === 'none') return 'none';
  return `error: ${result.reason}`;
}
