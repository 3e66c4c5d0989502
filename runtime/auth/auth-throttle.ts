// Failed-login throttling. Counters over a sliding window, keyed by the client's network
// (an IPv4 address, or an IPv6 /64: one host owns a whole /64, see net/client-network.ts):
//
//  - per network: a guesser trying many user names from one place is slowed and then cut
//    off;
//  - per (user, network): a guesser trying one user's password is slowed and cut off, but
//    only there;
//  - per user, from every network together: a guesser spread over many addresses. Once a
//    user has failed `limit` times in the window from anywhere, the user is under attack,
//    and every network that has failed for that user in the window (and has not logged in
//    as that user lately) is refused that user's AUTH: each further network gets one guess.
//    The user is never locked out as such — counting per user alone would let anyone lock
//    a user out from everywhere by failing on purpose — so the real user, from a network
//    that has not guessed, or from one they logged in from before, still logs in.
//
// Each failure delays the reply by base·2^(n-1) ms (capped), n being the largest of the
// three counts: guessing at one user from many addresses is slowed for all of them.
// Reaching the limit answers `421 4.7.0` and closes the session; further AUTH is refused
// until the window has passed. A success clears the (user, network) counter and remembers
// the network as the user's own.
//
// What this bounds: within one window, an attacker with N networks gets at most
// limit + N − 1 password checks against one user (limit − 1 from the first networks before
// the user counts as under attack, then one per network), and at most `limit` checks per
// network over all users.
import { authThrottleKey } from '../../net/client-network.js';

export interface ThrottleVerdict {
  /** Wait this long before replying to the failure. */
  delayMs: number;
  /** The limit is reached: answer 421 and disconnect. */
  lockedOut: boolean;
}

export interface AuthThrottleOptions {
  limit: number;
  windowMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a successful login keeps its network known as the user's own (default 7 days). */
  knownNetworkMs?: number;
  now?: () => number;
  maxTracked?: number;
}

export class AuthThrottle {
  private readonly byNetwork = new Map<string, number[]>();
  private readonly byUserNetwork = new Map<string, number[]>();
  private readonly byUser = new Map<string, number[]>();
  /** (user, network) → when the user last logged in from there. */
  private readonly knownNetworks = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AuthThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Is AUTH from this address (for this user, when known) refused outright right now? */
  isLockedOut(address: string, user?: string): boolean {
    if (this.options.limit <= 0) return false;
    const network = authThrottleKey(address);
    if (this.recent(this.byNetwork, network).length >= this.options.limit) return true;
    if (user === undefined) return false;
    const failedHere = this.recent(this.byUserNetwork, key(user, network)).length;
    if (failedHere >= this.options.limit) return true;
    return failedHere > 0 && this.underAttack(user) && !this.isKnownNetwork(user, network);
  }

  recordFailure(address: string, user: string): ThrottleVerdict {
    const t = this.now();
    const network = authThrottleKey(address);
    const perNetwork = this.push(this.byNetwork, network, t);
    const perUserNetwork = this.push(this.byUserNetwork, key(user, network), t);
    const perUser = this.push(this.byUser, user.toLowerCase(), t);
    return failureVerdict({ perNetwork, perUserNetwork, perUser, knownNetwork: this.isKnownNetwork(user, network) }, this.options);
  }

  recordSuccess(address: string, user: string): void {
    const k = key(user, authThrottleKey(address));
    this.byUserNetwork.delete(k);
    this.knownNetworks.delete(k);
    this.knownNetworks.set(k, this.now());
    this.bound(this.knownNetworks);
  }

  private underAttack(user: string): boolean {
    return this.recent(this.byUser, user.toLowerCase()).length >= this.options.limit;
  }

  private isKnownNetwork(user: string, network: string): boolean {
    const at = this.knownNetworks.get(key(user, network));
    return at !== undefined && this.now() - at < (this.options.knownNetworkMs ?? KNOWN_NETWORK_MS);
  }

  private recent(map: Map<string, number[]>, k: string): number[] {
    const list = map.get(k);
    if (!list) return [];
    const cutoff = this.now() - this.options.windowMs;
    const kept = list.filter((t) => t > cutoff);
    if (kept.length === 0) map.delete(k);
    else map.set(k, kept);
    return kept;
  }

  private push(map: Map<string, number[]>, k: string, t: number): number {
    const list = this.recent(map, k);
    list.push(t);
    map.delete(k);
    map.set(k, list);
    this.bound(map);
    return list.length;
  }

  /** Bounded memory: forget the least recently touched keys first. */
  private bound(map: Map<string, unknown>): void {
    const max = this.options.maxTracked ?? 100_000;
    while (map.size > max) map.delete(map.keys().next().value as string);
  }
}

/** The failures in the window after the one just recorded, and whether the network is the user's own. */
export interface FailureCounts {
  perNetwork: number;
  perUserNetwork: number;
  perUser: number;
  knownNetwork: boolean;
}

/**
 * What a failure ends in, from the counts after it: the one rule of the delay and the
 * lockout, whichever store counted (this class in memory, or Redis: runtime/state/redis/).
 */
export function failureVerdict(counts: FailureCounts, options: Pick<AuthThrottleOptions, 'limit' | 'baseDelayMs' | 'maxDelayMs'>): ThrottleVerdict {
  const count = Math.max(counts.perNetwork, counts.perUserNetwork, counts.perUser);
  const base = options.baseDelayMs ?? 250;
  const delayMs = Math.min(options.maxDelayMs ?? 8000, base * 2 ** (count - 1));
  const limited = options.limit > 0;
  const lockedOut = limited && (Math.max(counts.perNetwork, counts.perUserNetwork) >= options.limit
    || (counts.perUser >= options.limit && !counts.knownNetwork));
  return { delayMs, lockedOut };
}

/** How long a successful login keeps its network known as the user's own, unless configured. */
export const KNOWN_NETWORK_MS = 7 * 24 * 3600_000;

function key(user: string, network: string): string {
  return `${user.toLowerCase()}\u0000${network}`;
}
