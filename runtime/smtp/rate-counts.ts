// Counts one event (a connection, a MAIL FROM, a RCPT TO) under every rate limit the policy
// says it counts against (runtime/policy/rate-limits.ts), in the shared state, so the limits
// hold across `serve --workers`. The verdicts go back to the policy as `facts.rates`; the
// policy decides. Without rate limits nothing is asked and nothing waits.
//
// When the shared state cannot answer (a worker whose primary is gone), the error reaches
// the caller, which refuses temporarily: an event no one counted is never let through.
import type { RateEvent } from '../config/types.js';
import { rateLimitsFor } from '../policy/index.js';
import type { RateCount, SessionFacts } from '../policy/types.js';
import type { ServerRuntime } from './server-runtime.js';

export type RateCounts = Record<string, RateCount>;

/** undefined when no limit applies (no I/O); otherwise the verdicts by limit name. */
export function countRates(rt: ServerRuntime, event: RateEvent, facts: SessionFacts): Promise<RateCounts> | undefined {
  const { applies } = rateLimitsFor(rt.compiled, event, facts);
  if (applies.length === 0) return undefined;
  return Promise.all(applies.map((applied) => rt.limits.rateHit(applied.key, applied.limit.count, applied.limit.periodMs))).then((verdicts) => {
    const counts: RateCounts = {};
    applies.forEach((applied, i) => (counts[applied.name] = verdicts[i]!));
    return counts;
  });
}
