// Message rate limits (`message-rate-per-address` / `-per-network`): from verify's source,
// MAIL FROM (each followed by RSET: nothing is ever sent) until the server refuses, at most
// one more than the limit; the refusal must be the policy's `450 4.7.1 Error: too much mail
// from …`. The server is not harmed (no message, one session); what it costs is the source's
// own budget for the window, so the probe runs last and only for limits small enough to
// reach quickly. Earlier probes of the run sent MAIL too: the refusal may come sooner than
// N + 1, never later.
import { decideMail, formatReply, rateLimitsFor } from '../../runtime/policy/index.js';
import { endpointId, type ProbeEndpoint } from '../endpoints.js';
import { skipped, verdict, type Probe } from '../probe.js';
import { formatResponse } from '../smtp-client.js';
import { openSession } from '../smtp-steps.js';
import { senderFor } from './relay.js';

/** Limits above this many messages per window are not probed (N + 1 MAIL commands). */
export const MAX_PROBED_RATE = 25;

export function rateProbes(endpoint: ProbeEndpoint, source: string | undefined): Probe[] {
  const { config } = endpoint.server;
  const base = `${endpointId(config, endpoint.listen)}/rate`;
  return (config.limits.rates ?? [])
    .filter((limit) => limit.event === 'message' && limit.per !== 'user')
    .map((limit) => {
      const name = `message-rate-per-${limit.per}`;
      return {
        id: `${base}/${name}`,
        title: `${name} ${limit.count}: a client over it gets 450 4.7.1 at MAIL FROM`,
        source: limit.source,
        async run(sessions) {
          const expectedWords = `at most ${limit.count} MAIL FROM per window from one ${limit.per}, then 450 4.7.1`;
          if (limit.count > MAX_PROBED_RATE) return skipped(expectedWords, `the limit is ${limit.count}: verify probes message rates of ${MAX_PROBED_RATE} or less (it would send ${limit.count + 1} MAIL commands)`);
          if (!config.auth.anonymous) return skipped(expectedWords, 'MAIL FROM needs a login on this server: the probe sends MAIL without one');
          if (config.tls?.mode === 'required') return skipped(expectedWords, 'TLS is required before MAIL FROM on this server: the probe sends MAIL in the clear');
          const { client } = await openSession(sessions, endpoint, source);
          const facts = await sessions.context.facts(endpoint.server, client.localAddress);
          const applied = rateLimitsFor(endpoint.server, 'message', facts).applies.find((a) => a.name === name);
          if (!applied) return skipped(expectedWords, `the policy exempts ${facts.clientAddress} from ${name} (a relay grant trusts it)`);
          const mailFrom = senderFor(endpoint, undefined);
          const over = decideMail(endpoint.server, { ...facts, mailFrom, rates: { [name]: { allowed: false, retryAfterMs: limit.periodMs } } });
          const expected = `at most ${limit.count} MAIL FROM from ${applied.subject} per window, then ${formatReply(over.reply)}`;
          for (let sent = 1; sent <= limit.count + 1; sent++) {
            const reply = await client.command(`MAIL FROM:<${mailFrom}>`);
            if (reply.code === 250) {
              await client.command('RSET');
              continue;
            }
            const observed = `MAIL FROM number ${sent}: ${formatResponse(reply)}`;
            return verdict(formatResponse(reply) === formatResponse({ code: over.reply.code, enhanced: over.reply.enhanced, lines: [over.reply.text] }), expected, observed, limit.source);
          }
          return verdict(false, expected, `${limit.count + 1} MAIL FROM accepted`, limit.source);
        },
      } satisfies Probe;
    });
}
