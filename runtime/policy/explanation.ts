// What `explain` tells a user about one client: the arrival (a PROXY header, a gateway),
// then the session up to RCPT, decided by the functions the server calls, and the same
// words for it wherever it is shown (the `explain` command, the browser playground).

import { decideArrival, type ArrivalFacts } from './arrival.js';
import type { CompiledServer } from './compile.js';
import { formatReply } from './types.js';
import { decideSession, type SessionDecision } from './session.js';
import type { SessionFacts, SmtpReply, TraceStep } from './types.js';

/** A connection refused on arrival (an untrusted or unusable PROXY header), before any session. */
export interface ArrivalRefusal {
  decision: 'refuse';
  stage: 'connect';
  /** null: the connection is closed without a greeting. */
  reply: SmtpReply | null;
  trace: TraceStep[];
}

export type Explanation = SessionDecision | ArrivalRefusal;

/**
 * The client arrives (`arrival`), then runs a session with the address the server then
 * sees; the trace covers both.
 */
export function explainClient(server: CompiledServer, arrival: ArrivalFacts, session: Omit<SessionFacts, 'clientAddress'>): Explanation {
  const arrived = decideArrival(server, arrival);
  if (arrived.decision === 'refuse') return { decision: 'refuse', stage: 'connect', reply: arrived.reply, trace: arrived.trace };
  const decided = decideSession(server, { ...session, clientAddress: arrived.clientAddress });
  return { ...decided, trace: [...arrived.trace, ...decided.trace] };
}

/** The explanation as the lines `explain` prints: decision, reply, delivery, numbered trace. */
export function explanationLines(explanation: Explanation): string[] {
  const reply = explanation.reply === null ? null : formatReply(explanation.reply);
  const rcpt = explanation.stage === 'rcpt' ? explanation : undefined;
  const targets = rcpt?.targets;
  return [
    `decision: ${explanation.decision} at ${explanation.stage}${rcpt?.route ? ` (${rcpt.route} delivery)` : ''}`,
    `reply:    ${reply ?? noReply(explanation.stage)}`,
    ...(rcpt?.deliverTo && !targets ? [`deliver:  to ${rcpt.deliverTo}`] : []),
    ...(targets ? [`deliver:  to ${targets.map((t) => `${t.address} (${t.route === 'local' ? 'Maildir' : 'relay queue'})`).join(', ')}`] : []),
    ...(rcpt?.aliasLoops ?? []).map((loop) => `loop:     ${loop.join(' → ')} (delivered once, to ${loop.at(-1)})`),
    'trace:',
    ...explanation.trace.map((step, i) => `  ${String(i + 1).padStart(2)}. ${step.step}: ${step.result}${step.source ? `  [${step.source}]` : ''}`),
  ];
}

/** Where the client gets no SMTP reply at all, explain says why instead of inventing one. */
function noReply(stage: string): string {
  return stage === 'tls' ? 'none: the TLS handshake fails, the client gets no SMTP reply' : 'none: the connection is closed without a reply';
}
