// DATA: the message streams into the spool behind our Received header, within the size
// limit and the DATA deadline, and the client hears 250 only once the spool has stored and
// fsynced it. What can go wrong, and what the client hears then:
//  - over the size limit: the spool write is abandoned at the limit (memory stays bounded),
//    the rest of DATA is read and dropped, 552 5.3.4;
//  - the spool fails (disk full, I/O error): the rest is read and dropped, 452 4.3.1;
//  - DATA outlasts its deadline: 421, the session ends (the adapter sends it);
//  - the client goes away: the spool write is abandoned, nothing is stored.
// NUL and bare line endings in the data never get here: the session's input screen
// (input-screen.ts) ends the session before the parser sees them.
import { PassThrough, type Readable } from 'node:stream';
import type { TlsFacts } from '../policy/types.js';
import { clean } from '../observe/logger.js';
import type { SpoolRecipient } from '../delivery/spool.js';
import { receivedHeader, receivedProtocol } from './received-header.js';
import { serverReplies } from './server-replies.js';
import { SmtpReplyError, type Answer } from './smtp-reply-error.js';
import type { SessionContext } from './session-context.js';

/** Who handed the message over, as the Received header and the spool record it. */
export interface Arrival {
  sessionId: string;
  /** This server's host name. */
  hostname: string;
  helo: string | null;
  /** The forward-confirmed reverse DNS name, null when there is none. */
  ptr: string | null;
  user: string | null;
  tls: TlsFacts | null;
  /** HELO or EHLO. */
  openingCommand: string | false;
}

export interface Transaction {
  mailFrom: string;
  recipients: SpoolRecipient[];
}

export interface IntakeEvents {
  /** DATA outlasted `data-timeout`: the spool write is abandoned; the session must end. */
  deadline(): void;
  /** The answer to the end of DATA: the queued reply, or the refusal. */
  finished(answer: Answer): void;
}

export class MessageIntake {
  private dataTimer: NodeJS.Timeout | undefined;
  private inData = false;

  constructor(private readonly session: SessionContext) {}

  /** A message is streaming in (the idle timer is off; a NUL here is a content error). */
  get receiving(): boolean {
    return this.inData;
  }

  /** The session ended: no deadline may fire for it. */
  stop(): void {
    clearTimeout(this.dataTimer);
  }

  receive(stream: Readable, transaction: Transaction, arrival: Arrival, events: IntakeEvents): void {
    const { rt, log } = this.session;
    const limits = rt.config.limits;
    this.inData = true;
    this.dataTimer = setTimeout(() => {
      log.event('timeout', { kind: 'data' });
      spoolInput.destroy(new Error('DATA deadline exceeded'));
      events.deadline();
    }, limits.dataTimeoutMs);
    this.dataTimer.unref();

    const { mailFrom, recipients } = transaction;
    const receivedAt = new Date();
    const spoolInput = new PassThrough();
    // destroying it is how a refused message is abandoned; the spool reports the failure
    spoolInput.on('error', () => {});
    spoolInput.write(receivedHeader({
      helo: arrival.helo, ptr: arrival.ptr, address: this.session.remoteAddress, hostname: arrival.hostname, id: arrival.sessionId,
      protocol: receivedProtocol(arrival.openingCommand, arrival.tls !== null, arrival.user !== null),
      tls: arrival.tls, recipient: recipients.length === 1 ? recipients[0]!.address : null, date: receivedAt,
    }));
    const spooled = rt.spool.accept({
      server: rt.config.name,
      receivedAt: receivedAt.toISOString(),
      client: {
        address: this.session.remoteAddress, ptr: arrival.ptr, user: arrival.user,
        tls: arrival.tls ? { version: arrival.tls.version, cipher: arrival.tls.cipher } : null, helo: arrival.helo,
      },
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
        if (oversized) {
          rt.metrics.messagesRefused.inc({ server: rt.config.name, reason: 'size' });
          log.event('message-refused', { reason: 'size', limit: limits.messageSizeBytes }, 'warn');
          events.finished(new SmtpReplyError(serverReplies.messageTooBig(limits.messageSizeBytes)));
        } else if (!result.ok) {
          rt.metrics.messagesRefused.inc({ server: rt.config.name, reason: 'spool-failure' });
          log.event('spool-failure', { error: clean(result.error.message) }, 'error');
          events.finished(new SmtpReplyError(serverReplies.spoolFailure()));
        } else {
          rt.metrics.messagesAccepted.inc({ server: rt.config.name });
          log.event('queued', { id: result.id, size: result.size, mailFrom: clean(mailFrom), recipients: recipients.length });
          rt.limits.rememberGood(this.session.remoteAddress);
          rt.onSpooled();
          events.finished(serverReplies.queued(result.id));
        }
      });
    });
  }
}
