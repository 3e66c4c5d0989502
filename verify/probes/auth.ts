// Access control (the article's step 2): before TLS the EHLO reply lists only what the
// policy offers in clear and AUTH PLAIN is refused before any password is looked at;
// after TLS the policy's mechanisms are offered; the given user logs in; a wrong password
// fails with 535. Passwords never reach the transcript, and the AUTH PLAIN sent in clear
// carries made-up credentials, never the real ones.
import { decideAuth, ehloAdvertisement } from '../../runtime/policy/index.js';
import { endpointId, type ProbeEndpoint } from '../endpoints.js';
import { decidingSource, describeDecision } from '../expectations.js';
import { skipped, verdict, type Probe, type ProbeSessions } from '../probe.js';
import type { VerifyCredentials } from '../types.js';
import { authenticate, cancelAuth, describeResponse, openSession, secureSession, SUPPORTED_MECHANISMS, type OpenedSession } from '../smtp-steps.js';
import { isLoginThrottled, throttledReason } from '../login-throttle.js';

/** The made-up user of probes that must fail; `.invalid` can never be a real domain. */
export const PROBE_USER = 'smtppolicy-verify@example.invalid';
const PROBE_PASSWORD = 'smtppolicy-verify-not-a-password';

function base(endpoint: ProbeEndpoint): string {
  return `${endpointId(endpoint.server.config, endpoint.listen)}/auth`;
}

function list(mechanisms: readonly string[]): string {
  return mechanisms.length === 0 ? 'no AUTH' : `AUTH ${[...mechanisms].sort().join(' ')}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].map((m) => m.toUpperCase()).sort();
  const right = [...b].map((m) => m.toUpperCase()).sort();
  return left.length === right.length && left.every((m, i) => m === right[i]);
}

export interface AuthProbeOptions {
  credentials: VerifyCredentials | undefined;
  /** The wrong-password probe runs once per server (failed logins are throttled). */
  includeWrongPassword: boolean;
}

export function authProbes(endpoint: ProbeEndpoint, source: string | undefined, options: AuthProbeOptions): Probe[] {
  const probes: Probe[] = [];
  if (endpoint.listen.tlsMode === 'starttls') probes.push(beforeTlsProbe(endpoint, source), plainBeforeTlsProbe(endpoint, source));
  if (endpoint.server.config.tls !== null) probes.push(afterTlsProbe(endpoint, source));
  probes.push(loginProbe(endpoint, source, options.credentials));
  if (options.includeWrongPassword) probes.push(wrongPasswordProbe(endpoint, source, options.credentials));
  return probes;
}

function beforeTlsProbe(endpoint: ProbeEndpoint, source: string | undefined): Probe {
  const { config } = endpoint.server;
  return {
    id: `${base(endpoint)}/before-tls`,
    title: 'before TLS, EHLO lists only the mechanisms the policy offers in clear',
    source: config.tls?.source ?? config.auth.source ?? config.source,
    async run(sessions) {
      const opened = await openSession(sessions, endpoint, source);
      const advertisement = ehloAdvertisement(endpoint.server, await sessions.context.facts(endpoint.server, opened.client.localAddress));
      const pass = sameSet(advertisement.authMechanisms, opened.ehlo.mechanisms);
      const authStep = advertisement.trace.find((step) => step.step.startsWith('AUTH'));
      return verdict(pass, `${list(advertisement.authMechanisms)} (${authStep?.result ?? ''})`, list(opened.ehlo.mechanisms), authStep?.source ?? null);
    },
  };
}

function plainBeforeTlsProbe(endpoint: ProbeEndpoint, source: string | undefined): Probe {
  const { config } = endpoint.server;
  return {
    id: `${base(endpoint)}/plain-before-tls`,
    title: 'AUTH PLAIN before TLS is refused before any password is checked',
    source: config.tls?.source ?? config.auth.source ?? config.source,
    async run(sessions) {
      const opened = await openSession(sessions, endpoint, source);
      const facts = await sessions.context.facts(endpoint.server, opened.client.localAddress);
      const decision = decideAuth(endpoint.server, facts, 'PLAIN');
      const expected = describeDecision(decision);
      if (decision.decision === 'accept') {
        return skipped(expected, `the policy offers AUTH PLAIN before TLS (${decidingSource(decision) ?? 'no source'}); lint reports basic auth without TLS`);
      }
      const reply = await authenticate(opened.client, 'PLAIN', PROBE_USER, PROBE_PASSWORD);
      await cancelAuth(opened.client, reply);
      if (isLoginThrottled(reply)) return skipped(expected, throttledReason(config, opened.client.localAddress, reply));
      // 535 means the server checked the credentials it received in clear: that is the failure.
      const pass = reply.code >= 500 && reply.code !== 535;
      return verdict(pass, `${expected}; any 5xx but 535 (which means the password was checked)`, `AUTH PLAIN: ${describeResponse(reply)}`, decidingSource(decision));
    },
  };
}

function afterTlsProbe(endpoint: ProbeEndpoint, source: string | undefined): Probe {
  const { config } = endpoint.server;
  return {
    id: `${base(endpoint)}/after-tls`,
    title: 'after TLS, EHLO lists the mechanisms the policy offers',
    source: config.auth.source ?? config.source,
    async run(sessions) {
      const opened = await openSession(sessions, endpoint, source);
      const secured = await secureSession(opened, endpoint);
      const facts = await sessions.context.facts(endpoint.server, opened.client.localAddress, secured.tls);
      const advertisement = ehloAdvertisement(endpoint.server, facts);
      const authStep = advertisement.trace.find((step) => step.step.startsWith('AUTH'));
      return verdict(sameSet(advertisement.authMechanisms, secured.ehlo.mechanisms), list(advertisement.authMechanisms), list(secured.ehlo.mechanisms), authStep?.source ?? null);
    },
  };
}

/** A session ready for AUTH: encrypted when the server has TLS at all, as a careful client would be. */
export async function sessionForAuth(sessions: ProbeSessions, endpoint: ProbeEndpoint, source: string | undefined): Promise<{ opened: OpenedSession; mechanisms: string[] }> {
  const opened = await openSession(sessions, endpoint, source);
  if (endpoint.server.config.tls === null) return { opened, mechanisms: opened.ehlo.mechanisms };
  const secured = await secureSession(opened, endpoint);
  return { opened, mechanisms: secured.ehlo.mechanisms };
}

/** The mechanism verify logs in with: the first it speaks among those the policy and the server offer. */
export function pickMechanism(endpoint: ProbeEndpoint, advertised: readonly string[]): string | undefined {
  return SUPPORTED_MECHANISMS.find((m) => endpoint.server.mechanisms.has(m) && advertised.includes(m));
}

function configuredMechanisms(endpoint: ProbeEndpoint): string[] {
  return [...endpoint.server.mechanisms.keys()];
}

function loginProbe(endpoint: ProbeEndpoint, source: string | undefined, credentials: VerifyCredentials | undefined): Probe {
  const { config } = endpoint.server;
  const expected = '235: the user logs in';
  return {
    id: `${base(endpoint)}/login`,
    title: 'the given user logs in (after TLS when the server has TLS)',
    source: config.auth.mechanisms[0]?.source ?? config.auth.source ?? config.source,
    async run(sessions) {
      if (configuredMechanisms(endpoint).length === 0) return skipped('AUTH is not offered', 'the policy offers no AUTH on this server');
      if (!SUPPORTED_MECHANISMS.some((m) => endpoint.server.mechanisms.has(m))) {
        return skipped(expected, `verify cannot log in with ${configuredMechanisms(endpoint).join(', ')}`);
      }
      if (!credentials) return skipped(expected, 'no credentials given (--user and --password-env)');
      const { opened, mechanisms } = await sessionForAuth(sessions, endpoint, source);
      const mechanism = pickMechanism(endpoint, mechanisms);
      if (!mechanism) return verdict(false, `${expected} with one of ${configuredMechanisms(endpoint).join(', ')}`, `EHLO lists ${list(mechanisms)}`);
      const reply = await authenticate(opened.client, mechanism, credentials.user, credentials.password);
      await cancelAuth(opened.client, reply);
      if (isLoginThrottled(reply)) return skipped(`${expected} with ${mechanism}`, throttledReason(config, opened.client.localAddress, reply));
      return verdict(reply.code === 235, `${expected} with ${mechanism}`, `AUTH ${mechanism}: ${describeResponse(reply)}`);
    },
  };
}

function wrongPasswordProbe(endpoint: ProbeEndpoint, source: string | undefined, credentials: VerifyCredentials | undefined): Probe {
  const { config } = endpoint.server;
  const expected = '535: authentication fails';
  const user = credentials?.user ?? PROBE_USER;
  return {
    id: `${base(endpoint)}/wrong-password`,
    title: `a wrong password for ${user} is refused`,
    source: config.auth.mechanisms[0]?.source ?? config.auth.source ?? config.source,
    async run(sessions) {
      if (configuredMechanisms(endpoint).length === 0) return skipped('AUTH is not offered', 'the policy offers no AUTH on this server');
      const { opened, mechanisms } = await sessionForAuth(sessions, endpoint, source);
      // A server that offers more than the policy (say, PLAIN in clear) is probed with that too.
      const mechanism = pickMechanism(endpoint, mechanisms) ?? SUPPORTED_MECHANISMS.find((m) => mechanisms.includes(m));
      if (!mechanism) return verdict(false, expected, `EHLO lists ${list(mechanisms)}: nothing verify can log in with`);
      const wrong = credentials ? `${credentials.password}-wrong` : PROBE_PASSWORD;
      const reply = await authenticate(opened.client, mechanism, user, wrong);
      await cancelAuth(opened.client, reply);
      if (isLoginThrottled(reply)) return skipped(`${expected} with ${mechanism}`, throttledReason(config, opened.client.localAddress, reply));
      return verdict(reply.code === 535, `${expected} with ${mechanism}`, `AUTH ${mechanism}: ${describeResponse(reply)}`);
    },
  };
}
