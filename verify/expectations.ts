// Turning a policy decision into an expectation and judging a reply against it. The
// policy's exact reply is shown, but a server passes when it gives the same kind of
// answer: the same outcome (2xx accept, 5xx refuse, 4xx temporary) and, when both carry
// an enhanced status code, the same subject (x.7.x: security or policy). Closing the
// connection instead of replying counts as a refusal, as a firewall's would.
import { formatReply, type Decision } from '../runtime/policy/index.js';
import type { SmtpResponse } from './smtp-client.js';

export function describeDecision(decision: Decision): string {
  const because = decision.trace.at(-1);
  const why = because ? ` (${because.step}: ${because.result})` : '';
  return `${decision.decision} at ${decision.stage.toUpperCase()}: ${formatReply(decision.reply)}${why}`;
}

/** The policy location that decided: the last trace step that names one. */
export function decidingSource(decision: Decision): string | null {
  for (let i = decision.trace.length - 1; i >= 0; i--) {
    const source = decision.trace[i]!.source;
    if (source !== null) return source;
  }
  return null;
}

function subject(enhanced: string): string {
  return enhanced.split('.')[1] ?? '';
}

export function replyMatches(decision: Decision, reply: SmtpResponse | null): boolean {
  const expectedClass = Math.floor(decision.reply.code / 100);
  if (reply === null) return decision.decision !== 'accept';
  if (Math.floor(reply.code / 100) !== expectedClass) return false;
  if (decision.decision === 'accept' || reply.enhanced === null) return true;
  return subject(reply.enhanced) === subject(decision.reply.enhanced);
}
