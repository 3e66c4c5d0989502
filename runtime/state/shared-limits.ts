// What a session asks of the limits that must hold across every process serving one
// policy: connection slots (total, per address, per network, the reserved slots of known
// clients, stress), the failed-login throttle (per network, per user and network, per
// user) and the rate limits' windows (rate-windows.ts). Two implementations: local-limits.ts (one process: plain maps, no I/O, answers
// synchronously where it can) and cluster-limits.ts (a `serve --workers` worker: every
// decision is made by the primary, which holds one local-limits store for all workers, so
// the limits hold exactly). A Redis implementation (several hosts) fits the same interface:
// each call is one atomic step, and nothing here assumes the store lives in this process.
// The third, redis/redis-limits.ts (several hosts), is one: every decision is a Lua script.
import type { LimitsConfig } from '../config/types.js';
import type { ThrottleVerdict } from '../auth/auth-throttle.js';
import type { SlotRefusal } from './slot-rules.js';

/** The numbers of a server's `limits` the shared state needs (sent along with each request). */
export type SharedLimitNumbers = Pick<LimitsConfig, 'maxConnections' | 'maxConnectionsPerAddress' | 'idleTimeoutMs' | 'authFailures' | 'authFailureWindowMs'>;

export interface SlotGrant {
  /** Frees the slot (idempotent). */
  release(): void;
}

export type Admission = { refusal: SlotRefusal } | { slot: SlotGrant };

/** What one credential check found, before the throttle records it. */
export type CheckOutcome = { user: string } | { failed: true } | { unavailable: string };

/** What counting one event under a rate limit found (ServerLimits.rateHit). */
export interface RateVerdict {
  allowed: boolean;
  retryAfterMs: number;
}

/** What a throttled credential check ended in. */
export type AttemptResult = 'locked-out' | { user: string } | { verdict: ThrottleVerdict } | { unavailable: string };

export interface RateVerdict { allowed: boolean; retryAfterMs: number }

export interface ServerLimits {
  /**
   * A cheap refusal before a session is built (a flood costs the server little). It may let
   * through what admit() then refuses, but never refuses what admit() would grant.
   */
  precheck(address: string): SlotRefusal | null;
  /** Takes a slot for a session, atomically with the check, across every process sharing the state. */
  admit(address: string): Admission | Promise<Admission>;
  /** Half of the slots or more are taken: idle sessions get the stress timeout. */
  underStress(): boolean;
  /** A client completed a transaction or a login: it may use the reserved slots from now on. */
  rememberGood(address: string): void;
  /** Is AUTH from this address refused outright now (too many failures from its network)? */
  authLockedOut(address: string): Promise<boolean>;
  /**
   * Runs one credential check under the throttle: one at a time per network and per user
   * name across every process sharing the state, refused without running when the address or
   * user is locked out, and its outcome recorded before the next check of either key starts.
   */
  authAttempt(address: string, user: string, check: () => Promise<CheckOutcome>): Promise<AttemptResult>;
  /**
   * Counts one event under `key` (a connection, message or recipient of a client address,
   * network or user) in the current window of `periodMs`, unless the window already holds
   * `limit` of them; atomic across every process sharing the state.
   */
  rateHit(key: string, limit: number, periodMs: number): Promise<RateVerdict>;
}

/**
 * The shared state cannot decide now (its Redis is unreachable) and the policy says
 * `on-unreachable fail-closed`: the session is refused with a 4xx (421 at connect, 454 for
 * AUTH), never given a slot or a password check that no one counts.
 */
export class SharedStateUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharedStateUnavailableError';
  }
}

export interface SharedState {
  /**
   * The limits of one virtual server with its configured numbers. Counts are kept per server
   * name across reloads; throttle counts per name and throttle setting (a reload that
   * changes `auth-failures` or its window starts counting afresh, one that is refused keeps
   * the running counts).
   */
  server(name: string, limits: SharedLimitNumbers): ServerLimits;
  /**
   * Whether the store can decide now (Redis reachable), and whether sessions are refused
   * meanwhile (fail-closed); absent: always up (in-process stores).
   */
  health?(): { up: boolean; refusing: boolean; detail: string };
  /** Lets go of the store's connections and timers (a drained server); absent: nothing to free. */
  close?(): Promise<void>;
}
