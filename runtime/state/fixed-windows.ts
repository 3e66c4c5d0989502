// Per-period event counts of one process (rateHit of local-limits.ts): a fixed window per
// key and period, as the Redis store keeps them (redis-scripts.ts' RATE_HIT), so that the
// fallback of `on-unreachable local` counts the same way. Windows that have ended are
// dropped as new ones start, so memory follows the keys active in the current period.
import type { RateVerdict } from './shared-limits.js';

interface Window {
  /** Which window of the period (now / period, rounded down). */
  index: number;
  count: number;
  periodMs: number;
}

export class FixedWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  hit(key: string, limit: number, periodMs: number): RateVerdict {
    const now = this.now();
    const index = Math.floor(now / periodMs);
    const id = `${periodMs}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || window.index !== index) {
      this.sweep(now);
      window = { index, count: 0, periodMs };
      this.windows.set(id, window);
    }
    if (window.count >= limit) return { allowed: false, retryAfterMs: (index + 1) * periodMs - now };
    window.count++;
    return { allowed: true, retryAfterMs: 0 };
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [id, window] of this.windows) if (window.index !== Math.floor(now / window.periodMs)) this.windows.delete(id);
  }
}
