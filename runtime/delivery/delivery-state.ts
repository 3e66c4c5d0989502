// Per-recipient delivery state, stored as state/<id>.json next to the queued message and
// rewritten atomically after every attempt. It is what makes a restart resume without
// re-delivering: a recipient recorded as `delivered` or `failed` is never tried again.

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
}

export function isFinal(recipient: RecipientState): boolean {
  return recipient.status !== 'pending';
}
