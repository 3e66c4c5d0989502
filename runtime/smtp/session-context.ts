// What the session's parts (authentication, envelope checks, message intake) may see of
// the session that uses them: its runtime, its log, its client and the facts the policy
// decides on. The adapter (policy-connection.ts) implements it; the parts never touch the
// smtp-server connection, so only the adapter depends on the library's internals.
import type { SMTPServerEnvelope } from 'smtp-server';
import type { SessionFacts } from '../policy/types.js';
import type { ServerRuntime } from './server-runtime.js';
import type { SessionLog } from './session-log.js';

export interface SessionContext {
  readonly rt: ServerRuntime;
  readonly log: SessionLog;
  readonly remoteAddress: string;
  /** The facts of the session so far, with the command's own (sender, recipient) added. */
  facts(extra?: Partial<SessionFacts>): SessionFacts;
  /** The transaction in progress, as the library keeps it. */
  readonly envelope: SMTPServerEnvelope | undefined;
}
