// The delivery subsystem's public API: the durable spool and the worker that empties it.
export { Spool, SpoolWriteError, type SpoolEnvelope, type SpoolRecipient, type StoredEnvelope } from './spool.js';
export { startDeliveryWorker, HOLD_REASON, type DeliveryWorker, type DeliveryWorkerOptions, type DeliveryLogger, type DeliveryMetrics } from './worker.js';
export type { DeliveryState, RecipientState, AttemptError } from './delivery-state.js';
export { isSpoolId } from './spool-id.js';
export { pendingReason, readQueue, readQueueEntry, readQueuedMessage, type QueueEntry } from './queue-view.js';
export { deleteMessage, holdMessage, releaseMessage, requeueOutcome, QUEUE_ACTIONS, type QueueAction, type QueueActionOutcome } from './queue-actions.js';
export { askQueueControl, QueueControlError, type QueueActionResult } from './queue-control.js';
