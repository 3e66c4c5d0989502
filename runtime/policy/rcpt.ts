// RCPT TO: the recipient rate limits first (every RCPT counts, accepted or not, as in
// Postfix: that is what stops a harvest of addresses; rate-limits.ts). Then local domains
// (and the bare `postmaster`, see postmaster.ts) are accepted from anyone who got this far;
// any other domain is relaying, allowed only to those the relay settings name (Postfix's
// permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination).
import { parseAddress } from '../../net/ip.js';
import type { CompiledServer } from './compile.js';
import { addressDomain } from './mail.js';
import { isBarePostmaster, postmasterMailbox } from './postmaster.js';
import { resolveRecipient } from './recipients.js';
import { rateDecision } from './rate-limits.js';
import { replies } from './replies.js';
import { checkReverseName, describeEntry } from './reverse-dns.js';
import type { RcptDecision, SessionFacts, TraceStep } from './types.js';

export function decideRcpt(server: CompiledServer, facts: SessionFacts): RcptDecision {
  const relay = server.config.relay;
  const rcpt = facts.rcptTo ?? '';
  const domain = addressDomain(rcpt);
  const trace: TraceStep[] = [];

  const rates = rateDecision(server, 'recipient', facts);
  trace.push(...rates.trace);
  if (rates.refused) return { decision: 'tempfail', stage: 'rcpt', reply: rates.reply, trace, rateLimit: rates.limit };

  if (isBarePostmaster(rcpt)) {
    const mailbox = postmasterMailbox(server);
    trace.push(mailbox.step);
    const accepted: RcptDecision = { decision: 'accept', stage: 'rcpt', reply: replies.rcptAccepted, trace, route: 'local', deliverTo: mailbox.address };
    // the postmaster of a local domain may be an alias; its own local part is always accepted
    return server.localDomains.has(addressDomain(mailbox.address)) ? localRecipient(server, rcpt, mailbox.address, facts, accepted) : accepted;
  }

  const local = server.localDomains.get(domain);
  if (local !== undefined) {
    trace.push({ step: `recipient domain ${domain} is local`, result: `yes: ${describeEntry(local, local.domain)}`, source: local.source });
    return localRecipient(server, rcpt, rcpt, facts, { decision: 'accept', stage: 'rcpt', reply: replies.rcptAccepted, trace, route: 'local' });
  }
  trace.push({
    step: `recipient domain ${domain === '' ? '(none)' : domain} is local`,
    result: 'no: delivering it means relaying',
    source: null,
  });

  if (relay.anyone) {
    trace.push({ step: 'relay for anyone', result: 'granted: this server is an open relay', source: relay.source });
    return relayAccepted(trace);
  }
  const user = facts.user ?? null;
  if (relay.authenticated && user !== null) {
    trace.push({ step: 'relay for authenticated clients', result: `granted: authenticated as ${user}`, source: relay.source });
    return relayAccepted(trace);
  }
  trace.push({
    step: 'relay for authenticated clients',
    result: relay.authenticated ? 'the client is not authenticated' : 'not granted by the policy',
    source: relay.source,
  });

  const address = parseAddress(facts.clientAddress);
  const hit = address === undefined ? undefined : server.relay.matchAddress(address);
  if (hit !== undefined) {
    trace.push({ step: `client address ${address?.text} in relay grants`, result: `matched ${describeEntry(hit, hit.cidr)}`, source: hit.source });
    return relayAccepted(trace);
  }
  trace.push({
    step: `client address ${address?.text ?? facts.clientAddress} in relay grants`,
    result: 'no address grant matches',
    source: null,
  });

  if (server.relay.domainCount > 0) {
    const name = checkReverseName(server.relay, facts);
    const step = 'client PTR name in relay domain grants';
    if (name.kind === 'matched') {
      trace.push({ step, result: `${name.name} matched ${describeEntry(name.item, name.item.domain)}`, source: name.item.source });
      return relayAccepted(trace);
    }
    if (name.kind === 'unknown') {
      trace.push({ step, result: `${name.result}: failing closed`, source: relay.source });
      return {
        decision: 'tempfail',
        stage: 'rcpt',
        reply: replies.relayLookupFailed(rcpt),
        trace,
        ...(name.notLookedUp ? { needsReverseDns: true } : {}),
      };
    }
    trace.push({ step, result: name.result, source: relay.source });
  }
  trace.push({ step: 'relay', result: 'denied: no grant applies', source: relay.source });
  return { decision: 'refuse', stage: 'rcpt', reply: replies.relayDenied(rcpt), trace };
}

// A plain function, not a closure per call: decisions run for every recipient.
function relayAccepted(trace: TraceStep[]): RcptDecision {
  return { decision: 'accept', stage: 'rcpt', reply: replies.rcptAccepted, trace, route: 'relay' };
}

/**
 * A recipient in a local domain: accepted as `accepted` says when its domain's recipient
 * list (recipients.ts) knows it, with the addresses an alias fans out to; refused with
 * 550 5.1.1 when it is unknown, deferred when the mailbox lists were not read.
 */
function localRecipient(server: CompiledServer, rcpt: string, mailbox: string, facts: SessionFacts, accepted: RcptDecision): RcptDecision {
  const resolution = resolveRecipient(server, mailbox, facts.mailboxes);
  const trace = [...accepted.trace, ...resolution.trace];
  if (resolution.kind === 'unknown') return { decision: 'refuse', stage: 'rcpt', reply: replies.userUnknown(rcpt), trace };
  if (resolution.kind === 'unread') {
    return { decision: 'tempfail', stage: 'rcpt', reply: resolution.directory ? replies.directoryUnavailable(rcpt) : replies.mailboxesNotRead(rcpt), trace };
  }
  return {
    ...accepted,
    trace,
    ...(resolution.expanded ? { targets: resolution.targets } : {}),
    ...(resolution.loops.length > 0 ? { aliasLoops: resolution.loops } : {}),
    ...(resolution.dropped.length > 0 ? { unknownTargets: resolution.dropped } : {}),
  };
}
