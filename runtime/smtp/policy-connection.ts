// One SMTP session. smtp-server parses the protocol; this subclass replaces the parts
// where its defaults are unsafe or server-wide, and asks runtime/policy for every
// decision:
//  - connect: limits, greeting delay, early talkers, reverse DNS, decideConnect (the
//    library's 100 ms pause and its own 1.5 s reverse lookup are bypassed);
//  - EHLO: the advertisement comes from ehloAdvertisement() per session (the library's
//    hideSTARTTLS/authMethods are server-wide and it lists AUTH before TLS);
//  - AUTH: decideAuth() first (the library accepts plaintext AUTH whenever STARTTLS is
//    hidden), then throttled credential checks;
//  - MAIL / RCPT / DATA: decideMail(), decideRcpt(), size limit, spool before 250;
//  - timeouts: the idle timer restarts only on a complete command (the library's socket
//    timeout restarts on any byte: slowloris), plus whole-session and DATA deadlines;
//  - bare CR/LF refused before the parser sees them (SMTP smuggling).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { PassThrough, type Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import sasl from 'smtp-server/lib/sasl.js';
import type { SMTPServer, SMTPServerAddress, SMTPServerAuthentication, SMTPServerSession } from 'smtp-server';
import { decideAuth, decideConnect, decideMail, decideRcpt, ehloAdvertisement, needsReverseDns, replies } from '../policy/index.js';
import type { Decision, ReverseDnsResult, SessionFacts, SmtpReply, TlsFacts, RecipientRoute } from '../policy/types.js';
import { formatReply } from '../policy/types.js';
import { clean } from '../observe/logger.js';
import { BareLineEndingScanner, type BareLineEnding } from './bare-line-endings.js';
import { cipherBits, tlsErrorMessage, type TlsHandshakeError } from './tls-material.js';
import { serverReplies } from './server-replies.js';
import { enhancedCodeForError, hasEnhancedCode } from './enhanced-status.js';
import type { ListenerRuntime, ServerRuntime } from './server-runtime.js';
import type { SpoolRecipient } from '../delivery/spool.js';
import { mailboxPathFor } from '../delivery/mailbox-path.js';
import type { AuthThrottle, ThrottleVerdict } from '../auth/auth-throttle.js';
import { KeyedQueue } from './keyed-queue.js';
import { ProxyV2Lookout } from './proxy-v2-lookout.js';
import { admitToSlot, idleTimeoutNow, slotRefusalReply, STRESS_IDLE_MS } from './connection-slots.js';
import { authThrottleKey } from '../../net/client-network.js';

const CONNECTION = Symbol('smtppolicy.connection');
const CONTROL = /[\x00-\x1f\x7f]/;
/** Commands of one session answered in one event-loop turn before the next waits for the following turn. */
const PIPELINE_BATCH = 50;
/** Any absolute root: only whether an address maps to a mailbox at all matters at RCPT. */
const MAILBOX_CHECK_ROOT = '/maildir';

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

function replyError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(`${reply.enhanced} ${reply.text}`), { responseCode: reply.code });
}

export class PolicyConnection extends SMTPConnection {
  readonly rt: ServerRuntime;
  readonly listenerRt: ListenerRuntime;
  private reverseDns: ReverseDnsResult | undefined;
  /** The reverse lookup started at connect, when a decision may need it; settles with reverseDns set. */
  private pendingReverseDns: Promise<ReverseDnsResult> | undefined;
  private releaseSlot: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private dataTimer: NodeJS.Timeout | undefined;
  private inData = false;
  /** Accepted recipients by lower-cased address: their route and the address they are delivered to. */
  private routes = new Map<string, { route: RecipientRoute; deliverTo: string }>();
  /** Commands answered since the event loop last turned (see continueFairly). */
  private commandsThisTurn = 0;
  /**
   * The policy's reply for the accepted MAIL, RCPT or AUTH in progress. smtp-server sends
   * its own success text ("250 Accepted") once our check returns; send() puts the policy's
   * reply in its place, so that what explain and the logs say is what the client gets.
   */
  private acceptedReply: SmtpReply | undefined;
  /** A failed handshake has been logged: the errors that follow from it are not news. */
  private errorReported = false;

  constructor(server: SMTPServer & RuntimeHolder, socket: Socket | TLSSocket, options: ConstructorParameters<typeof SMTPConnection>[2]) {
    super(server, socket, options);
    this.listenerRt = server.runtime;
    this.rt = server.runtime.server;
    (this.session as SessionWithConnection)[CONNECTION] = this;
    this.name = this.rt.config.hostname;
  }

  // ---- facts and logging ---------------------------------------------------------------

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

  private logDecision(decision: Decision, detail: Record<string, unknown> = {}): void {
    const deciding = [...decision.trace].reverse().find((step) => step.source !== null);
    const level = decision.decision === 'accept' ? 'info' : 'warn';
    this.rt.logger[level]({
      event: 'decision',
      session: this.id,
      client: this.remoteAddress,
      stage: decision.stage,
      outcome: decision.decision,
      reply: formatReply(decision.reply),
      source: deciding?.source ?? null,
      reason: deciding ? `${deciding.step}: ${deciding.result}` : null,
      ...detail,
    }, `${decision.stage} ${decision.decision}`);
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
      this.logEvent('tls-error', { tlsMode: 'starttls', error: clean(tlsErrorMessage(error)) }, 'warn');
      return;
    }
    this.logEvent('error', { error: clean(error.message) }, 'warn');
  }

  private logEvent(event: string, detail: Record<string, unknown>, level: 'info' | 'warn' | 'error' = 'info'): void {
    // `server` comes from the runtime's child logger (start-server.ts): not repeated here
    this.rt.logger[level]({ event, session: this.id, client: this.remoteAddress, ...detail }, event);
  }

  /** Sends a reply; a 421 also closes (smtp-server does that for every 421). */
  reply(reply: SmtpReply): void {
    this.send(reply.code, reply.enhanced ? `${reply.enhanced} ${reply.text}` : reply.text, false);
  }

  // The one place every reply passes. Texts that already carry an enhanced status code
  // (policy replies passed through the library's callbacks) must not get a second one from
  // smtp-server's table; an error reply the library would send without one gets one (see
  // enhanced-status.ts). Only the greeting, the HELO/EHLO success replies and 3xx go bare.
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const accepted = this.acceptedReply;
    if (accepted && code === accepted.code && (context === 'MAIL_FROM_OK' || context === 'RCPT_TO_OK' || code === 235)) {
      this.acceptedReply = undefined;
      return super.send(accepted.code, `${accepted.enhanced} ${accepted.text}`, false);
    }
    if (typeof data === 'string' && hasEnhancedCode(data)) return super.send(code, data, false);
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
        this.logEvent('error', { error: clean(error.message) }, 'warn');
        this.reply(serverReplies.idleTimeout(this.name));
      });
    });
  }

  private refuseAtConnect(reply: SmtpReply, reason: string): void {
    this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason });
    this.logEvent('refused', { reason, reply: formatReply(reply) }, 'warn');
    this.reply(reply);
    this.close();
  }

  private async admit(): Promise<void> {
    const limits = this.rt.config.limits;
    if (this.rt.draining()) return this.refuseAtConnect(serverReplies.shuttingDown(this.name), 'draining');
    // checked before this session was built too (PolicySmtpServer.connect, where a flood is
    // refused cheaply); again here in case a TLS upgrade came in between
    const refusal = admitToSlot(limits, this.rt.counter, this.remoteAddress, this.rt.goodClients.isKnown(this.remoteAddress));
    if (refusal) return this.refuseAtConnect(slotRefusalReply(this.name, this.remoteAddress, refusal), refusal);
    this.releaseSlot = this.rt.counter.add(this.remoteAddress);
    this.sessionTimer = setTimeout(() => {
      this.logEvent('timeout', { kind: 'session' });
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

    const decision = decideConnect(this.rt.compiled, this.facts());
    this.logDecision(decision, { ptr: reverseDns ? reverseDnsSummary(reverseDns) : null });
    if (decision.decision !== 'accept') return this.refuseAtConnect(decision.reply, `policy-${decision.decision}`);

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

  override _sendGreeting(): void {
    this.send(220, `${this.name} ESMTP`, false);
  }

  // ---- timers ------------------------------------------------------------------------------

  // The timer wakes at least every STRESS_IDLE_MS and asks again how long this session may
  // be idle: a session that went idle before the server came under stress gets the stress
  // timeout too, within seconds, instead of keeping its slot for the full idle timeout.
  private armIdle(idleSince = Date.now()): void {
    clearTimeout(this.idleTimer);
    if (this._closing || this._closed || this.inData) return;
    const limits = this.rt.config.limits;
    const wait = Math.max(0, Math.min(idleTimeoutNow(limits, this.rt.counter), STRESS_IDLE_MS) - (Date.now() - idleSince));
    this.idleTimer = setTimeout(() => {
      // waiting for our own handler (a DNS or credential check) is not the client's idleness
      if (this._handlerPending) return this.armIdle();
      const allowed = idleTimeoutNow(limits, this.rt.counter);
      if (Date.now() - idleSince < allowed) return this.armIdle(idleSince);
      this.logEvent('timeout', { kind: allowed < limits.idleTimeoutMs ? 'stress-idle' : 'idle', idleMs: allowed });
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
    clearTimeout(this.dataTimer);
    this.releaseSlot?.();
    super._onClose();
  }

  // ---- commands ------------------------------------------------------------------------------

  override _createParser(): ReturnType<SMTPConnection['_createParser']> {
    const parser = super._createParser();
    // runs from the base constructor too, before this class's fields exist: read the
    // runtime from the server, and keep the scanners' state in this closure
    const runtime = (this._server as unknown as RuntimeHolder).runtime;
    const scanner = runtime.server.config.rejectBareLineEndings ? new BareLineEndingScanner() : null;
    const lookout = new ProxyV2Lookout();
    const write = parser.write.bind(parser) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let refused = false;
    parser.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (refused) return true;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'binary') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      // a PROXY v2 signature from an untrusted peer is held and refused first: the signature
      // itself holds a NUL, and the client must get the documented PROXY refusal
      const head = lookout.take(bytes);
      if (head.state === 'holding') return true;
      if (head.state === 'signature') {
        refused = true;
        this.refuseAtConnect(replies.proxyNotTrusted(this.name), 'untrusted-proxy-header');
        return true;
      }
      // NUL is refused whatever the settings: no SMTP text may hold it (RFC 5321 4.1.1,
      // RFC 6152 3), and receivers disagree on it as on bare line endings: one that cuts a
      // line at a NUL sees `\r\n\0.\r\n` as the end of the message (smuggling at the next hop)
      if (head.bytes.includes(0)) {
        refused = true;
        this.refuseNul();
        return true;
      }
      const found = scanner?.scan(head.bytes);
      if (found) {
        refused = true;
        this.refuseBareLineEnding(found);
        return true;
      }
      return write(head.bytes, ...rest);
    }) as typeof parser.write;
    return parser;
  }

  private refuseBareLineEnding(kind: BareLineEnding): void {
    this.logEvent('bare-line-ending', { kind, inData: this.inData }, 'warn');
    this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason: 'bare-line-ending' });
    this.reply(serverReplies.bareLineEnding(kind));
    this.close();
  }

  // The message (or command) is never passed on: the session ends, as for a bare line ending,
  // because nothing after the NUL can be trusted to mean what the client meant.
  private refuseNul(): void {
    this.logEvent('nul-character', { inData: this.inData }, 'warn');
    this.rt.metrics.connectionsRefused.inc({ server: this.rt.config.name, reason: 'nul-character' });
    this.reply(this.inData ? serverReplies.nulInMessage() : serverReplies.nulInCommand());
    this.close();
  }

  override _onCommand(command: Buffer, callback?: () => void): void {
    clearTimeout(this.idleTimer);
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
      this.logEvent('bad-utf8', { command: clean(name) }, 'warn');
      this.send(500, '5.5.2 Error: bad UTF-8 syntax', false);
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
      this.send(501, '5.5.4 Error: syntax: EHLO hostname', false);
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
      this.send(501, 'Error: Bad hostname syntax', false);
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
    if (!this.hostNameAppearsAs) {
      this.send(503, '5.5.1 Error: send HELO/EHLO first', false);
      return callback();
    }
    if (this.session.user) {
      this.reply(serverReplies.identityChange());
      return callback();
    }
    if (this.rt.throttle.isLockedOut(this.remoteAddress)) {
      this.logEvent('auth-locked-out', { mechanism: clean(mechanism) }, 'warn');
      this.reply(serverReplies.authLockedOut(this.name));
      return callback();
    }
    const decision = decideAuth(this.rt.compiled, this.facts(), mechanism);
    if (decision.decision !== 'accept') {
      this.logDecision(decision, { mechanism: clean(mechanism) });
      this.reply(decision.reply);
      return callback();
    }
    // sent by the mechanism once the credentials check out (a failure clears it first)
    this.acceptedReply = decision.reply;
    const implementation = (sasl as unknown as Record<string, unknown>)[`SASL_${mechanism}`];
    if (typeof implementation !== 'function') {
      this.reply(serverReplies.unknownMechanism());
      return callback();
    }
    (implementation as (this: SMTPConnection, a: string[], cb: () => void) => void).call(this, args, callback);
  }

  override handler_RCPT(command: Buffer, callback: () => void): void {
    const envelope = this.session.envelope;
    const parsed = this._parseAddressCommand('rcpt to', command);
    const limit = this.rt.config.limits.recipientsPerMessage;
    if (envelope?.mailFrom && parsed && parsed.address && envelope.rcptTo.length >= limit
      && !envelope.rcptTo.some((r) => r.address.toLowerCase() === parsed.address.toLowerCase())) {
      this.reply(serverReplies.tooManyRecipients());
      return callback();
    }
    super.handler_RCPT(command, callback);
  }

  override _isOversized(): boolean {
    // the size limit is enforced while the message streams in (see onMessage)
    return false;
  }

  // ---- handlers called through the server -------------------------------------------------

  async authenticate(auth: SMTPServerAuthentication): Promise<{ user: string } | Error> {
    const address = this.remoteAddress;
    const username = auth.username ?? '';
    const mechanismConfig = this.rt.config.auth.mechanisms.find((m) => m.mechanism === auth.method);
    const store = mechanismConfig?.userStore ? this.rt.credentials.get(mechanismConfig.userStore) : undefined;
    // one check at a time per network (an IPv4 address or an IPv6 /64), and per user name: the lockout test and the recorded
    // outcome must not interleave with other sessions' checks, or parallel sessions (from one
    // address, or from many at one user) would each get a guess. Always address first, then
    // user, so two sessions never wait for each other in a cycle.
    const queue = authQueueFor(this.rt.throttle);
    const checked = await queue.run(`network:${authThrottleKey(address)}`, () => queue.run(`user:${username.toLowerCase()}`, async (): Promise<'locked-out' | { user: string } | { verdict: ThrottleVerdict }> => {
      if (this.rt.throttle.isLockedOut(address, username)) return 'locked-out';
      // each mechanism is checked against its own kind of secret (runtime/auth/password-file.ts);
      // a user without that secret fails like a wrong one
      let verified: string | null = null;
      if (store && typeof auth.password === 'string' && (auth.method === 'PLAIN' || auth.method === 'LOGIN')) {
        verified = await store.verify(username, auth.password);
      } else if (store && auth.method === 'CRAM-MD5' && typeof auth.challenge === 'string' && typeof auth.challengeResponse === 'string') {
        verified = store.verifyCramMd5(username, auth.challenge, auth.challengeResponse);
      } else if (store && auth.method === 'XOAUTH2' && typeof auth.accessToken === 'string') {
        verified = store.verifyToken(username, auth.accessToken);
      }
      if (verified) {
        this.rt.throttle.recordSuccess(address, username);
        return { user: verified };
      }
      return { verdict: this.rt.throttle.recordFailure(address, username) };
    }));
    if (checked === 'locked-out' || !('user' in checked)) this.acceptedReply = undefined;
    if (checked === 'locked-out') {
      this.logEvent('auth-locked-out', { user: clean(username), mechanism: auth.method }, 'warn');
      return replyError(serverReplies.authLockedOut(this.name));
    }
    if ('user' in checked) {
      const user = checked.user;
      this.logEvent('auth', { user: clean(user), mechanism: auth.method, outcome: 'accept', source: mechanismConfig?.source ?? null });
      this.rt.goodClients.remember(this.remoteAddress);
      return { user };
    }
    const verdict = checked.verdict;
    this.rt.metrics.authFailures.inc({ server: this.rt.config.name, mechanism: auth.method });
    this.logEvent('auth', {
      user: clean(username), mechanism: auth.method, outcome: 'refuse', delayMs: verdict.delayMs, lockedOut: verdict.lockedOut,
      reason: store ? 'invalid credentials' : `no user store for ${auth.method}`, source: mechanismConfig?.source ?? null,
    }, 'warn');
    await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
    return replyError(verdict.lockedOut ? serverReplies.authLockedOut(this.name) : serverReplies.authFailed());
  }

  checkMail(address: SMTPServerAddress): Error | null {
    const refusal = this.refuseUtf8WithoutSmtpUtf8(address.address, 'mailFrom');
    if (refusal) return refusal;
    const decision = decideMail(this.rt.compiled, this.facts({ mailFrom: address.address ?? '' }));
    this.logDecision(decision, { mailFrom: clean(address.address) });
    if (decision.decision !== 'accept') return replyError(decision.reply);
    this.acceptedReply = decision.reply;
    return null;
  }

  // RFC 6531 3.4: a non-ASCII address may appear only in a transaction that announced it
  // with the SMTPUTF8 parameter of MAIL; without it the next hop, which may not speak
  // SMTPUTF8, would get an address it cannot represent (RFC 6531 3.7.4.1: 553 5.6.7).
  private refuseUtf8WithoutSmtpUtf8(address: string | false | undefined, field: 'mailFrom' | 'rcptTo'): Error | null {
    // eslint-disable-next-line no-control-regex
    if (!address || /^[\x00-\x7f]*$/.test(address) || this.session.envelope?.smtpUtf8) return null;
    this.logEvent('utf8-without-smtputf8', { [field]: clean(address) }, 'warn');
    return replyError(serverReplies.smtpUtf8Required());
  }

  async checkRcpt(address: SMTPServerAddress): Promise<Error | null> {
    const utf8Refusal = this.refuseUtf8WithoutSmtpUtf8(address.address, 'rcptTo');
    if (utf8Refusal) return utf8Refusal;
    const mailFrom = this.session.envelope?.mailFrom;
    const decide = () => decideRcpt(this.rt.compiled, this.facts({
      mailFrom: mailFrom ? mailFrom.address : '',
      rcptTo: address.address,
    }));
    let decision = decide();
    if (decision.needsReverseDns && this.pendingReverseDns) {
      // a domain relay grant decides: wait for the lookup started at connect (bounded by the resolver timeout)
      await this.pendingReverseDns;
      decision = decide();
    }
    if (decision.decision === 'accept' && (decision.route ?? 'local') === 'local') {
      // a recipient no Maildir folder can hold would be accepted only to bounce later, and
      // the bounce goes to a sender who may be forged (backscatter): refuse it now, by the
      // delivery's own rule
      const mailbox = mailboxPathFor(MAILBOX_CHECK_ROOT, decision.deliverTo ?? address.address);
      if (!mailbox.ok) {
        this.logEvent('recipient-refused', { rcptTo: clean(address.address), reason: mailbox.reason }, 'warn');
        return replyError(serverReplies.badMailbox());
      }
    }
    this.logDecision(decision, { rcptTo: clean(address.address), ...(decision.deliverTo ? { deliverTo: decision.deliverTo } : {}) });
    if (decision.decision !== 'accept') {
      if (decision.stage === 'rcpt' && decision.decision === 'refuse') this.rt.metrics.relayDenied.inc({ server: this.rt.config.name });
      return replyError(decision.reply);
    }
    this.routes.set(address.address.toLowerCase(), { route: decision.route ?? 'local', deliverTo: decision.deliverTo ?? address.address });
    this.acceptedReply = decision.reply;
    return null;
  }

  /** Streams the message into the spool; resolves with the reply for the end of DATA. */
  receiveMessage(stream: Readable, done: (error: Error | null, message?: string) => void): void {
    const limits = this.rt.config.limits;
    this.inData = true;
    clearTimeout(this.idleTimer);
    this.dataTimer = setTimeout(() => {
      this.logEvent('timeout', { kind: 'data' });
      spoolInput.destroy(new Error('DATA deadline exceeded'));
      this.reply(serverReplies.dataTimeout(this.name));
    }, limits.dataTimeoutMs);
    this.dataTimer.unref();

    const envelope = this.session.envelope!;
    const mailFrom = envelope.mailFrom ? envelope.mailFrom.address : '';
    const recipients = spoolRecipients(envelope.rcptTo.map((r) => r.address), this.routes);
    const tls = this.tlsFacts();
    const ptr = this.reverseDns?.status === 'found' && this.reverseDns.confirmed ? this.reverseDns.name : null;
    const receivedAt = new Date();
    const spoolInput = new PassThrough();
    // destroying it is how a refused message is abandoned; the spool reports the failure
    spoolInput.on('error', () => {});
    spoolInput.write(receivedHeader({
      helo: this.hostNameAppearsAs || null, ptr, address: this.remoteAddress, hostname: this.name, id: this.id,
      protocol: `${this.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP'}${tls ? 'S' : ''}${this.session.user ? 'A' : ''}`,
      tls, recipient: recipients.length === 1 ? recipients[0]!.address : null, date: receivedAt,
    }));
    const spooled = this.rt.spool.accept({
      server: this.rt.config.name,
      receivedAt: receivedAt.toISOString(),
      client: { address: this.remoteAddress, ptr, user: this.session.user ? String(this.session.user) : null, tls: tls ? { version: tls.version, cipher: tls.cipher } : null, helo: this.hostNameAppearsAs || null },
      mailFrom,
      recipients,
    }, spoolInput).then((r) => ({ ok: true as const, ...r }), (error: Error) => ({ ok: false as const, error }));

    let received = 0;
    let oversized = false;
    stream.on('data', (chunk: Buffer) => {
      // the spool gave up (disk full, I/O error: it destroys its input) or the message is
      // too big: the rest of DATA is read and dropped so that the client still gets its reply
      if (oversized || spoolInput.destroyed) return;
      received += chunk.length;
      if (received > limits.messageSizeBytes) {
        // stop buffering: the spool write is abandoned, the rest of DATA is read and dropped
        oversized = true;
        spoolInput.destroy(new Error('message exceeds the size limit'));
        return;
      }
      if (!spoolInput.write(chunk)) {
        // wait for the spool to catch up, or for it to fail: a destroyed input never drains
        stream.pause();
        const resume = () => {
          spoolInput.off('drain', resume);
          spoolInput.off('close', resume);
          stream.resume();
        };
        spoolInput.on('drain', resume);
        spoolInput.on('close', resume);
      }
    });
    stream.on('error', (error: Error) => spoolInput.destroy(error));
    stream.on('close', () => {
      if (!stream.readableEnded) spoolInput.destroy(new Error('connection closed before the end of DATA'));
    });
    stream.on('end', () => {
      if (!oversized) spoolInput.end();
      void spooled.then((result) => {
        clearTimeout(this.dataTimer);
        this.inData = false;
        this.routes.clear();
        if (oversized) {
          this.rt.metrics.messagesRefused.inc({ server: this.rt.config.name, reason: 'size' });
          this.logEvent('message-refused', { reason: 'size', limit: limits.messageSizeBytes }, 'warn');
          done(replyError(serverReplies.messageTooBig(limits.messageSizeBytes)));
        } else if (!result.ok) {
          this.rt.metrics.messagesRefused.inc({ server: this.rt.config.name, reason: 'spool-failure' });
          this.logEvent('spool-failure', { error: clean(result.error.message) }, 'error');
          done(replyError(serverReplies.spoolFailure()));
        } else {
          this.rt.metrics.messagesAccepted.inc({ server: this.rt.config.name });
          this.logEvent('queued', { id: result.id, size: result.size, mailFrom: clean(mailFrom), recipients: recipients.length });
          this.rt.goodClients.remember(this.remoteAddress);
          this.rt.onSpooled();
          const queued = serverReplies.queued(result.id);
          done(null, `${queued.enhanced} ${queued.text}`);
        }
        this.armIdle();
      });
    });
  }
}

// Per throttle, so the queue lives as long as the failure counts it protects (across reloads).
const authQueues = new WeakMap<AuthThrottle, KeyedQueue>();
function authQueueFor(throttle: AuthThrottle): KeyedQueue {
  let queue = authQueues.get(throttle);
  if (!queue) authQueues.set(throttle, (queue = new KeyedQueue()));
  return queue;
}

/**
 * The recipients as the spool keeps them: each delivered to its mapped address (the bare
 * postmaster to its mailbox), and one copy per local mailbox when two forms name the same
 * one (Maildir folders are lower-case, in Unicode normal form C). Relayed addresses stay as given: a remote local part
 * may be case-sensitive.
 */
function spoolRecipients(addresses: string[], routes: ReadonlyMap<string, { route: RecipientRoute; deliverTo: string }>): SpoolRecipient[] {
  const seen = new Set<string>();
  const recipients: SpoolRecipient[] = [];
  for (const given of addresses) {
    const known = routes.get(given.toLowerCase());
    const address = known?.deliverTo ?? given;
    const route = known?.route ?? 'local';
    // a local mailbox is named by the NFC, lower-case local part (mailbox-path.ts)
    const key = route === 'local' ? `local:${address.normalize('NFC').toLowerCase()}` : `relay:${address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    recipients.push({ address, route });
  }
  return recipients;
}

function reverseDnsSummary(result: ReverseDnsResult): string {
  if (result.status === 'found') return `${result.name}${result.confirmed ? '' : ' (unconfirmed)'}`;
  if (result.status === 'none') return 'none';
  return `error: ${result.reason}`;
}

interface ReceivedFields {
  helo: string | null;
  ptr: string | null;
  address: string;
  hostname: string;
  id: string;
  protocol: string;
  tls: TlsFacts | null;
  recipient: string | null;
  date: Date;
}

/** The trace header every MTA prepends (RFC 5321 4.4), with the TLS details as Postfix writes them. */
export function receivedHeader(f: ReceivedFields): string {
  const from = `${f.helo ? clean(f.helo) : 'unknown'} (${f.ptr ?? 'unknown'} [${f.address}])`;
  const tls = f.tls ? `\r\n\t(using ${f.tls.version} with cipher ${f.tls.cipher} (${f.tls.cipherBits}/${f.tls.cipherBits} bits))` : '';
  const rcpt = f.recipient ? `\r\n\tfor <${clean(f.recipient)}>` : '';
  return `Received: from ${from}\r\n\tby ${f.hostname} (smtppolicy) with ${f.protocol} id ${f.id}${tls}${rcpt};\r\n\t${f.date.toUTCString().replace('GMT', '+0000')}\r\n`;
}
