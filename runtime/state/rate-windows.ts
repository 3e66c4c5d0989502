// Rate limits' counts: per key, the events of the current fixed window. A window opens with
// the first event of its key and lasts `periodMs` (as Postfix's anvil counts a client over
// `anvil_rate_time_unit` from its first event); an event is counted only while the window
// holds fewer than `limit`, so a refused event does not prolong the refusal.
//
// Fixed rather than sliding: one counter and one start time per key, a decision in O(1),
// and the same arithmetic an atomic Redis script does (INCR + PEXPIRE), so every store of
// `ServerLimits` refuses the same events. The cost is a burst of up to twice the limit
// across a window boundary, which is acceptable for a limit against abuse (Postfix warns
// that these limits are for abuse, not to regulate legitimate traffic).
//
// Memory is bounded: a window that ended is forgotten when its key is seen again or when a
// new window makes room, and at most `maxEntries` windows are kept; past that the window
// opened first is dropped, so a flood of distinct addresses costs a bounded amount of
// memory and at worst lets the oldest of them start afresh.
import type { RateVerdict } from './shared-limits.js';

interface Window {
  endsAt: number;
  count: number;
}

export interface RateWindowsOptions {
  /** Most windows kept at once. */
  maxEntries: number;
  now?: () => number;
}

export class RateWindows {
  /** key → its current window; insertion order is the order windows opened. */
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: RateWindowsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Windows kept now (expired ones included until the next sweep). */
  get size(): number {
    return this.windows.size;
  }

  hit(key: string, limit: number, periodMs: number): RateVerdict {
    const now = this.now();
    let window = this.windows.get(key);
    if (window && now >= window.endsAt) {
      this.windows.delete(key);
      window = undefined;
    }
    if (limit < 1) return { allowed: false, retryAfterMs: periodMs };
    if (!window) {
      this.makeRoom(now);
      this.windows.set(key, { endsAt: now + periodMs, count: 1 });
      return { allowed: true, retryAfterMs: 0 };
    }
    if (window.count >= limit) return { allowed: false, retryAfterMs: window.endsAt - now };
    window.count++;
    return { allowed: true, retryAfterMs: 0 };
  }

  // Windows are kept in the order they opened: ended ones are dropped from the front; when
  // the first is still running and the store is full, it goes to make room.
  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) {
      const live = now < window.endsAt;
      if (live && this.windows.size < this.options.maxEntries) return;
      this.windows.delete(key);
      if (live) return; // the oldest live window made room for the new one
    }
  }
}
