// MAIL FROM: the message rate limits first (every MAIL counts, as in Postfix, so they are
// checked before anything can refuse it; rate-limits.ts), then encryption (TLS required,
// minimum strength), then authentication (anonymous access off), then sender ownership
// (senderMustMatch).
import type { CompiledServer } from './compile.js';
import { assessEncryption, describeTls } from './encryption.js';
import { rateDecision } from './rate-limits.js';
import { replies } from './replies.js';
import type { Decision, SessionFacts, SmtpReply, TraceStep } from './types.js';

export function decideMail(server: CompiledServer, facts: SessionFacts): Decision {
  const { tls, auth } = server.config;
  const trace: TraceStep[] = [];
  const answer = (decision: Decision['decision'], reply: SmtpReply): Decision => ({ decision, stage: 'mail', reply, trace });

  const rates = rateDecision(server, 'message', facts);
  trace.push(...rates.trace);
  if (rates.refused) return { ...answer('tempfail', rates.reply), rateLimit: rates.limit };

  const encryption = assessEncryption(server, facts);
  if (encryption.level === 'none') {
    const required = tls?.mode === 'required';
    trace.push({
      step: 'session encryption',
      result: required ? 'not encrypted, and TLS is required' : tls === null ? 'not encrypted (the server has no certificate)' : 'not encrypted (TLS is optional)',
      source: tls?.source ?? null,
    });
    if (required) return answer('refuse', replies.starttlsFirst);
  } else if (encryption.level === 'weak') {
    trace.push({ step: 'session encryption', result: encryption.why, source: tls?.source ?? null });
    return answer('refuse', replies.weakEncryption(encryption.why));
  } else {
    trace.push({ step: 'session encryption', result: `encrypted: ${describeTls(encryption.tls)}`, source: tls?.source ?? null });
  }

  const user = facts.user ?? null;
  if (user === null) {
    trace.push({
      step: 'authentication',
      result: auth.anonymous ? 'not authenticated; anonymous access is allowed' : 'not authenticated, and anonymous access is off',
      source: auth.source,
    });
    if (!auth.anonymous) return answer('refuse', replies.authRequired);
  } else {
    trace.push({ step: 'authentication', result: `authenticated as ${user}`, source: null });
  }

  const sender = facts.mailFrom ?? '';
  if (auth.senderMustMatch && user !== null) {
    // The null sender claims no identity (bounces, receipts), so it impersonates nobody.
    if (sender !== '' && !sameAddress(sender, user)) {
      trace.push({ step: 'sender owned by the user', result: `no: <${sender}> is not ${user}`, source: auth.source });
      return answer('refuse', replies.senderNotOwned(sender, user));
    }
    trace.push({
      step: 'sender owned by the user',
      result: sender === '' ? 'null sender: nothing to own' : `yes: <${sender}> is ${user}`,
      source: auth.source,
    });
  }
  return answer('accept', replies.mailAccepted);
}

/** Addresses compare exactly on the local part and case-insensitively on the domain. */
export function sameAddress(a: string, b: string): boolean {
  const [localA, domainA] = splitAddress(a);
  const [localB, domainB] = splitAddress(b);
  return localA === localB && domainA === domainB;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  if (at < 0) return [address, ''];
  const domain = address.slice(at + 1).toLowerCase();
  // Runs for every recipient: only a name that ends in a dot needs the regular expression.
  return [address.slice(0, at), domain.endsWith('.') ? domain.replace(/\.+$/, '') : domain];
}

/** The recipient's domain: after the last `@`, lower-case, no trailing dot; '' when none. */
export function addressDomain(address: string): string {
  return splitAddress(address)[1];
}
