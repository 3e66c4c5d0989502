// Authentication of one session, in two steps:
//  - whether AUTH may start at all: one login per session, not while this address is locked
//    out, and only as the policy's decideAuth() allows (the library would accept plaintext
//    AUTH whenever STARTTLS is hidden, and we hide it to advertise it per session);
//  - the credential check behind every SASL mechanism: each mechanism against its own kind
//    of secret, throttled, one check at a time per network and per user name. A directory
//    that cannot answer gives 454 4.7.0 and is not a failed login: an outage must neither
//    let anyone in nor lock users out.
import type { SMTPServerAuthentication } from 'smtp-server';
import { decideAuth } from '../policy/index.js';
import { clean } from '../observe/logger.js';
import { DirectoryUnavailableError } from '../auth/user-store.js';
import { SharedStateUnavailableError, type CheckOutcome } from '../state/index.js';
import { serverReplies } from './server-replies.js';
import { SmtpReplyError, type Answer } from './smtp-reply-error.js';
import type { SessionContext } from './session-context.js';

export interface AuthState {
  /** The client has said HELO or EHLO. */
  greeted: boolean;
  /** The session has logged in already. */
  authenticated: boolean;
}

/** AUTH <mechanism>: the reply that will accept a successful login, or the refusal to send now. */
export async function startAuth(session: SessionContext, mechanism: string, state: AuthState): Promise<Answer> {
  const { rt, log } = session;
  if (!state.greeted) return new SmtpReplyError(serverReplies.greetFirst());
  if (state.authenticated) return new SmtpReplyError(serverReplies.identityChange());
  let lockedOut: boolean;
  try {
    lockedOut = await rt.limits.authLockedOut(session.remoteAddress);
  } catch (error) {
    return stateUnavailable(session, mechanism, error);
  }
  if (lockedOut) {
    log.event('auth-locked-out', { mechanism: clean(mechanism) }, 'warn');
    return new SmtpReplyError(serverReplies.authLockedOut(rt.config.hostname));
  }
  const decision = decideAuth(rt.compiled, session.facts(), mechanism);
  if (decision.decision !== 'accept') {
    log.decision(decision, { mechanism: clean(mechanism) });
    return new SmtpReplyError(decision.reply);
  }
  return decision.reply;
}

/** The credentials of one SASL exchange: the user they log in, or the refusal. */
export async function checkCredentials(session: SessionContext, auth: SMTPServerAuthentication): Promise<{ user: string } | SmtpReplyError> {
  const { rt, log } = session;
  const address = session.remoteAddress;
  const username = auth.username ?? '';
  const mechanismConfig = rt.config.auth.mechanisms.find((m) => m.mechanism === auth.method);
  const store = mechanismConfig?.userStore ? rt.credentials.get(mechanismConfig.userStore) : undefined;
  // one check at a time per network (an IPv4 address or an IPv6 /64), and per user name,
  // across every process (runtime/state): the lockout test and the recorded outcome must
  // not interleave with other sessions' checks, or parallel sessions (from one address, or
  // from many at one user) would each get a guess.
  const attempt = rt.limits.authAttempt(address, username, async (): Promise<CheckOutcome> => {
    // each mechanism is checked against its own kind of secret (runtime/auth/password-file.ts);
    // a user without that secret fails like a wrong one
    let verified: string | null = null;
    if (store && typeof auth.password === 'string' && (auth.method === 'PLAIN' || auth.method === 'LOGIN')) {
      try {
        verified = await store.verify(username, auth.password);
      } catch (error) {
        if (error instanceof DirectoryUnavailableError) return { unavailable: error.message };
        throw error;
      }
    } else if (store && auth.method === 'CRAM-MD5' && typeof auth.challenge === 'string' && typeof auth.challengeResponse === 'string') {
      verified = store.verifyCramMd5(username, auth.challenge, auth.challengeResponse);
    } else if (store && auth.method === 'XOAUTH2' && typeof auth.accessToken === 'string') {
      verified = store.verifyToken(username, auth.accessToken);
    }
    return verified ? { user: verified } : { failed: true };
  });
  let checked: Awaited<typeof attempt>;
  try {
    checked = await attempt;
  } catch (error) {
    return stateUnavailable(session, auth.method, error);
  }
  if (checked === 'locked-out') {
    log.event('auth-locked-out', { user: clean(username), mechanism: auth.method }, 'warn');
    return new SmtpReplyError(serverReplies.authLockedOut(rt.config.hostname));
  }
  if ('unavailable' in checked) {
    log.event('auth-directory-unavailable', { user: clean(username), mechanism: auth.method, error: checked.unavailable, source: mechanismConfig?.source ?? null }, 'error');
    return new SmtpReplyError(serverReplies.authNotPossible());
  }
  if ('user' in checked) {
    const user = checked.user;
    log.event('auth', { user: clean(user), mechanism: auth.method, outcome: 'accept', source: mechanismConfig?.source ?? null });
    rt.limits.rememberGood(address);
    return { user };
  }
  const verdict = checked.verdict;
  rt.metrics.authFailures.inc({ server: rt.config.name, mechanism: auth.method });
  log.event('auth', {
    user: clean(username), mechanism: auth.method, outcome: 'refuse', delayMs: verdict.delayMs, lockedOut: verdict.lockedOut,
    reason: store ? 'invalid credentials' : `no user store for ${auth.method}`, source: mechanismConfig?.source ?? null,
  }, 'warn');
  await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
  return new SmtpReplyError(verdict.lockedOut ? serverReplies.authLockedOut(rt.config.hostname) : serverReplies.authFailed());
}

/**
 * The shared state (Redis) cannot decide and the policy says fail-closed: no password is
 * checked that the throttle does not count, and the client may try later (454).
 */
function stateUnavailable(session: SessionContext, mechanism: string, error: unknown): SmtpReplyError {
  if (!(error instanceof SharedStateUnavailableError)) throw error;
  session.log.event('auth-state-unavailable', { mechanism: clean(mechanism), error: error.message }, 'warn');
  return new SmtpReplyError(serverReplies.authNotPossible());
}
