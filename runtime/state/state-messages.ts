// The messages between a `serve --workers` worker and the primary about shared state, over
// the cluster's IPC channel. Every request names the server and carries its limit numbers,
// so the primary needs no config of its own to answer (and a reload in the workers needs
// no message to the state). `id` pairs a reply with its request.
import type { ThrottleVerdict } from '../auth/auth-throttle.js';
import type { SlotRefusal } from './slot-rules.js';
import type { RateVerdict, SharedLimitNumbers } from './shared-limits.js';

interface Addressed {
  channel: 'state';
  server: string;
  limits: SharedLimitNumbers;
  address: string;
}

export type StateRequest =
  | (Addressed & { op: 'admit'; id: number })
  | { channel: 'state'; op: 'release'; slot: number }
  | (Addressed & { op: 'good' })
  | (Addressed & { op: 'locked-out'; id: number })
  /** Asks for the throttle's turn for (network, user); answered with `go` or `locked-out`. */
  | (Addressed & { op: 'auth-begin'; id: number; user: string })
  /** Ends the turn `auth-begin` gave, with what the check found ('none': no outcome to record). */
  | { channel: 'state'; op: 'auth-end'; id?: number; turn: number; outcome: 'success' | 'failure' | 'none' }
  /** Counts one event of a rate limit (ServerLimits.rateHit); answered with its verdict. */
  | { channel: 'state'; op: 'rate-hit'; id: number; server: string; key: string; limit: number; periodMs: number };

export type StateReply =
  | { channel: 'state'; id: number; refusal: SlotRefusal; stressed: boolean }
  | { channel: 'state'; id: number; slot: number; stressed: boolean }
  | { channel: 'state'; id: number; lockedOut: boolean }
  | { channel: 'state'; id: number; go: true }
  | { channel: 'state'; id: number; verdict: ThrottleVerdict | null }
  | { channel: 'state'; id: number; rate: RateVerdict }
  /** Not a reply: the primary tells every worker that a server came under stress or left it. */
  | { channel: 'state'; stress: { server: string; stressed: boolean } };

export function isStateMessage(message: unknown): message is { channel: 'state' } {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'state';
}
