// The reserved recipient `postmaster` without a domain (RFC 5321 4.5.1: every SMTP server
// that delivers or relays mail MUST accept it, in any case). Like Postfix, which qualifies
// it with $myorigin so that it resolves to a local mailbox, the server treats it as local
// mail: relay rules never refuse it, because delivering it is not relaying.
//
// Where it goes: `postmaster@<first local domain>` when the server has local domains, else
// `postmaster@<the server's hostname>`. Requirements of the MAIL stage (TLS first, login
// first) still apply before it: a server that demands them for MAIL demands them for every
// transaction (RFC 6409 4.3 for submission servers, Postfix smtpd_tls_security_level=encrypt).
import type { CompiledServer } from './compile.js';
import type { TraceStep } from './types.js';

/** True for `postmaster` in any case, with no domain: the form RFC 5321 4.5.1 reserves. */
export function isBarePostmaster(rcpt: string): boolean {
  return rcpt.toLowerCase() === 'postmaster';
}

export interface PostmasterMailbox {
  /** The address the message is delivered to. */
  address: string;
  /** The trace step that says why. */
  step: TraceStep;
}

/** The mailbox a bare `postmaster` recipient is delivered to on this server. */
export function postmasterMailbox(server: CompiledServer): PostmasterMailbox {
  const first = server.config.localDomains[0];
  if (first !== undefined) {
    const address = `postmaster@${first.domain.toLowerCase().replace(/\.$/, '')}`;
    return {
      address,
      step: { step: 'recipient is the bare postmaster (RFC 5321 4.5.1)', result: `local: delivered to ${address}, the first local domain's postmaster`, source: first.source },
    };
  }
  const address = `postmaster@${server.config.hostname.toLowerCase().replace(/\.$/, '')}`;
  return {
    address,
    step: { step: 'recipient is the bare postmaster (RFC 5321 4.5.1)', result: `local: delivered to ${address} (the server has no local domain; its hostname is used)`, source: server.config.source },
  };
}
