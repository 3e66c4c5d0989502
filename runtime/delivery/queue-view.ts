// What `smtppolicy queue` shows: each queued message with its envelope and the state of each
// recipient, read from the spool without disturbing a server that is delivering from it.
import type { Spool, StoredEnvelope } from './spool.js';
import { initialState, type DeliveryState, type RecipientState } from './delivery-state.js';
import { isErrno } from './fs-durable.js';

export interface QueueEntry {
  id: string;
  size: number;
  arrivalTime: string;
  server: string;
  sender: string;
  client: StoredEnvelope['client'];
  /** `held`: an operator held it, or every pending recipient waits for a config change; `deferred`: some failed and wait for a retry; `queued`: not tried yet. */
  status: 'queued' | 'deferred' | 'held';
  /** When an operator held it (`smtppolicy queue hold`), or null. */
  operatorHold: string | null;
  recipients: RecipientState[];
}

export async function readQueueEntry(spool: Spool, id: string): Promise<QueueEntry | null> {
  let envelope: StoredEnvelope;
  let state: DeliveryState | null;
  try {
    envelope = await spool.readEnvelope(id);
    state = await spool.readState(id);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null; // delivered or deleted while we looked
    throw error;
  }
  const recipients = (state ?? initialState(envelope)).recipients;
  const operatorHold = state?.operatorHold ?? null;
  const pending = recipients.filter((r) => r.status === 'pending');
  const status = operatorHold !== null || (pending.length > 0 && pending.every((r) => r.heldReason !== null))
    ? 'held'
    : pending.some((r) => r.attempts > 0)
      ? 'deferred'
      : 'queued';
  return {
    id,
    size: envelope.size,
    arrivalTime: envelope.receivedAt,
    server: envelope.server,
    sender: envelope.mailFrom,
    client: envelope.client,
    status,
    operatorHold,
    recipients,
  };
}

export async function readQueue(spool: Spool): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  for (const id of await spool.ids()) {
    const entry = await readQueueEntry(spool, id);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Why a pending recipient has not been delivered yet, in one line. */
export function pendingReason(recipient: RecipientState): string | null {
  if (recipient.heldReason) return recipient.heldReason;
  if (recipient.lastError) return recipient.lastError.diagnostic;
  return null;
}

/** The message as received (`queue show`); null when it left the queue. */
export async function readQueuedMessage(spool: Spool, id: string): Promise<Buffer | null> {
  if (!(await spool.has(id))) return null;
  try {
    return await spool.readMessage(id);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null; // delivered or deleted while we looked
    throw error;
  }
}
