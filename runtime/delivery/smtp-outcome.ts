// What one SMTP transaction (nodemailer's transport) means for each recipient, for the
// smart host and direct MX delivery alike.
//
// Classification (as Postfix): a 5xx reply to MAIL FROM, RCPT TO or DATA is permanent; every
// other failure — 4xx, connection refused or lost, no STARTTLS when TLS is required, a bad
// certificate, AUTH refused (our credentials are wrong, the mail is fine) — is temporary.
import type { AttemptError } from './delivery-state.js';

export type RecipientOutcome =
  | { kind: 'delivered'; detail: string }
  | { kind: 'permanent'; error: AttemptError }
  | { kind: 'temporary'; error: AttemptError };

export interface SmtpError extends Error {
  code?: string;
  /** The socket's own code when nodemailer put its own in `code` (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT). */
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

export interface Peer {
  /** The name the DSN's Remote-MTA field shows (the smart host, the MX host). */
  remoteMta: string;
  /** How the diagnostic names it: `smart host smtp.isp.example:587`, `MX mx1.example.org [192.0.2.1]:25`. */
  label: string;
}

const ENVELOPE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/** OpenSSL's verification codes and Node's name check: the peer's certificate was not accepted. */
const CERTIFICATE_REFUSED = /CERT|SIGNATURE|ISSUER|^ERR_TLS_CERT_ALTNAME_INVALID$/;

/** Whether the server answered the envelope itself (so another host would not do better). */
export function isEnvelopeReply(error: SmtpError): boolean {
  return Boolean(error.response && error.responseCode && error.command && ENVELOPE_COMMANDS.has(error.command));
}

/** The outcome of each recipient of one sendMail call (its resolved info or its error). */
export function outcomesOf(sent: { info?: { response?: string; rejectedErrors?: SmtpError[] }; error?: SmtpError }, to: string[], peer: Peer): Map<string, RecipientOutcome> {
  const outcomes = new Map<string, RecipientOutcome>();
  const rejected = sent.info?.rejectedErrors ?? sent.error?.rejectedErrors ?? [];
  const perRecipient = new Map(rejected.map((e) => [e.recipient ?? '', e]));
  for (const address of to) {
    const error = perRecipient.get(address) ?? sent.error;
    outcomes.set(address, error ? classifySmtpError(error, peer) : { kind: 'delivered', detail: sent.info?.response ?? '' });
  }
  return outcomes;
}

export function classifySmtpError(error: SmtpError, peer: Peer): RecipientOutcome {
  const reply = error.response?.replace(/\s+/g, ' ').trim();
  const code = error.responseCode;
  if (reply && code && isEnvelopeReply(error)) {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
    const permanent = code >= 500;
    const status = enhanced && enhanced[0] === String(code)[0] ? enhanced : permanent ? '5.0.0' : '4.0.0';
    const attempt: AttemptError = { status, diagnostic: reply, diagnosticType: 'smtp', remoteMta: peer.remoteMta };
    return permanent ? { kind: 'permanent', error: attempt } : { kind: 'temporary', error: attempt };
  }
  const status =
    error.originalCode !== undefined && CERTIFICATE_REFUSED.test(error.originalCode)
      ? '4.7.5' // as Postfix: "Server certificate not verified"
      : error.code === 'ETLS'
        ? '4.7.10'
        : error.code === 'EAUTH'
          ? '4.7.0'
          : error.code === 'ECONNECTION' || error.code === 'ETIMEDOUT' || error.code === 'ESOCKET'
            ? '4.4.1'
            : '4.4.0';
  return {
    kind: 'temporary',
    error: { status, diagnostic: `${peer.label}: ${error.message.replace(/\s+/g, ' ')}`, diagnosticType: 'x-smtppolicy', remoteMta: peer.remoteMta },
  };
}
