// Failed-login throttling. Two independent counters, each over a sliding window:
//
//  - per client address: a guesser trying many user names from one place is slowed and
//    then cut off;
//  - per (user, client address): a guesser trying one user's password is slowed and cut
//    off, but only at that address. Counting per user alone would let anyone lock a user
//    out from everywhere by failing on purpose; keying on (user, address) keeps the real
//    user, connecting from elsewhere, able to log in.
//
// Each failure delays the reply by base·2^(n-1) ms (capped), and once either counter
// reaches `limit` within the window the session gets `421 4.7.0` and is closed; further
// AUTH from that address (or for that user from that address) is refused until the window
// has passed. A success clears the (user, address) counter.

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
  now?: () => number;
  maxTracked?: number;
}

export class AuthThrottle {
  private readonly byAddress = new Map<string, number[]>();
  private readonly byUserAddress = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: AuthThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Is AUTH from this address (for this user, when known) refused outright right now? */
  isLockedOut(address: string, user?: string): boolean {
    if (this.options.limit <= 0) return false;
    if (this.recent(this.byAddress, address).length >= this.options.limit) return true;
    return user !== undefined && this.recent(this.byUserAddress, key(user, address)).length >= this.options.limit;
  }

  recordFailure(address: string, user: string): ThrottleVerdict {
    const t = this.now();
    const perAddress = this.push(this.byAddress, address, t);
    const perUser = this.push(this.byUserAddress, key(user, address), t);
    const count = Math.max(perAddress, perUser);
    const base = this.options.baseDelayMs ?? 250;
    const delayMs = Math.min(this.options.maxDelayMs ?? 8000, base * 2 ** (count - 1));
    return { delayMs, lockedOut: this.options.limit > 0 && count >= this.options.limit };
  }

  recordSuccess(address: string, user: string): void {
    this.byUserAddress.delete(key(user, address));
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
    // bounded memory: forget the least recently failing keys first
    const max = this.options.maxTracked ?? 100_000;
    while (map.size > max) map.delete(map.keys().next().value as string);
    return list.length;
  }
}

function key(user: string, address: string): string {
  return `${user.toLowerCase()}\u0000${address}`;
}
