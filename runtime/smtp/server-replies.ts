// Replies the server gives on its own (limits, protocol errors, outages), as opposed to
// policy decisions, which come with their reply from runtime/policy/replies.ts. Texts
// follow Postfix where it has an equivalent, so operators recognise them.
import type { SmtpReply } from '../policy/types.js';

const r = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text });

export const serverReplies = {
  tooManyConnections: (host: string) => r(421, '4.7.0', `${host} Error: too many connections`),
  tooManyConnectionsFromAddress: (host: string, address: string) => r(421, '4.7.0', `${host} Error: too many connections from ${address}`),
  tooManyConnectionsFromNetwork: (host: string, network: string) => r(421, '4.7.0', `${host} Error: too many connections from ${network}`),
  /** Postfix postscreen refuses pre-greeting talkers with a 5xx; the session is closed. */
  talkedTooSoon: (host: string) => r(554, '5.5.1', `${host} Error: protocol error: client sent data before the greeting`),
  bareLineEnding: (kind: 'LF' | 'CR') => r(554, '5.5.2', `Bare <${kind}> received; see RFC 5321 2.3.8`),
  /** NUL in a command: a syntax error (RFC 3463 5.5.2); in message data: a content error (5.6.0). */
  nulInCommand: () => r(554, '5.5.2', 'NUL character received in a command'),
  nulInMessage: () => r(554, '5.6.0', 'NUL character received in message data; see RFC 6152 3'),
  idleTimeout: (host: string) => r(421, '4.4.2', `${host} Error: timeout exceeded`),
  sessionTimeout: (host: string) => r(421, '4.4.2', `${host} Error: session time limit exceeded`),
  dataTimeout: (host: string) => r(421, '4.4.2', `${host} Error: timeout exceeded while receiving the message`),
  shuttingDown: (host: string) => r(421, '4.3.2', `${host} Service shutting down, try again later`),
  /** The shared state (Redis) cannot be asked and the policy says `on-unreachable fail-closed`. */
  stateUnavailable: (host: string) => r(421, '4.3.0', `${host} Error: limits cannot be checked now, try again later`),
  /** A local recipient whose address cannot name a Maildir folder (RFC 3463 5.1.3). */
  badMailbox: () => r(550, '5.1.3', 'Error: bad destination mailbox address'),
  /** RFC 6531 3.7.4.1: a non-ASCII address in a transaction without the SMTPUTF8 parameter. */
  smtpUtf8Required: () => r(553, '5.6.7', 'Error: non-ASCII address without the SMTPUTF8 parameter of MAIL (RFC 6531)'),
  tooManyRecipients: () => r(452, '4.5.3', 'Error: too many recipients'),
  messageTooBig: (limit: number) => r(552, '5.3.4', `Error: message exceeds fixed maximum message size ${limit}`),
  spoolFailure: () => r(452, '4.3.1', 'Insufficient system storage'),
  queued: (id: string) => r(250, '2.0.0', `Ok: queued as ${id}`),
  authFailed: () => r(535, '5.7.8', 'Error: authentication failed'),
  authLockedOut: (host: string) => r(421, '4.7.0', `${host} Error: too many failed authentication attempts, try again later`),
  authNotPossible: () => r(454, '4.7.0', 'Temporary authentication failure'),
  identityChange: () => r(503, '5.5.1', 'Error: already authenticated'),
  unknownMechanism: () => r(504, '5.5.4', 'Unrecognized authentication type'),
  starttlsUnavailable: () => r(502, '5.5.1', 'Error: command not implemented'),
  /** A command with bytes that are not UTF-8 (Postfix's text): decoding them would change the address. */
  badUtf8: () => r(500, '5.5.2', 'Error: bad UTF-8 syntax'),
  ehloSyntax: () => r(501, '5.5.4', 'Error: syntax: EHLO hostname'),
  /** A HELO name longer than a domain may be (255 octets). */
  badHostname: () => r(501, '5.5.4', 'Error: Bad hostname syntax'),
  greetFirst: () => r(503, '5.5.1', 'Error: send HELO/EHLO first'),
  /** A check failed unexpectedly (a bug or an outage): the client retries. */
  temporaryFailure: () => r(451, '4.3.0', 'Temporary failure, try again later'),
};
