// Rate limits: how many connections, messages (MAIL FROM) and recipients (RCPT TO) one
// client address, client network or authenticated user may make per period (Postfix's
// `smtpd_client_connection_rate_limit`, `smtpd_client_message_rate_limit`,
// `smtpd_client_recipient_rate_limit`; Haraka's limit plugin). The counting is the shared
// state's (runtime/state: one count for every process serving the policy); what is counted
// under which key, who is exempt, and what a client over a limit is told is decided here:
//
//  1. rateLimitsFor(server, event, facts) names the limits an event counts against and the
//     key of each (`message:user:alice@example.com`); the server counts the event under each
//     key and hands the verdicts back as `facts.rates`, keyed by the limit's name;
//  2. rateDecision() turns the verdicts into the refusal of the first limit exceeded, or
//     into trace steps. Without verdicts (explain) the steps say which limits apply and the
//     reply a client over them would get.
//
// As in Postfix, every event counts, accepted or not (a recipient refused as unknown still
// counts: that is what stops a harvest), and clients the policy trusts by address (a relay
// grant that matches the address, Postfix's `smtpd_client_event_limit_exceptions =
// $mynetworks`) are exempt from the address and network limits; a user's limit holds
// wherever the user logs in from.
import { parseAddress } from '../../net/ip.js';
import { clientNetwork } from '../../net/client-network.js';
import type { RateEvent, RateLimitConfig } from '../config/types.js';
import type { CompiledServer } from './compile.js';
import { replies } from './replies.js';
import { describeEntry } from './reverse-dns.js';
import type { SessionFacts, SmtpReply, TraceStep } from './types.js';

/** A limit an event counts against: what the server asks the shared state to count. */
export interface AppliedRate {
  /** The setting's name, `message-rate-per-user`: the key of `facts.rates`, the `limit` of the log line and metric. */
  name: string;
  limit: RateLimitConfig;
  /** The shared state's key: `message:user:alice@example.com`. */
  key: string;
  /** Whose events, as the reply and the trace name it: an address, a network, `user NAME`. */
  subject: string;
}

export interface RateLimitsFor {
  applies: AppliedRate[];
  /** Set when the client is exempt from the address and network limits (the step that says why). */
  exempt?: TraceStep;
}

/** The name of a limit as written in the policy: `connection-rate-per-address`. */
export function rateLimitName(limit: Pick<RateLimitConfig, 'event' | 'per'>): string {
  return `${limit.event}-rate-per-${limit.per}`;
}

export function rateLimitsFor(server: CompiledServer, event: RateEvent, facts: SessionFacts): RateLimitsFor {
  const rates = server.config.limits.rates ?? [];
  const applies: AppliedRate[] = [];
  if (rates.length === 0) return { applies };
  const address = parseAddress(facts.clientAddress);
  const grant = address === undefined ? undefined : server.relay.matchAddress(address);
  const user = facts.user ?? null;
  let exempt: TraceStep | undefined;
  for (const limit of rates) {
    if (limit.event !== event) continue;
    if (limit.per === 'user') {
      if (user === null) continue;
      const name = user.toLowerCase();
      applies.push({ name: rateLimitName(limit), limit, key: `${event}:user:${name}`, subject: `user ${name}` });
      continue;
    }
    if (grant !== undefined) {
      exempt ??= { step: `${event} rate limits of client address ${address!.text}`, result: `exempt: the relay grant ${describeEntry(grant, grant.cidr)} trusts it`, source: grant.source };
      continue;
    }
    const text = address?.text ?? facts.clientAddress;
    const subject = limit.per === 'address' ? text : clientNetwork(text);
    applies.push({ name: rateLimitName(limit), limit, key: `${event}:${limit.per}:${subject}`, subject });
  }
  return exempt ? { applies, exempt } : { applies };
}

/** The refusal a client over `applied` gets (421 closes the connection; 450 refuses the command). */
export function rateRefusal(server: CompiledServer, applied: AppliedRate): SmtpReply {
  switch (applied.limit.event) {
    case 'connection':
      return replies.connectionRateExceeded(server.config.hostname, applied.subject);
    case 'message':
      return replies.messageRateExceeded(applied.subject);
    case 'recipient':
      return replies.recipientRateExceeded(applied.subject);
  }
}

/** What the rate limits say about one event: refused by the first limit exceeded, or the steps of those that hold. */
export type RateDecision = { refused: false; trace: TraceStep[] } | { refused: true; limit: string; reply: SmtpReply; trace: TraceStep[] };

export function rateDecision(server: CompiledServer, event: RateEvent, facts: SessionFacts): RateDecision {
  const { applies, exempt } = rateLimitsFor(server, event, facts);
  const trace: TraceStep[] = exempt ? [exempt] : [];
  for (const applied of applies) {
    const { limit } = applied;
    const step = `${applied.name} ${limit.count}/${formatPeriod(limit.periodMs)} for ${applied.subject}`;
    const verdict = facts.rates?.[applied.name];
    if (verdict === undefined) {
      // explain: the counts live in the running server
      const reply = rateRefusal(server, applied);
      trace.push({ step, result: `applies (counted by the server); over it: ${reply.code} ${reply.enhanced} ${reply.text}`, source: limit.source });
      continue;
    }
    if (verdict.allowed) {
      trace.push({ step, result: 'within the limit', source: limit.source });
      continue;
    }
    trace.push({ step, result: `exceeded: refused, the window ends in ${formatPeriod(Math.max(1000, verdict.retryAfterMs))}`, source: limit.source });
    return { refused: true, limit: applied.name, reply: rateRefusal(server, applied), trace };
  }
  return { refused: false, trace };
}

/** `60000` → `1m`, `90000` → `90s`: the largest unit that divides the period (rounded up to seconds). */
export function formatPeriod(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
