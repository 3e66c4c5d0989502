// Relay control (the article's step 4): from a client outside the relay grants, a
// recipient in another domain is refused with 5.7.1; from inside a grant, or logged in,
// it is accepted; a local domain, and the bare <postmaster>, are accepted. Every step is compared with decideMail and
// decideRcpt for the same facts. Nothing is ever sent: RSET before DATA, then QUIT.
import { decideMail, decideRcpt, type Decision, type MailboxDirectory, type SessionFacts } from '../../runtime/policy/index.js';
import { endpointId, type ProbeEndpoint } from '../endpoints.js';
import { decidingSource, describeDecision, replyMatches } from '../expectations.js';
import { skipped, verdict, type Probe, type ProbeOutcome, type ProbeSessions } from '../probe.js';
import { describeResponse, openSession, secureSession } from '../smtp-steps.js';
import type { SourcePick } from '../source-addresses.js';
import type { VerifyCredentials } from '../types.js';
import { pickMechanism } from './auth.js';
import { authenticate, cancelAuth } from '../smtp-steps.js';
import { isLoginThrottled, throttledReason } from '../login-throttle.js';
import { rateLimitedReason } from '../rate-throttle.js';

/** Reserved example domains (RFC 2606): never local to a real server, never delivered to. */
const FOREIGN_DOMAINS = ['example.com', 'example.net', 'example.org', 'relay-probe.invalid'];

function base(endpoint: ProbeEndpoint): string {
  return `${endpointId(endpoint.server.config, endpoint.listen)}/relay`;
}

export function foreignDomain(endpoint: ProbeEndpoint): string {
  return FOREIGN_DOMAINS.find((domain) => !endpoint.server.localDomains.has(domain)) ?? 'relay-probe.invalid';
}

export interface Attempt {
  endpoint: ProbeEndpoint;
  source: string | undefined;
  credentials: VerifyCredentials | undefined;
  mailFrom: string;
  rcptTo: string;
  /** What verify assumes of the server's mailbox lists, which it cannot read (recipients.ts). */
  mailboxes?: MailboxDirectory;
}

/** The policy's answer for the whole transaction: MAIL's refusal, or RCPT's decision. */
function expectedFor(endpoint: ProbeEndpoint, facts: SessionFacts): Decision {
  const mail = decideMail(endpoint.server, facts);
  return mail.decision === 'accept' ? decideRcpt(endpoint.server, facts) : mail;
}

export async function attempt(sessions: ProbeSessions, a: Attempt): Promise<ProbeOutcome> {
  // In clear unless the policy requires TLS or a password is about to be sent. A server
  // that does not offer the STARTTLS its policy requires is probed in clear (the policy
  // then expects MAIL to be refused); a password is never sent in clear.
  const tls = a.endpoint.server.config.tls;
  const opened = await openSession(sessions, a.endpoint, a.source);
  let mechanisms = opened.ehlo.mechanisms;
  const canStartTls = opened.client.tls !== null || opened.ehlo.starttls;
  if (tls !== null && (tls.mode === 'required' || a.credentials) && (canStartTls || a.credentials)) {
    mechanisms = (await secureSession(opened, a.endpoint)).ehlo.mechanisms;
  }
  const client = opened.client;
  let user: string | null = null;
  if (a.credentials) {
    const mechanism = pickMechanism(a.endpoint, mechanisms);
    if (!mechanism) return verdict(false, 'a login before the relay attempt', `EHLO offers no mechanism verify can log in with (${mechanisms.join(' ') || 'no AUTH'})`);
    const reply = await authenticate(client, mechanism, a.credentials.user, a.credentials.password);
    await cancelAuth(client, reply);
    if (isLoginThrottled(reply)) return skipped('a login before the relay attempt', throttledReason(a.endpoint.server.config, client.localAddress, reply));
    if (reply.code !== 235) return verdict(false, 'a login before the relay attempt', `AUTH ${mechanism}: ${describeResponse(reply)}`);
    user = a.credentials.user;
  }
  const facts: SessionFacts = {
    ...(await sessions.context.facts(a.endpoint.server, client.localAddress, client.tls)),
    user,
    mailFrom: a.mailFrom,
    rcptTo: a.rcptTo,
    ...(a.mailboxes ? { mailboxes: a.mailboxes } : {}),
  };
  const decision = expectedFor(a.endpoint, facts);
  const expected = describeDecision(decision);
  const mail = await client.command(`MAIL FROM:<${a.mailFrom}>`);
  const mailLimited = rateLimitedReason(a.endpoint.server, 'message', facts, mail);
  if (mailLimited) return skipped(expected, mailLimited);
  let observed = `MAIL: ${describeResponse(mail)}`;
  let pass: boolean;
  if (mail.code !== 250) {
    pass = decision.stage === 'mail' && replyMatches(decision, mail);
  } else if (decision.stage === 'mail') {
    pass = false;
  } else {
    const rcpt = await client.command(`RCPT TO:<${a.rcptTo}>`);
    const rcptLimited = rateLimitedReason(a.endpoint.server, 'recipient', facts, rcpt);
    if (rcptLimited) {
      await client.command('RSET');
      return skipped(expected, rcptLimited);
    }
    observed += `; RCPT <${a.rcptTo}>: ${describeResponse(rcpt)}`;
    pass = replyMatches(decision, rcpt);
    await client.command('RSET');
  }
  return verdict(pass, expected, observed, decidingSource(decision));
}

export function senderFor(endpoint: ProbeEndpoint, credentials: VerifyCredentials | undefined): string {
  if (credentials?.user.includes('@')) return credentials.user;
  return `smtppolicy-verify@${foreignDomain(endpoint) === 'example.org' ? 'example.net' : 'example.org'}`;
}

export interface RelayProbeOptions {
  credentials: VerifyCredentials | undefined;
  /** A source the policy admits and that no relay grant covers, when one could be found. */
  outsideSource: SourcePick | undefined | null;
  /** Sources inside relay grants (loopback targets only). */
  grantedSources: SourcePick[];
  /** The source used when nothing in particular is needed. */
  source: string | undefined;
}

export function relayProbes(endpoint: ProbeEndpoint, options: RelayProbeOptions): Probe[] {
  const { config } = endpoint.server;
  const foreign = `smtppolicy-verify@${foreignDomain(endpoint)}`;
  const probes: Probe[] = [];
  const outside = options.outsideSource;
  probes.push({
    id: `${base(endpoint)}/unauthenticated`,
    title: `without a login${outside ? ` from ${outside.address} (${outside.why})` : ''}, mail to another domain is refused as the policy says`,
    source: config.relay.source ?? config.source,
    async run(sessions) {
      if (outside === null) return skipped('relay refused with 5.7.1', 'every address verify can connect from is inside a relay grant or refused at connect');
      return attempt(sessions, { endpoint, source: outside?.address, credentials: undefined, mailFrom: senderFor(endpoint, undefined), rcptTo: foreign });
    },
  });
  for (const granted of options.grantedSources) {
    probes.push({
      id: `${base(endpoint)}/granted/${granted.address}`,
      title: `from ${granted.address} (${granted.why}), mail to another domain is handled as the policy says`,
      source: config.relay.source ?? config.source,
      run: (sessions) => attempt(sessions, { endpoint, source: granted.address, credentials: undefined, mailFrom: senderFor(endpoint, undefined), rcptTo: foreign }),
    });
  }
  probes.push({
    id: `${base(endpoint)}/authenticated`,
    title: 'logged in, mail to another domain is handled as the policy says',
    source: config.relay.source ?? config.source,
    async run(sessions) {
      if (endpoint.server.mechanisms.size === 0) return skipped('relay for authenticated clients', 'the policy offers no AUTH on this server');
      if (!options.credentials) return skipped('relay for authenticated clients', 'no credentials given (--user and --password-env)');
      return attempt(sessions, { endpoint, source: options.source, credentials: options.credentials, mailFrom: senderFor(endpoint, options.credentials), rcptTo: foreign });
    },
  });
  const local = config.localDomains[0];
  probes.push({
    id: `${base(endpoint)}/local-domain`,
    title: `mail to the local domain ${local?.domain ?? '(none)'} is accepted as the policy says`,
    source: local?.source ?? config.source,
    async run(sessions) {
      if (!local) return skipped('local delivery', 'the policy names no local domain for this server');
      // Log in when the policy wants it for MAIL and credentials were given; else as anyone.
      const anonymousMail = endpoint.server.config.auth.anonymous;
      const credentials = anonymousMail ? undefined : options.credentials;
      return attempt(sessions, { endpoint, source: options.source, credentials, mailFrom: senderFor(endpoint, credentials), rcptTo: `postmaster@${local.domain}` });
    },
  });
  probes.push({
    id: `${base(endpoint)}/bare-postmaster`,
    title: 'mail to the bare <postmaster> is accepted, as RFC 5321 4.5.1 requires',
    source: local?.source ?? config.source,
    async run(sessions) {
      // whoever may send MAIL here may reach the postmaster, even when relay rules refuse
      // everything else: the policy engine says so, and the probe holds the server to it
      const anonymousMail = endpoint.server.config.auth.anonymous;
      const credentials = anonymousMail ? undefined : options.credentials;
      return attempt(sessions, { endpoint, source: options.source, credentials, mailFrom: senderFor(endpoint, credentials), rcptTo: 'postmaster' });
    },
  });
  return probes;
}
