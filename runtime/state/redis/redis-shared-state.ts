// The SharedState of several hosts (the policy's `state { redis "…" }`): the Redis limits
// (redis-limits.ts) with what the policy's `on-unreachable` says when Redis cannot decide:
//
//  - `fail-closed` (the default): the decision is a refusal the client may retry: the
//    connection gets 421 4.3.0, AUTH 454 4.7.0 (SharedStateUnavailableError). Nothing is
//    granted that no host counts.
//  - `local`: this host's own store decides (`fallback`: the process's own, or under
//    `serve --workers` the primary's), so each host enforces the limits by itself: with N
//    hosts a client may get N times the limit while Redis is away. Lint says so.
//
// Every decision taken without Redis is counted (`onFallback`), and the change of state is
// logged once each way by the backend (redis-backend.ts).
import type { Admission, AttemptResult, CheckOutcome, RateVerdict, ServerLimits, SharedLimitNumbers, SharedState } from '../shared-limits.js';
import { SharedStateUnavailableError } from '../shared-limits.js';
import type { SlotRefusal } from '../slot-rules.js';
import { HeldSlots, REDIS_LIMITS_DEFAULTS, RedisServerLimits, type RedisLimitsOptions, type ScriptRunner } from './redis-limits.js';
import { ProcessLease } from './redis-lease.js';
import { StateBackendError } from './redis-backend.js';

export type OnUnreachable = 'fail-closed' | 'local';
export type FallbackDecision = 'admit' | 'auth' | 'rate';

export interface RedisSharedStateOptions {
  redis: ScriptRunner & { readonly up: boolean; readonly error: string; ready(ms: number): Promise<boolean>; close(): Promise<void> };
  onUnreachable: OnUnreachable;
  /** This host's own limits, asked under `on-unreachable local`. */
  fallback: SharedState;
  /** A decision was made without Redis (refused under fail-closed, or by the fallback). */
  onFallback(decision: FallbackDecision, mode: OnUnreachable): void;
  limits?: Partial<RedisLimitsOptions>;
}

export class RedisSharedState implements SharedState {
  private readonly held = new Map<string, HeldSlots>();
  private readonly options: RedisLimitsOptions;
  private seq = 0;
  private readonly renewTimer: NodeJS.Timeout;
  private readonly lease: ProcessLease;

  constructor(private readonly config: RedisSharedStateOptions) {
    this.options = { ...REDIS_LIMITS_DEFAULTS, ...config.limits };
    this.lease = new ProcessLease(config.redis, this.options.prefix, this.options.leaseMs);
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.renewTimer.unref();
  }

  server(name: string, limits: SharedLimitNumbers): ServerLimits {
    let held = this.held.get(name);
    if (!held) this.held.set(name, (held = new HeldSlots()));
    const redis = new RedisServerLimits(this.config.redis, name, limits, held, this.lease, this.lease.owner, this.options, () => ++this.seq);
    return new GuardedLimits(redis, this.config.fallback.server(name, limits), this.config);
  }

  /** Waits (at most `ms`) for Redis's first answer; false when it did not come. */
  ready(ms: number): Promise<boolean> {
    return this.config.redis.ready(ms);
  }

  health(): { up: boolean; refusing: boolean; detail: string } {
    if (this.config.redis.up) return { up: true, refusing: false, detail: 'state backend redis: up' };
    const refusing = this.config.onUnreachable === 'fail-closed';
    const meaning = refusing ? 'sessions refused' : "this host's own limits";
    return { up: false, refusing, detail: `state backend redis unreachable (on-unreachable ${this.config.onUnreachable}: ${meaning}): ${this.config.redis.error}` };
  }

  /** The deployment's key prefix in Redis. */
  get keyPrefix(): string {
    return this.options.prefix;
  }

  /** The prefix of this state's lease names (dropProcessLeases frees them). */
  get leaseOwner(): string {
    return this.lease.owner;
  }

  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    await this.lease.close();
    await this.config.redis.close();
    await this.config.fallback.close?.();
  }

  private async renewAll(): Promise<void> {
    const names = [...this.held.keys()];
    try {
      const taken = await this.lease.renew(names.map((name) => RedisServerLimits.totalField(name)));
      names.forEach((name, i) => (this.held.get(name)!.taken = taken?.[i] ?? this.held.get(name)!.taken));
    } catch {
      // an outage is reported by the backend; the lease is renewed (or resynced) once it is back
    }
  }
}

/** Each decision through Redis; when Redis cannot decide, what `on-unreachable` says. */
class GuardedLimits implements ServerLimits {
  constructor(
    private readonly redis: RedisServerLimits,
    private readonly local: ServerLimits,
    private readonly config: RedisSharedStateOptions,
  ) {}

  precheck(address: string): SlotRefusal | null {
    // Redis's precheck is a lower bound of every host's counts; the fallback's is this
    // host's own, which refuses nothing its admit would grant either
    return this.config.redis.up || this.config.onUnreachable === 'fail-closed' ? this.redis.precheck(address) : this.local.precheck(address);
  }

  admit(address: string): Promise<Admission> {
    return this.decide('admit', () => this.redis.admit(address), async () => this.local.admit(address));
  }

  underStress(): boolean {
    return this.config.redis.up ? this.redis.underStress() : this.local.underStress();
  }

  rememberGood(address: string): void {
    this.redis.rememberGood(address);
    // the fallback knows good clients too, should it have to decide
    this.local.rememberGood(address);
  }

  authLockedOut(address: string): Promise<boolean> {
    return this.decide('auth', () => this.redis.authLockedOut(address), () => this.local.authLockedOut(address));
  }

  authAttempt(address: string, user: string, check: () => Promise<CheckOutcome>): Promise<AttemptResult> {
    return this.decide('auth', () => this.redis.authAttempt(address, user, check), () => this.local.authAttempt(address, user, check));
  }

  rateHit(key: string, limit: number, periodMs: number): Promise<RateVerdict> {
    return this.decide('rate', () => this.redis.rateHit(key, limit, periodMs), () => this.local.rateHit(key, limit, periodMs));
  }

  private async decide<T>(decision: FallbackDecision, viaRedis: () => Promise<T>, viaLocal: () => Promise<T>): Promise<T> {
    try {
      return await viaRedis();
    } catch (error) {
      if (!(error instanceof StateBackendError)) throw error;
      this.config.onFallback(decision, this.config.onUnreachable);
      if (this.config.onUnreachable === 'local') return viaLocal();
      throw new SharedStateUnavailableError(error.message);
    }
  }
}
