// runtime/state's entry point: the limits every process serving one policy shares (one
// process: in memory; `serve --workers`: through the primary; several hosts: Redis).
export type { Admission, AttemptResult, CheckOutcome, RateVerdict, ServerLimits, SharedLimitNumbers, SharedState, SlotGrant } from './shared-limits.js';
export { SharedStateUnavailableError } from './shared-limits.js';
export { LocalSharedState } from './local-limits.js';
export { ClusterSharedState, PrimaryUnreachableError, type StatePort } from './cluster-limits.js';
export { StateService, type WorkerPort } from './state-service.js';
export { isStateMessage, type StateReply, type StateRequest } from './state-messages.js';
