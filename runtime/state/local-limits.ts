// The shared state of one process: the connection counter, the known-good clients and the
// failed-login throttle in memory. `serve` with one worker uses it directly (no I/O, the
// slot decision is synchronous); with several workers the primary holds one and answers
// the workers' requests from it (state-service.ts), so there is one count per host.
import { AuthThrottle } from '../auth/auth-throttle.js';
import { authThrottleKey } from '../../net/client-network.js';
import { ConnectionCounter } from './connection-counter.js';
import { admitToSlot, underStress } from './slot-rules.js';
import { GoodClients } from './good-clients.js';
import { KeyedQueue } from './keyed-queue.js';
import { RateWindows } from './rate-windows.js';
import type { SlotRefusal } from './slot-rules.js';
import type { Admission, AttemptResult, CheckOutcome, RateVerdict, ServerLimits, SharedLimitNumbers, SharedState } from './shared-limits.js';

/** Clients that sent mail or logged in within a week keep access to the reserved slots (slot-rules.ts). */
const GOOD_CLIENTS = { ttlMs: 7 * 24 * 3600_000, maxEntries: 10_000 };
/**
 * Rate windows kept for all servers together (measured: 282 bytes each with IPv6 address
 * keys, so about 28 MB at most). A flood of more distinct keys within one period makes the
 * oldest windows start afresh (rate-windows.ts); the per-network limits hold against one
 * network's many addresses.
 */
export const RATE_WINDOWS = { maxEntries: 100_000 };

interface ThrottleEntry {
  throttle: AuthThrottle;
  /** Serialises the checks of one network and of one user name (see authAttempt). */
  queue: KeyedQueue;
}

export class LocalSharedState implements SharedState {
  private readonly counters = new Map<string, ConnectionCounter>();
  private readonly goodClients = new Map<string, GoodClients>();
  private readonly throttles = new Map<string, ThrottleEntry>();
  private readonly rates: RateWindows;

  constructor(options: { now?: () => number; rateWindows?: number } = {}) {
    this.rates = new RateWindows({ maxEntries: options.rateWindows ?? RATE_WINDOWS.maxEntries, ...(options.now ? { now: options.now } : {}) });
  }

  server(name: string, limits: SharedLimitNumbers): LocalServerLimits {
    let counter = this.counters.get(name);
    if (!counter) this.counters.set(name, (counter = new ConnectionCounter()));
    let good = this.goodClients.get(name);
    if (!good) this.goodClients.set(name, (good = new GoodClients(GOOD_CLIENTS)));
    // keyed by the setting too: a refused reload with other numbers must not reset the
    // counts the running config relies on (the running config keeps its own entry)
    const throttleKey = `${name}\u0000${limits.authFailures}/${limits.authFailureWindowMs}`;
    let entry = this.throttles.get(throttleKey);
    if (!entry) {
      entry = { throttle: new AuthThrottle({ limit: limits.authFailures, windowMs: limits.authFailureWindowMs }), queue: new KeyedQueue() };
      this.throttles.set(throttleKey, entry);
    }
    return new LocalServerLimits(limits, counter, good, entry, this.rates, name);
  }

  /** Counts a rate event of a server in one synchronous step (the primary answering a worker). */
  rateHitNow(server: string, key: string, limit: number, periodMs: number): RateVerdict {
    return this.rates.hit(rateKey(server, key), limit, periodMs);
  }

  /** Open sessions of a server, all addresses together (for tests and the primary's gauge). */
  openSessions(name: string): number {
    return this.counters.get(name)?.size ?? 0;
  }
}

export class LocalServerLimits implements ServerLimits {
  constructor(
    private readonly limits: SharedLimitNumbers,
    private readonly counter: ConnectionCounter,
    private readonly good: GoodClients,
    private readonly auth: ThrottleEntry,
    private readonly rates: RateWindows,
    /** The server's name: rate keys are counted per virtual server, as the slots are. */
    private readonly serverName: string,
  ) {}

  precheck(address: string): SlotRefusal | null {
    return admitToSlot(this.limits, this.counter, address, this.good.isKnown(address));
  }

  admit(address: string): Admission {
    const refusal = this.precheck(address);
    if (refusal) return { refusal };
    return { slot: { release: this.counter.add(address) } };
  }

  underStress(): boolean {
    return underStress(this.limits, this.counter);
  }

  rememberGood(address: string): void {
    this.good.remember(address);
  }

  /** The synchronous form, for the primary (it answers a worker's request in one step). */
  lockedOutNow(address: string, user?: string): boolean {
    return this.auth.throttle.isLockedOut(address, user);
  }

  async rateHit(key: string, limit: number, periodMs: number): Promise<RateVerdict> {
    return this.rates.hit(rateKey(this.serverName, key), limit, periodMs);
  }

  async authLockedOut(address: string): Promise<boolean> {
    return this.lockedOutNow(address);
  }

  // Always network first, then user, so two checks never wait for each other in a cycle.
  authAttempt(address: string, user: string, check: () => Promise<CheckOutcome>): Promise<AttemptResult> {
    const { throttle, queue } = this.auth;
    return queue.run(`network:${authThrottleKey(address)}`, () => queue.run(`user:${user.toLowerCase()}`, async (): Promise<AttemptResult> => {
      if (throttle.isLockedOut(address, user)) return 'locked-out';
      const outcome = await check();
      if ('user' in outcome) {
        throttle.recordSuccess(address, user);
        return outcome;
      }
      if ('unavailable' in outcome) return outcome;
      return { verdict: throttle.recordFailure(address, user) };
    }));
  }
}

/** Rate keys are counted per virtual server, as the connection slots are. */
function rateKey(server: string, key: string): string {
  return `${server}\u0000${key}`;
}
