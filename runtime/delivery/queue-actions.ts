// What `smtppolicy queue hold | release | delete | requeue` do to one message in the spool.
//
// Each runs in the one process that may change that message at that moment: the server's
// delivery worker (which first waits for a delivery attempt of the message in progress and
// starts no other until the action is done: worker.ts, control()), or, when no server runs
// on the spool, `smtppolicy queue` itself (queue-control.ts decides which). The files change
// as every spool change does: a hold or release rewrites state/<id>.json atomically (temp
// file, fsync, rename), a delete removes the envelope first (the message is gone from that
// instant) and the rest after.
import { initialState } from './delivery-state.js';
import { isErrno } from './fs-durable.js';
import type { Spool, StoredEnvelope } from './spool.js';

export const QUEUE_ACTIONS = ['hold', 'release', 'delete', 'requeue'] as const;
export type QueueAction = (typeof QUEUE_ACTIONS)[number];

/**
 * What an action did to one message. `not-found`: no such message (never queued, or
 * delivered, bounced or deleted before the action reached it); `still-held`: requeue found
 * the message held, and a held message waits for `release` whatever else is asked.
 */
export type QueueActionOutcome = 'held' | 'already-held' | 'released' | 'not-held' | 'deleted' | 'requeued' | 'still-held' | 'not-found';

/** Holds the message: no recipient of it is tried until it is released. */
export async function holdMessage(spool: Spool, id: string, now: Date): Promise<QueueActionOutcome> {
  const envelope = await envelopeOrNull(spool, id);
  if (!envelope) return 'not-found';
  const state = (await spool.readState(id)) ?? initialState(envelope);
  if (state.operatorHold) return 'already-held';
  state.operatorHold = now.toISOString();
  await spool.writeState(state);
  return 'held';
}

/** Lifts an operator's hold: each recipient is tried again when its retry is due (at once if it is). */
export async function releaseMessage(spool: Spool, id: string): Promise<QueueActionOutcome> {
  if (!(await envelopeOrNull(spool, id))) return 'not-found';
  const state = await spool.readState(id);
  if (!state?.operatorHold) return 'not-held';
  state.operatorHold = null;
  await spool.writeState(state);
  return 'released';
}

/** Removes the message without delivering it and without a DSN (as postsuper -d). */
export async function deleteMessage(spool: Spool, id: string): Promise<QueueActionOutcome> {
  return (await spool.remove(id)) ? 'deleted' : 'not-found';
}

/**
 * Whether a message can be requeued: `requeued` when it is queued and not held. The caller
 * makes it happen (the worker forces an attempt; without a server, a request in control/
 * waits for the next start).
 */
export async function requeueOutcome(spool: Spool, id: string): Promise<QueueActionOutcome> {
  if (!(await envelopeOrNull(spool, id))) return 'not-found';
  return (await spool.readState(id))?.operatorHold ? 'still-held' : 'requeued';
}

async function envelopeOrNull(spool: Spool, id: string): Promise<StoredEnvelope | null> {
  try {
    return await spool.readEnvelope(id);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}
