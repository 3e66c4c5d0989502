// A whole session as `explain` needs it: connect → (the TLS handshake, when the facts name
// a TLS session) → (auth, when the facts name a user) → mail → rcpt, stopping at the first
// decision that is not accept. The trace of the answer covers every stage checked on the way.
import { decideAuth } from './auth.js';
import type { CompiledServer } from './compile.js';
import { decideConnect } from './connect.js';
import { decideMail } from './mail.js';
import { decideRcpt } from './rcpt.js';
import { decideTlsHandshake, type HandshakeRefusal } from './tls-handshake.js';
import type { Decision, RcptDecision, SessionFacts, TraceStep } from './types.js';

/** A decision with its SMTP reply, or a TLS session the server would never have negotiated. */
export type SessionDecision = RcptDecision | HandshakeRefusal;

export function decideSession(server: CompiledServer, facts: SessionFacts): SessionDecision {
  const trace: TraceStep[] = [];
  const stop = (decision: Decision): RcptDecision | undefined => {
    trace.push(...decision.trace);
    return decision.decision === 'accept' ? undefined : { ...decision, trace };
  };

  const refusedAtConnect = stop(decideConnect(server, facts));
  if (refusedAtConnect) return refusedAtConnect;

  const handshake = decideTlsHandshake(server, facts);
  if (handshake) return { ...handshake, trace: [...trace, ...handshake.trace] };

  if (facts.user !== undefined && facts.user !== null) {
    const refusedAtAuth = stop(authenticationPossible(server, facts));
    if (refusedAtAuth) return refusedAtAuth;
  }

  const refusedAtMail = stop(decideMail(server, facts));
  if (refusedAtMail) return refusedAtMail;

  const rcpt = decideRcpt(server, facts);
  trace.push(...rcpt.trace);
  return { ...rcpt, trace };
}

// The facts say the client is authenticated: check that some configured mechanism could
// have been used in this session state. The first mechanism allowed answers; otherwise the
// refusal of the first configured one (or 504 when none is configured) explains why not.
function authenticationPossible(server: CompiledServer, facts: SessionFacts): Decision {
  const beforeLogin: SessionFacts = { ...facts, user: null };
  const names = [...server.mechanisms.keys()];
  const decisions = (names.length === 0 ? ['PLAIN'] : names).map((name) => decideAuth(server, beforeLogin, name));
  return decisions.find((decision) => decision.decision === 'accept') ?? decisions[0]!;
}
