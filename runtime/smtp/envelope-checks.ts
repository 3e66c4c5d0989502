// MAIL and RCPT: what the policy says about the sender and each recipient, and the checks
// the server makes on its own before a recipient is accepted. Each check answers with the
// reply that accepts (sent in place of the library's "250 Accepted") or the error that
// refuses (see smtp-reply-error.ts).
import type { SMTPServerAddress } from 'smtp-server';
import { decideMail, decideRcpt, type Decision, type DeliveryTarget, type RcptDecision, type SessionFacts } from '../policy/index.js';
import { countRates } from './rate-counts.js';
import { clean } from '../observe/logger.js';
import { mailboxPathFor } from '../delivery/mailbox-path.js';
import { serverReplies } from './server-replies.js';
import { SmtpReplyError, type Answer } from './smtp-reply-error.js';
import type { SessionContext } from './session-context.js';
import type { RecipientRoutes } from './recipient-routes.js';

/** Any absolute root: only whether an address maps to a mailbox at all matters at RCPT. */
const MAILBOX_CHECK_ROOT = '/maildir';
/**
 * Directory rounds for one RCPT: an alias or group level each. Past them the recipient is
 * "cannot tell" and deferred (451), never guessed.
 */
const DIRECTORY_ROUNDS = 8;

/** Synchronous unless a message rate limit applies (then the shared state counts the MAIL first). */
export function checkMail(session: SessionContext, address: SMTPServerAddress): Answer | Promise<Answer> {
  const refusal = refuseUtf8WithoutSmtpUtf8(session, address.address, 'mailFrom');
  if (refusal) return refusal;
  const facts = session.facts({ mailFrom: address.address ?? '' });
  const counting = countRates(session.rt, 'message', facts);
  if (!counting) return mailAnswer(session, address, facts);
  return counting.then((rates) => mailAnswer(session, address, { ...facts, rates }));
}

function mailAnswer(session: SessionContext, address: SMTPServerAddress, facts: SessionFacts): Answer {
  const decision = decideMail(session.rt.compiled, facts);
  session.log.decision(decision, { mailFrom: clean(address.address) });
  countRateRefusal(session, decision);
  return decision.decision === 'accept' ? decision.reply : new SmtpReplyError(decision.reply);
}

/** A refusal by a rate limit, counted by the limit's name (smtppolicy_rate_limited_total). */
export function countRateRefusal(session: Pick<SessionContext, 'rt'>, decision: Decision): void {
  if (decision.rateLimit) session.rt.metrics.rateLimited.inc({ server: session.rt.config.name, limit: decision.rateLimit });
}

/**
 * `reverseDnsSettled` is the lookup started at connect, when one was: a RCPT that a domain
 * relay grant decides waits for it (bounded by the resolver timeout) and is decided again.
 */
export async function checkRcpt(
  session: SessionContext,
  routes: RecipientRoutes,
  address: SMTPServerAddress,
  reverseDnsSettled: Promise<unknown> | undefined,
): Promise<Answer> {
  const utf8Refusal = refuseUtf8WithoutSmtpUtf8(session, address.address, 'rcptTo');
  if (utf8Refusal) return utf8Refusal;
  const mailFrom = session.envelope?.mailFrom;
  const lists = session.rt.mailboxes;
  const lookup = lists.asksDirectories ? lists.lookup() : undefined;
  const commandFacts = { mailFrom: mailFrom ? mailFrom.address : '', rcptTo: address.address };
  // counted once per RCPT, however often it is decided below
  const rates = await countRates(session.rt, 'recipient', session.facts(commandFacts));
  const decideOnce = () => decideRcpt(session.rt.compiled, {
    ...session.facts(commandFacts),
    mailboxes: lookup ?? lists,
    ...(rates ? { rates } : {}),
  });
  const decide = async () => {
    let decision = decideOnce();
    // the policy decides synchronously: fetch the directory answers it asked for, decide again
    for (let round = 0; lookup && lookup.missing.size > 0 && round < DIRECTORY_ROUNDS; round++) {
      await lookup.fetchMissing();
      decision = decideOnce();
    }
    return decision;
  };
  let decision = await decide();
  if (decision.needsReverseDns && reverseDnsSettled) {
    await reverseDnsSettled;
    decision = await decide();
  }
  for (const failure of lookup?.failures() ?? []) {
    session.log.event('directory-unavailable', { rcptTo: clean(address.address), error: failure.message }, 'warn');
  }
  const targets = deliveryTargets(decision, address.address);
  if (decision.decision === 'accept') {
    // a recipient no Maildir folder can hold would be accepted only to bounce later, and
    // the bounce goes to a sender who may be forged (backscatter): refuse it now, by the
    // delivery's own rule
    for (const target of targets) {
      if (target.route !== 'local') continue;
      const mailbox = mailboxPathFor(MAILBOX_CHECK_ROOT, target.address);
      if (!mailbox.ok) {
        session.log.event('recipient-refused', { rcptTo: clean(address.address), reason: mailbox.reason }, 'warn');
        return new SmtpReplyError(serverReplies.badMailbox());
      }
    }
  }
  session.log.decision(decision, {
    rcptTo: clean(address.address),
    ...(decision.deliverTo ? { deliverTo: decision.deliverTo } : {}),
    ...(decision.targets ? { targets: decision.targets.map((t) => clean(t.address)) } : {}),
  });
  logAliasTrouble(session, address.address, decision);
  countRateRefusal(session, decision);
  if (decision.decision !== 'accept') {
    if (decision.decision === 'refuse' && decision.reply.enhanced === '5.1.1') session.rt.metrics.recipientsUnknown.inc({ server: session.rt.config.name });
    else if (decision.decision === 'refuse') session.rt.metrics.relayDenied.inc({ server: session.rt.config.name });
    return new SmtpReplyError(decision.reply);
  }
  routes.record(address.address, targets);
  return decision.reply;
}

/** Where an accepted recipient goes: an alias's fan-out, the postmaster's mailbox, or itself. */
function deliveryTargets(decision: RcptDecision, given: string): DeliveryTarget[] {
  if (decision.targets) return decision.targets;
  return [{ address: decision.deliverTo ?? given, route: decision.route ?? 'local' }];
}

/** Alias loops and alias targets without a mailbox: the policy's lint reports them too, the log says they happened. */
function logAliasTrouble(session: SessionContext, rcpt: string, decision: RcptDecision): void {
  for (const loop of decision.aliasLoops ?? []) {
    session.log.event('alias-loop', { rcptTo: clean(rcpt), loop: loop.map(clean), deliveredTo: clean(loop.at(-1)) }, 'warn');
  }
  if (decision.unknownTargets) session.log.event('alias-target-unknown', { rcptTo: clean(rcpt), targets: decision.unknownTargets.map(clean) }, 'warn');
}

// RFC 6531 3.4: a non-ASCII address may appear only in a transaction that announced it
// with the SMTPUTF8 parameter of MAIL; without it the next hop, which may not speak
// SMTPUTF8, would get an address it cannot represent (RFC 6531 3.7.4.1: 553 5.6.7).
function refuseUtf8WithoutSmtpUtf8(session: SessionContext, address: string | false | undefined, field: 'mailFrom' | 'rcptTo'): SmtpReplyError | null {
  // eslint-disable-next-line no-control-regex
  if (!address || /^[\x00-\x7f]*$/.test(address) || session.envelope?.smtpUtf8) return null;
  session.log.event('utf8-without-smtputf8', { [field]: clean(address) }, 'warn');
  return new SmtpReplyError(serverReplies.smtpUtf8Required());
}
