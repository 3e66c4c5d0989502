// A refusal on its way through smtp-server. The library only knows `Error` objects with a
// `responseCode`: it sends `err.message` as the reply text. A SmtpReplyError keeps the
// typed reply (code, enhanced code, text) it was made from, so that the session can send
// exactly that reply (policy-connection.ts, send()) instead of parsing the enhanced code
// back out of a flattened string.
import type { SmtpReply } from '../policy/types.js';
import { formatReply } from '../policy/types.js';

export class SmtpReplyError extends Error {
  readonly reply: SmtpReply;
  /** The field smtp-server reads the reply code from. */
  readonly responseCode: number;

  constructor(reply: SmtpReply, options?: { cause?: unknown }) {
    // the whole reply line: what a log or a stack trace of this error should show
    super(formatReply(reply), options);
    this.name = 'SmtpReplyError';
    this.reply = reply;
    this.responseCode = reply.code;
  }
}

/** What a check decided for a command: the reply that accepts it, or the error that refuses it. */
export type Answer = SmtpReply | SmtpReplyError;
