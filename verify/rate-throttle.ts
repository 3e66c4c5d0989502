// Servers limit messages and recipients per client and window (smtppolicy: `limits {
// message-rate-per-address N/D … }`), and verify's own probes send MAIL and RCPT from one
// source: a policy with a small limit refuses the later probes with `450 4.7.1` before
// deciding what they check. That is the server's rate limit working, not a wrong decision,
// so the probe says so and is skipped, never failed (as for the login throttle).
import type { RateEvent } from '../runtime/config/types.js';
import { formatPeriod, rateLimitsFor, type CompiledServer, type SessionFacts } from '../runtime/policy/index.js';
import type { SmtpResponse } from './smtp-client.js';
import { describeResponse } from './smtp-steps.js';

/**
 * Why `reply` (to MAIL or RCPT) is the rate limit and not the decision the probe checks;
 * undefined when it is not a rate refusal, or no rate limit of the policy applies.
 */
export function rateLimitedReason(server: CompiledServer, event: RateEvent, facts: SessionFacts, reply: SmtpResponse): string | undefined {
  if (reply.code !== 450 || reply.enhanced !== '4.7.1' || !/^Error: too (much mail|many recipients) from /.test(reply.lines[0] ?? '')) return undefined;
  const limits = rateLimitsFor(server, event, facts).applies;
  if (limits.length === 0) return undefined;
  const named = limits.map((a) => `${a.name} ${a.limit.count}/${formatPeriod(a.limit.periodMs)}`).join(', ');
  return `the server is rate limiting ${facts.clientAddress} (${describeResponse(reply)}; the policy sets ${named}), and verify's own earlier commands count; `
    + 'run verify again once the window has passed, or from another --source';
}
