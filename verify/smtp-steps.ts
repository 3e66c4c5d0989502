// The steps probes are made of: greeting, EHLO (and what it advertises), STARTTLS,
// AUTH with the mechanisms verify can speak. Each returns what the server answered; none
// decides whether that was right (the probes compare with the policy).
import { createHmac } from 'node:crypto';
import type { ProbeEndpoint } from './endpoints.js';
import type { ProbeSessions } from './probe.js';
import { formatResponse, SmtpSessionError, type NegotiatedTls, type SmtpClient, type SmtpResponse, type TlsClientOptions } from './smtp-client.js';

/** The name verify introduces itself with: a reserved TLD, so it can never be a real host. */
export const EHLO_NAME = 'smtppolicy-verify.invalid';

export interface Ehlo {
  reply: SmtpResponse;
  starttls: boolean;
  /** Upper-case SASL mechanisms from the AUTH line(s); empty when there is none. */
  mechanisms: string[];
}

export async function sendEhlo(client: SmtpClient): Promise<Ehlo> {
  const reply = await client.command(`EHLO ${EHLO_NAME}`);
  if (reply.code !== 250) throw new SmtpSessionError('protocol', `EHLO was refused: ${formatResponse(reply)}`);
  const keywords = reply.lines.slice(1).map((line) => line.trim().toUpperCase());
  const mechanisms = new Set<string>();
  for (const line of keywords) {
    const match = /^AUTH[ =](.*)$/.exec(line);
    if (match) for (const mechanism of match[1]!.split(/\s+/)) if (mechanism) mechanisms.add(mechanism);
  }
  return { reply, starttls: keywords.includes('STARTTLS'), mechanisms: [...mechanisms].sort() };
}

export interface OpenedSession {
  client: SmtpClient;
  greeting: SmtpResponse;
  ehlo: Ehlo;
}

/** Connects, expects a 220 greeting, says EHLO. */
export async function openSession(sessions: ProbeSessions, endpoint: ProbeEndpoint, source: string | undefined, implicitTls?: TlsClientOptions): Promise<OpenedSession> {
  const client = await sessions.connect(endpoint, source, implicitTls);
  const greeting = await client.readResponse();
  if (greeting.code !== 220) throw new SmtpSessionError('protocol', `the server did not greet with 220: ${formatResponse(greeting)}`);
  return { client, greeting, ehlo: await sendEhlo(client) };
}

/**
 * Makes the session encrypted: nothing to do on an implicit-TLS listener, STARTTLS and a
 * new EHLO otherwise. Throws when the server declines STARTTLS.
 */
export async function secureSession(opened: OpenedSession, endpoint: ProbeEndpoint, options?: TlsClientOptions): Promise<{ tls: NegotiatedTls; ehlo: Ehlo }> {
  if (opened.client.tls) return { tls: opened.client.tls, ehlo: opened.ehlo };
  const result = await opened.client.startTls(options ?? { servername: endpoint.server.config.hostname });
  if ('code' in result) throw new SmtpSessionError('protocol', `STARTTLS was refused: ${formatResponse(result)}`);
  return { tls: result, ehlo: await sendEhlo(opened.client) };
}

/** The mechanisms verify can log in with, in the order it prefers them. */
export const SUPPORTED_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Runs one AUTH exchange; the password never appears in the transcript. */
export async function authenticate(client: SmtpClient, mechanism: string, user: string, password: string): Promise<SmtpResponse> {
  switch (mechanism) {
    case 'PLAIN':
      return client.command(`AUTH PLAIN ${b64(`\u0000${user}\u0000${password}`)}`, `AUTH PLAIN <credentials of ${user}>`);
    case 'LOGIN': {
      let reply = await client.command('AUTH LOGIN');
      if (reply.code !== 334) return reply;
      reply = await client.command(b64(user), `<user name ${user}>`);
      if (reply.code !== 334) return reply;
      return client.command(b64(password), '<password>');
    }
    case 'CRAM-MD5': {
      const reply = await client.command('AUTH CRAM-MD5');
      if (reply.code !== 334) return reply;
      const challenge = Buffer.from(reply.lines[0] ?? '', 'base64').toString('utf8');
      const digest = createHmac('md5', password).update(challenge).digest('hex');
      return client.command(b64(`${user} ${digest}`), `<CRAM-MD5 response of ${user}>`);
    }
    default:
      throw new Error(`verify cannot log in with ${mechanism}`);
  }
}

/** Ends an AUTH exchange the server is still waiting in (a 334 challenge) by cancelling it. */
export async function cancelAuth(client: SmtpClient, reply: SmtpResponse): Promise<void> {
  if (reply.code === 334) await client.command('*');
}

/** `250 2.1.0 Ok`; `(connection closed)` for null. */
export function describeResponse(reply: SmtpResponse | null): string {
  return reply === null ? 'the connection was closed without a reply' : formatResponse(reply);
}
