// Per-recipient delivery state, stored as state/<id>.json next to the queued message and
// rewritten atomically after every attempt. It is what makes a restart resume without
// re-delivering: a recipient recorded as `delivered` or `failed` is never tried again.

import type { StoredEnvelope } from './spool.js';

export type RecipientStatus =
  /** Not delivered yet: waits for `nextAttemptAt` (or, when that is null, for an operator or a config change). */
  | 'pending'
  | 'delivered'
  /** Permanently failed or expired; a DSN was queued unless the sender was null. */
  | 'failed';

export interface AttemptError {
  /** RFC 3463 enhanced status code, e.g. `5.1.1`, `4.4.1`. */
  status: string;
  /** What went wrong, one line: the remote reply or a local explanation. */
  diagnostic: string;
  /** `smtp` when `diagnostic` is a reply from a remote server, `x-smtppolicy` for a local explanation. */
  diagnosticType: 'smtp' | 'x-smtppolicy';
  /** The host that answered, when one did. */
  remoteMta: string | null;
}

export interface RecipientState {
  address: string;
  route: 'local' | 'relay';
  status: RecipientStatus;
  attempts: number;
  /** ISO 8601; null while held (e.g. `relay-to hold`). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastError: AttemptError | null;
  /** Why a pending recipient is not being tried (shown by `queue list`). */
  heldReason: string | null;
  completedAt: string | null;
  /** The spool id of the DSN queued for this recipient, if any. */
  dsnId: string | null;
}

export interface DeliveryState {
  version: 1;
  id: string;
  recipients: RecipientState[];
  /**
   * When an operator held the message (`smtppolicy queue hold`, ISO 8601): no recipient is
   * tried until `queue release`. Absent (state files written before holds existed) = null.
   */
  operatorHold?: string | null;
}

export function isFinal(recipient: RecipientState): boolean {
  return recipient.status !== 'pending';
}

/** The state of a message nothing has been tried for yet: every recipient pending, due at arrival. */
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
