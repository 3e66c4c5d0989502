// The shared state of several hosts: every slot, throttle and rate decision is a Lua script
// in one Redis (redis-scripts.ts), so the policy's limits hold across every process of
// every host that names the same Redis, exactly.
//
// Connection slots are counted per process lease (redis-lease.ts, which says why the limits
// stay exact): a connection costs one script, a session's end a few bytes added to the
// next one, and the slots of a process that died go with its lease.
//
// When Redis cannot decide (unreachable, slow, an error), the policy's `on-unreachable`
// says what happens (fallback-limits.ts): `fail-closed` refuses (421 / 454), `local` asks
// this host's own store (`fallback`) until Redis answers again.
import { authThrottleKey, clientNetwork } from '../../../net/client-network.js';
import { failureVerdict, KNOWN_NETWORK_MS } from '../../auth/auth-throttle.js';
import { ConnectionCounter } from '../connection-counter.js';
import { admitToSlot, perNetworkLimit, reservedSlots, SLOT_REFUSALS, type SlotRefusal } from '../slot-rules.js';
import type { Admission, AttemptResult, CheckOutcome, RateVerdict, ServerLimits, SharedLimitNumbers, SlotGrant } from '../shared-limits.js';
import { StateBackendError } from './redis-backend.js';
import { LOCKED_OUT, RATE_HIT, RECORD_FAILURE, RECORD_SUCCESS, UNLOCK, type LuaScript } from './redis-scripts.js';
import type { ProcessLease, SlotFields } from './redis-lease.js';

/** What the limits need of the Redis connection (redis-backend.ts). */
export interface ScriptRunner {
  run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  setWithTtl(key: string, value: string, ttlMs: number): Promise<void>;
}

export interface RedisLimitsOptions {
  /** Key prefix, so one Redis can hold several deployments' state. */
  prefix: string;
  /** How long a slot outlives its last renewal (a crashed process's slots free after this). */
  leaseMs: number;
  /** How long a login turn may be held (a crashed process's turn frees after this). */
  turnMs: number;
}

export const REDIS_LIMITS_DEFAULTS: RedisLimitsOptions = { prefix: 'smtppolicy:', leaseMs: 30_000, turnMs: 30_000 };

/** Clients that sent mail or logged in within a week keep the reserved slots (as local-limits.ts). */
const GOOD_CLIENT_MS = 7 * 24 * 3600_000;

/** How long a client this process told Redis is good is not told again (the flag lasts a week). */
const GOOD_AGAIN_MS = 10 * 60_000;
/** At most this many addresses remembered as told (a flood of new clients cannot grow it unbounded). */
const GOOD_MEMO_MAX = 10_000;

/** What this process knows of one server's slots. */
export class HeldSlots {
  /** This process's own slots (the precheck's lower bound of every host's). */
  readonly counter = new ConnectionCounter();
  /** Slots taken on the server by every host, as Redis last said. */
  taken = 0;
  /** Addresses told good, and when: a client sending many messages costs one write, not one each. */
  readonly toldGood = new Map<string, number>();
}

export class RedisServerLimits implements ServerLimits {
  private readonly keys: string;

  constructor(
    private readonly redis: ScriptRunner,
    private readonly name: string,
    private readonly limits: SharedLimitNumbers,
    private readonly held: HeldSlots,
    private readonly lease: ProcessLease,
    private readonly owner: string,
    private readonly options: RedisLimitsOptions,
    private readonly nextId: () => number,
  ) {
    this.keys = `${options.prefix}${name}:`;
  }

  /** The field that counts every slot of this server (renewal reports it). */
  static totalField(name: string): string {
    return `${name}|t`;
  }

  // As if the client were known good: Redis knows, this process does not, and a precheck
  // must never refuse what the script would grant (this process's own slots ≤ all hosts').
  precheck(address: string): SlotRefusal | null {
    return admitToSlot(this.limits, this.held.counter, address, true);
  }

  async admit(address: string): Promise<Admission> {
    const fields: SlotFields = [RedisServerLimits.totalField(this.name), `${this.name}|a|${address}`, `${this.name}|n|${clientNetwork(address)}`];
    const max = this.limits.maxConnections;
    const [verdict, taken] = await this.lease.admit(`${this.keys}good:${address}`, fields, [
      max, max - reservedSlots(this.limits), this.limits.maxConnectionsPerAddress, perNetworkLimit(this.limits),
    ]);
    this.held.taken = Number(taken);
    if (verdict !== 'ok') {
      if (!(SLOT_REFUSALS as readonly string[]).includes(verdict)) throw new StateBackendError(new Error(`unexpected admit reply ${verdict}`));
      return { refusal: verdict as SlotRefusal };
    }
    const releaseLocal = this.held.counter.add(address);
    let released = false;
    const grant: SlotGrant = {
      release: () => {
        if (released) return;
        released = true;
        releaseLocal();
        this.lease.free(fields);
      },
    };
    return { slot: grant };
  }

  underStress(): boolean {
    return this.held.taken * 2 >= this.limits.maxConnections;
  }

  rememberGood(address: string): void {
    const now = Date.now();
    const told = this.held.toldGood.get(address);
    if (told !== undefined && now - told < GOOD_AGAIN_MS) return;
    if (this.held.toldGood.size >= GOOD_MEMO_MAX) this.held.toldGood.clear();
    this.held.toldGood.set(address, now);
    void this.redis.setWithTtl(`${this.keys}good:${address}`, '1', GOOD_CLIENT_MS);
  }

  async authLockedOut(address: string): Promise<boolean> {
    return (await this.redis.run(LOCKED_OUT, this.throttleKeys(address, ''), [this.limits.authFailures, this.limits.authFailureWindowMs, '0'])) === 1;
  }

  // One check at a time per network and per user name, across hosts: a Redis lock each,
  // always the network's first, so two checks never wait for each other in a cycle.
  async authAttempt(address: string, user: string, check: () => Promise<CheckOutcome>): Promise<AttemptResult> {
    const network = authThrottleKey(address);
    const turns = [`${this.keys}turn:net:${network}`, `${this.keys}turn:user:${user.toLowerCase()}`];
    const token = `${this.owner}:${this.nextId()}`;
    const taken: string[] = [];
    try {
      for (const turn of turns) {
        await this.takeTurn(turn, token);
        taken.push(turn);
      }
      const keys = this.throttleKeys(address, user);
      const locked = await this.redis.run(LOCKED_OUT, keys, [this.limits.authFailures, this.limits.authFailureWindowMs, '1']);
      if (locked === 1) return 'locked-out';
      const outcome = await check();
      if ('unavailable' in outcome) return outcome;
      try {
        if ('user' in outcome) {
          await this.redis.run(RECORD_SUCCESS, [keys[1]!, keys[3]!], [KNOWN_NETWORK_MS]);
          return outcome;
        }
        const counts = (await this.redis.run(RECORD_FAILURE, keys, [this.limits.authFailureWindowMs, `${token}`])) as number[];
        return {
          verdict: failureVerdict({ perNetwork: counts[0]!, perUserNetwork: counts[1]!, perUser: counts[2]!, knownNetwork: counts[3] === 1 }, { limit: this.limits.authFailures }),
        };
      } catch (error) {
        // the check ran but its outcome could not be counted: a failure must not become a
        // free guess, so the client is told to try later (454) whatever the fallback
        if ('user' in outcome) return outcome;
        return { unavailable: (error as Error).message };
      }
    } finally {
      for (const turn of taken) this.redis.run(UNLOCK, [turn], [token]).catch(() => {});
    }
  }

  async rateHit(key: string, limit: number, periodMs: number): Promise<RateVerdict> {
    const [allowed, retryAfterMs] = (await this.redis.run(RATE_HIT, [`${this.keys}rate:${periodMs}:${key}`], [limit, periodMs])) as [number, number];
    return { allowed: allowed === 1, retryAfterMs: Number(retryAfterMs) };
  }

  /** Waits for the turn (SET NX with a TTL); a turn not freed in turnMs is a backend failure. */
  private async takeTurn(key: string, token: string): Promise<void> {
    const deadline = Date.now() + this.options.turnMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      if (await this.redis.setIfAbsent(key, token, this.options.turnMs)) return;
      if (Date.now() > deadline) throw new StateBackendError(new Error(`the login turn ${key} was not freed within ${this.options.turnMs} ms`));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Failures of the network, of (user, network), of the user; the (user, network) known flag. */
  private throttleKeys(address: string, user: string): string[] {
    const base = `${this.keys}auth:${this.limits.authFailures}/${this.limits.authFailureWindowMs}:`;
    const network = authThrottleKey(address);
    const u = user.toLowerCase();
    return [`${base}net:${network}`, `${base}un:${u}\u0000${network}`, `${base}u:${u}`, `${base}known:${u}\u0000${network}`];
  }
}
