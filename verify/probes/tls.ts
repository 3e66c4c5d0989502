// Encryption (the article's step 3): STARTTLS or implicit TLS as configured; a default
// handshake meets the policy's minimum version and cipher strength; the certificate names
// the server's hostname and is within its dates; a client that can only offer a weaker
// version or cipher gets nowhere: the handshake fails, or the server refuses MAIL as
// decideMail says for such a session.
//
// verify's own handshakes never fail on trust (the policy's certificate may be
// self-signed): the certificate probe checks the hostname and dates explicitly.
import { checkServerIdentity, getCiphers, type PeerCertificate } from 'node:tls';
import type { TlsConfig } from '../../runtime/config/types.js';
import { assessEncryption, cipherBits, decideMail, describeTls, ehloAdvertisement } from '../../runtime/policy/index.js';
import { endpointId, hostPort, type ProbeEndpoint } from '../endpoints.js';
import { decidingSource, describeDecision, replyMatches } from '../expectations.js';
import { skipped, tlsFacts, verdict, type Probe, type ProbeOutcome, type ProbeSessions } from '../probe.js';
import { describeTlsFailure, isLocalTlsLimitation, SmtpSessionError, type NegotiatedTls, type TlsClientOptions } from '../smtp-client.js';
import { describeResponse, openSession, secureSession, sendEhlo } from '../smtp-steps.js';

export function tlsProbes(endpoint: ProbeEndpoint, source: string | undefined): Probe[] {
  const tls = endpoint.server.config.tls;
  const probes = [offeredProbe(endpoint, source)];
  if (tls === null) return probes;
  return [...probes, handshakeProbe(endpoint, source, tls), certificateProbe(endpoint, source, tls), minVersionProbe(endpoint, source, tls), minCipherProbe(endpoint, source, tls)];
}

function base(endpoint: ProbeEndpoint): string {
  return `${endpointId(endpoint.server.config, endpoint.listen)}/tls`;
}

function describeNegotiated(tls: NegotiatedTls): string {
  return describeTls(tlsFacts(tls));
}

function offeredProbe(endpoint: ProbeEndpoint, source: string | undefined): Probe {
  const { config } = endpoint.server;
  const implicit = endpoint.listen.tlsMode === 'implicit';
  return {
    id: `${base(endpoint)}/offered`,
    title: implicit
      ? `implicit TLS from the first byte at ${hostPort(endpoint.host, endpoint.port)}`
      : `STARTTLS advertised at ${hostPort(endpoint.host, endpoint.port)} as the policy says`,
    source: implicit ? endpoint.listen.source : (config.tls?.source ?? config.source),
    async run(sessions) {
      if (implicit) {
        const opened = await openSession(sessions, endpoint, source);
        return verdict(true, 'a TLS handshake, then a 220 greeting', `${describeNegotiated(opened.client.tls!)}, then ${describeResponse(opened.greeting)}`);
      }
      const opened = await openSession(sessions, endpoint, source);
      const facts = await sessions.context.facts(endpoint.server, opened.client.localAddress);
      const advertisement = ehloAdvertisement(endpoint.server, facts);
      const say = (offered: boolean) => (offered ? 'STARTTLS advertised' : 'STARTTLS not advertised');
      return verdict(advertisement.starttls === opened.ehlo.starttls, say(advertisement.starttls), say(opened.ehlo.starttls), advertisement.trace[0]?.source ?? null);
    },
  };
}

function handshakeProbe(endpoint: ProbeEndpoint, source: string | undefined, tls: TlsConfig): Probe {
  const expected = `TLS ${tls.minVersion} or newer with a cipher of at least ${tls.minCipherBits} bits`;
  return {
    id: `${base(endpoint)}/handshake`,
    title: 'a default TLS handshake meets the minimum version and cipher strength',
    source: tls.source,
    async run(sessions) {
      const opened = await openSession(sessions, endpoint, source);
      const secured = await secureSession(opened, endpoint);
      const facts = await sessions.context.facts(endpoint.server, opened.client.localAddress, secured.tls);
      const encryption = assessEncryption(endpoint.server, facts);
      const why = encryption.level === 'weak' ? `: ${encryption.why}` : '';
      return verdict(encryption.level === 'adequate', expected, `negotiated ${describeNegotiated(secured.tls)}${why}`);
    },
  };
}

function certificateProbe(endpoint: ProbeEndpoint, source: string | undefined, tls: TlsConfig): Probe {
  const hostname = endpoint.server.config.hostname;
  return {
    id: `${base(endpoint)}/certificate`,
    title: `the certificate names ${hostname} and is within its validity dates`,
    source: tls.certificates[0]?.source ?? tls.source,
    async run(sessions) {
      const opened = await openSession(sessions, endpoint, source);
      const secured = await secureSession(opened, endpoint);
      const expected = `a certificate for ${hostname}, valid now`;
      const certificate = secured.tls.certificate;
      if (!certificate) return verdict(false, expected, 'the server sent no certificate');
      const problems = certificateProblems(certificate, hostname, sessions.context.now);
      const trust = secured.tls.trusted ? 'chain trusted by this system' : `chain not trusted by this system (${secured.tls.trustError ?? 'unknown'}; not required)`;
      const observed = `${describeCertificate(certificate)}; ${trust}; negotiated ${describeNegotiated(secured.tls)}`;
      return verdict(problems.length === 0, expected, problems.length === 0 ? observed : `${problems.join('; ')} — ${observed}`);
    },
  };
}

export function certificateProblems(certificate: PeerCertificate, hostname: string, now: Date): string[] {
  const problems: string[] = [];
  const identity = checkServerIdentity(hostname, certificate);
  if (identity) problems.push(identity.message);
  const from = new Date(certificate.valid_from);
  const to = new Date(certificate.valid_to);
  if (now < from) problems.push(`not valid before ${from.toISOString()}`);
  if (now > to) problems.push(`expired on ${to.toISOString()}`);
  return problems;
}

function describeCertificate(certificate: PeerCertificate): string {
  const names = certificate.subjectaltname ? `, ${certificate.subjectaltname}` : '';
  return `subject CN=${certificate.subject?.CN ?? '?'}${names}, valid ${new Date(certificate.valid_from).toISOString()} to ${new Date(certificate.valid_to).toISOString()}`;
}

const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

function minVersionProbe(endpoint: ProbeEndpoint, source: string | undefined, tls: TlsConfig): Probe {
  const below = VERSIONS[VERSIONS.indexOf(tls.minVersion) - 1];
  const expected = `a client offering at most ${below ?? '(nothing older)'} is refused: the handshake fails, or MAIL is refused`;
  return {
    id: `${base(endpoint)}/min-version`,
    title: `TLS older than ${tls.minVersion} is refused`,
    source: tls.source,
    async run(sessions) {
      if (below === undefined) return skipped(expected, `the minimum is ${tls.minVersion}: there is no older version to offer`);
      // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; level 0 lets this client offer them.
      return weakHandshake(sessions, endpoint, source, { minVersion: 'TLSv1', maxVersion: below, ciphers: 'DEFAULT@SECLEVEL=0' }, expected, `at most ${below}`);
    },
  };
}

/** The ciphers this client's TLS library can offer whose key is shorter than `bits`. */
export function ciphersBelow(bits: number): string[] {
  return getCiphers()
    .map((name) => name.toUpperCase())
    .filter((name) => !/PSK|SRP/.test(name)) // need out-of-band keys: no certificate server negotiates them
    .filter((name) => {
      const size = cipherBits(name);
      return size > 0 && size < bits;
    });
}

function minCipherProbe(endpoint: ProbeEndpoint, source: string | undefined, tls: TlsConfig): Probe {
  const expected = `a client offering only ciphers below ${tls.minCipherBits} bits is refused: the handshake fails, or MAIL is refused`;
  return {
    id: `${base(endpoint)}/min-cipher-bits`,
    title: `ciphers below ${tls.minCipherBits} bits are refused`,
    source: tls.source,
    async run(sessions) {
      if (tls.minCipherBits === 0) return skipped(expected, 'the policy sets no minimum cipher strength');
      const weak = ciphersBelow(tls.minCipherBits);
      if (weak.length === 0) {
        return skipped(expected, `this client's TLS library (OpenSSL ${process.versions.openssl}) has no cipher below ${tls.minCipherBits} bits to offer`);
      }
      const tls13 = weak.some((name) => name.startsWith('TLS_'));
      return weakHandshake(sessions, endpoint, source, {
        minVersion: tls.minVersion,
        maxVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
        ciphers: weak.join(':'),
      }, expected, `only ciphers below ${tls.minCipherBits} bits`);
    },
  };
}

async function weakHandshake(sessions: ProbeSessions, endpoint: ProbeEndpoint, source: string | undefined, options: TlsClientOptions, expected: string, what: string): Promise<ProbeOutcome> {
  const servername = endpoint.server.config.hostname;
  let negotiated: NegotiatedTls;
  let client;
  try {
    if (endpoint.listen.tlsMode === 'implicit') {
      client = await sessions.connect(endpoint, source, { ...options, servername });
      negotiated = client.tls!;
      await client.readResponse();
    } else {
      const opened = await openSession(sessions, endpoint, source);
      client = opened.client;
      const result = await client.startTls({ ...options, servername });
      if ('code' in result) return verdict(false, expected, `STARTTLS was refused: ${describeResponse(result)}`);
      negotiated = result;
    }
  } catch (error) {
    if (isLocalTlsLimitation(error)) return skipped(expected, `this client cannot offer ${what}: ${(error as Error).message}`);
    if (error instanceof SmtpSessionError && (error.kind === 'tls' || error.kind === 'closed')) {
      return verdict(true, expected, `the handshake offering ${what} failed: ${describeTlsFailure(error)}`);
    }
    throw error;
  }
  // The handshake succeeded: the policy must still keep the session from anything sensitive.
  await sendEhlo(client);
  const facts = await sessions.context.facts(endpoint.server, client.localAddress, negotiated);
  const decision = decideMail(endpoint.server, { ...facts, mailFrom: '' });
  const reply = await client.command('MAIL FROM:<>');
  const pass = decision.decision !== 'accept' && replyMatches(decision, reply);
  return verdict(pass, `${expected}; with ${describeNegotiated(negotiated)} the policy says ${describeDecision(decision)}`, `handshake accepted with ${describeNegotiated(negotiated)}; MAIL: ${describeResponse(reply)}`, decidingSource(decision));
}

