// Asks runtime/policy — the one definition of what a config means — whether a given
// client could relay without logging in. The set algebra in reach.ts says who *should*
// be able to; this confirms it on a concrete address, so a finding is never a guess.

import type { CompiledServer, SessionFacts, TlsFacts } from '../../runtime/policy/index.js';
import { decideConnect, decideMail, decideRcpt } from '../../runtime/policy/index.js';

/** A client that did STARTTLS with a strong cipher: TLS never stands between it and relaying. */
const STRONG_TLS: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherBits: 256 };

/** A recipient domain that is not local (`.invalid` is reserved and never delegated, RFC 2606). */
export function nonLocalDomain(server: CompiledServer): string {
  let domain = 'relay-probe.invalid';
  while (server.localDomains.has(domain)) domain = `x.${domain}`;
  return domain;
}

/**
 * True when an unauthenticated client at `clientAddress`, with no PTR record, is accepted at
 * connect and MAIL and its recipient in a non-local domain is accepted for relaying.
 */
export function relaysWithoutAuth(server: CompiledServer, clientAddress: string): boolean {
  const facts: SessionFacts = {
    clientAddress,
    reverseDns: { status: 'none' },
    tls: server.config.tls ? STRONG_TLS : null,
    user: null,
    mailFrom: 'probe@example.net',
  };
  if (decideConnect(server, facts).decision !== 'accept') return false;
  if (decideMail(server, facts).decision !== 'accept') return false;
  const rcpt = decideRcpt(server, { ...facts, rcptTo: `probe@${nonLocalDomain(server)}` });
  return rcpt.decision === 'accept' && rcpt.route === 'relay';
}
