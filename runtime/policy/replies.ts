// Every SMTP reply the policy gives, in one table. Codes and texts follow Postfix where it
// has an equivalent (smtpd_check.c), so that operators and client software recognise them;
// enhanced status codes are RFC 3463 / RFC 4954 / RFC 5248.
//
// Values that came from the client (addresses) are made printable before they go into a
// reply: a reply line must never carry CR, LF or other control characters.
import type { SmtpReply } from './types.js';

function reply(code: number, enhanced: string, text: string): SmtpReply {
  return { code, enhanced, text };
}

/** Client-supplied text as it may appear in a reply: control characters become `?`. */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '?');
}

export const replies = {
  // ── connect ──────────────────────────────────────────────────────────────────────────
  /** Connection admitted: the greeting. */
  greeting: (hostname: string, banner?: string) => reply(220, '', banner ? `${hostname} ESMTP ${banner}` : `${hostname} ESMTP`),
  /** Connection control refused the client (Exchange: "connection refused"). */
  accessDenied: reply(554, '5.7.1', 'Access denied'),
  /** A domain entry decides and the reverse lookup failed or timed out: fail closed, temporarily. */
  connectLookupFailed: reply(421, '4.7.0', 'Cannot verify your hostname (reverse DNS lookup failed); try again later'),
  /** A PROXY header from a peer the policy does not trust: a client cannot claim an address it does not have. */
  proxyNotTrusted: (hostname: string) => reply(554, '5.7.1', `${hostname} Error: PROXY header from an address that is not a trusted load balancer`),
  /**
   * A connection rate limit is exceeded (Postfix smtpd_client_connection_rate_limit, its
   * text exactly): the greeting is refused and the connection closed. `subject` is the
   * client address or network.
   */
  connectionRateExceeded: (hostname: string, subject: string) => reply(421, '4.7.0', `${hostname} Error: too many connections from ${printable(subject)}`),
  /** A domain entry decides and the server made no reverse lookup (a server bug): fail closed. */
  lookupNotMade: reply(421, '4.7.0', 'Cannot verify your hostname (reverse DNS lookup was not made); try again later'),

  // ── ehlo ─────────────────────────────────────────────────────────────────────────────
  /** EHLO always succeeds; what it advertises is in the EhloAdvertisement. */
  ehloOk: (hostname: string) => reply(250, '2.0.0', hostname),

  // ── auth ─────────────────────────────────────────────────────────────────────────────
  /** The reply a client gets once its credentials check out (the mechanism may be started). */
  authSucceeded: reply(235, '2.7.0', 'Authentication successful'),
  /** The mechanism is not offered by this server at all (RFC 4954). */
  authUnrecognized: reply(504, '5.5.4', 'Unrecognized authentication type'),
  /** The mechanism is offered, but only after STARTTLS (RFC 4954 538). */
  authNeedsEncryption: reply(538, '5.7.11', 'Encryption required for requested authentication mechanism'),
  /** The session is encrypted, but not strongly enough for the policy. */
  authWeakEncryption: (why: string) =>
    reply(538, '5.7.11', `Encryption required for requested authentication mechanism: ${why}`),
  /** AUTH after a successful AUTH (Postfix wording). */
  alreadyAuthenticated: reply(503, '5.5.1', 'Error: already authenticated'),

  // ── mail ─────────────────────────────────────────────────────────────────────────────
  mailAccepted: reply(250, '2.1.0', 'Ok'),
  /** TLS is required and the client has not started it (Postfix smtpd_tls_security_level=encrypt). */
  starttlsFirst: reply(530, '5.7.0', 'Must issue a STARTTLS command first'),
  /** The negotiated TLS is weaker than the policy's minimum (Exchange: "require 128-bit encryption"). */
  weakEncryption: (why: string) => reply(538, '5.7.11', `Encryption required: ${why}`),
  /** Anonymous access is off and the client has not authenticated. */
  authRequired: reply(530, '5.7.0', 'Authentication required'),
  /**
   * A message rate limit is exceeded (Postfix smtpd_client_message_rate_limit, its text
   * exactly); `subject` is the client address, its network or `user NAME`.
   */
  messageRateExceeded: (subject: string) => reply(450, '4.7.1', `Error: too much mail from ${printable(subject)}`),
  /** senderMustMatch: the envelope sender is not the authenticated user (Postfix reject_sender_login_mismatch). */
  senderNotOwned: (sender: string, user: string) =>
    reply(553, '5.7.1', `<${printable(sender)}>: Sender address rejected: not owned by user ${printable(user)}`),

  // ── rcpt ─────────────────────────────────────────────────────────────────────────────
  rcptAccepted: reply(250, '2.1.5', 'Ok'),
  /** Not a local domain and the client may not relay (Postfix, exactly). */
  relayDenied: (rcpt: string) => reply(554, '5.7.1', `<${printable(rcpt)}>: Relay access denied`),
  /** A local domain's recipient list names no such mailbox or alias (Postfix: "User unknown in local recipient table"). */
  userUnknown: (rcpt: string) => reply(550, '5.1.1', `<${printable(rcpt)}>: Recipient address rejected: User unknown in local recipient table`),
  /** The recipient lists' mailboxes were not read (a server bug): never guess, defer. */
  mailboxesNotRead: (rcpt: string) =>
    reply(451, '4.3.0', `<${printable(rcpt)}>: Recipient address rejected: the mailbox lists were not read; try again later`),
  /**
   * The recipient's domain reads a directory that did not answer. RFC 3463 X.4.3 is
   * "directory server failure", a persistent transient error: the client retries, and an
   * outage never turns a real mailbox into 550 or an unknown one into 250.
   */
  directoryUnavailable: (rcpt: string) =>
    reply(451, '4.4.3', `<${printable(rcpt)}>: Recipient address rejected: the directory did not answer; try again later`),
  /** A recipient rate limit is exceeded (Postfix smtpd_client_recipient_rate_limit, its text exactly). */
  recipientRateExceeded: (subject: string) => reply(450, '4.7.1', `Error: too many recipients from ${printable(subject)}`),
  /** Relay depends on a domain grant and the reverse lookup failed: defer (Postfix defer_code 450). */
  relayLookupFailed: (rcpt: string) =>
    reply(450, '4.7.1', `<${printable(rcpt)}>: Recipient address rejected: unable to verify client hostname`),
} as const;
