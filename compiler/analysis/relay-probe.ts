// Asks runtime/policy — the one definition of what a config means — whether a given
// client could relay without logging in. The set algebra in reach.ts and relay-paths.ts
// says who *should* be able to; this confirms it on a concrete session, so a finding is
// never a guess.

import type { ArrivalFacts, CompiledServer, ReverseDnsResult, SessionFacts, TlsFacts } from '../../runtime/policy/index.js';
import { decideArrival, decideConnect, decideMail, decideRcpt } from '../../runtime/policy/index.js';
import type { RelayWitness } from './relay-paths.js';

/** A client that did STARTTLS with a strong cipher: TLS never stands between it and relaying. */
const STRONG_TLS: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherBits: 256 };

/** The sender every probe uses, and the mailbox its recipient starts with. */
export const PROBE_SENDER = 'probe@example.net';

/** A recipient domain that is not local (`.invalid` is reserved and never delegated, RFC 2606). */
export function nonLocalDomain(server: CompiledServer): string {
  let domain = 'relay-probe.invalid';
  while (server.localDomains.has(domain)) domain = `x.${domain}`;
  return domain;
}

/** The recipient of a probe: in a domain this server does not deliver locally. */
export function probeRecipient(server: CompiledServer): string {
  return `probe@${nonLocalDomain(server)}`;
}

/**
 * True when an unauthenticated client at `clientAddress` (with no PTR record, unless
 * `reverseDns` says otherwise) is accepted at connect and MAIL and its recipient in a
 * non-local domain is accepted for relaying.
 */
export function relaysWithoutAuth(server: CompiledServer, clientAddress: string, reverseDns: ReverseDnsResult = { status: 'none' }): boolean {
  const facts: SessionFacts = {
    clientAddress,
    reverseDns,
    tls: server.config.tls ? STRONG_TLS : null,
    user: null,
    mailFrom: PROBE_SENDER,
  };
  if (decideConnect(server, facts).decision !== 'accept') return false;
  if (decideMail(server, facts).decision !== 'accept') return false;
  const rcpt = decideRcpt(server, { ...facts, rcptTo: probeRecipient(server) });
  return rcpt.decision === 'accept' && rcpt.route === 'relay';
}

/** The arrival a witness describes: a peer, possibly with a PROXY header, possibly a gateway. */
export function witnessArrival(witness: RelayWitness): ArrivalFacts {
  if (witness.viaGateway !== undefined) return { peerAddress: witness.viaGateway, behindGateway: witness.client };
  if (witness.proxyFrom !== undefined) return { peerAddress: witness.proxyFrom, proxyClaim: witness.client };
  if (witness.proxyLocal === true) return { peerAddress: witness.client, proxyLocal: true };
  return { peerAddress: witness.client };
}

/** Does runtime/policy let this session relay, from the TCP peer through to RCPT? */
export function witnessRelays(server: CompiledServer, witness: RelayWitness): boolean {
  const arrival = decideArrival(server, witnessArrival(witness));
  if (arrival.decision !== 'accept') return false;
  const reverseDns: ReverseDnsResult = witness.ptr === undefined ? { status: 'none' } : { status: 'found', name: witness.ptr, confirmed: true };
  return relaysWithoutAuth(server, arrival.clientAddress, reverseDns);
}

/** The `smtppolicy explain` command that replays the witness's session. */
export function explainCommand(entry: string, server: CompiledServer, witness: RelayWitness): string {
  const args = [
    'smtppolicy explain',
    shellWord(entry),
    `--server ${shellWord(server.config.name)}`,
    ...(witness.proxyFrom !== undefined ? [`--proxy-from ${witness.proxyFrom}`] : []),
    ...(witness.viaGateway !== undefined ? [`--via-gateway ${witness.viaGateway}`] : []),
    `--client ${witness.client}`,
    ...(witness.proxyLocal === true ? ['--proxy-local'] : []),
    ...(witness.ptr !== undefined ? [`--ptr ${witness.ptr}`] : []),
    ...(server.config.tls ? ['--tls'] : []),
    `--rcpt ${probeRecipient(server)}`,
  ];
  return args.join(' ');
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
