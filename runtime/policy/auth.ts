// May the client start AUTH with this mechanism now? Credentials are checked afterwards by
// the server's credential store; this only decides whether the exchange may begin.
import { offerMechanisms } from './auth-offer.js';
import type { CompiledServer } from './compile.js';
import { replies } from './replies.js';
import type { Decision, SessionFacts, SmtpReply, TraceStep } from './types.js';

export function decideAuth(server: CompiledServer, facts: SessionFacts, mechanism: string): Decision {
  const name = mechanism.toUpperCase();
  const auth = server.config.auth;
  const trace: TraceStep[] = [];
  const answer = (decision: Decision['decision'], reply: SmtpReply): Decision => ({ decision, stage: 'auth', reply, trace });

  if (facts.user !== undefined && facts.user !== null) {
    trace.push({ step: 'already authenticated', result: `the session is authenticated as ${facts.user}`, source: null });
    return answer('refuse', replies.alreadyAuthenticated);
  }
  const configured = server.mechanisms.get(name);
  if (configured === undefined) {
    const list = [...server.mechanisms.keys()];
    trace.push({
      step: `AUTH ${name} configured`,
      result: list.length === 0 ? 'no: the server offers no AUTH' : `no: the server offers ${list.join(', ')}`,
      source: auth.source,
    });
    return answer('refuse', replies.authUnrecognized);
  }
  trace.push({
    step: `AUTH ${name} configured`,
    result: configured.userStore === null ? 'yes, but with no user store: no login can succeed' : `yes, checked against user store ${configured.userStore}`,
    source: configured.source,
  });
  const offer = offerMechanisms(server, facts);
  trace.push(...offer.trace);
  const withheld = offer.withheld.get(name);
  if (withheld === 'weak-tls' && offer.encryption.level === 'weak') {
    return answer('refuse', replies.authWeakEncryption(offer.encryption.why));
  }
  if (withheld === 'needs-tls') return answer('refuse', replies.authNeedsEncryption);
  return answer('accept', replies.authSucceeded);
}
