// Servers throttle failed logins (smtppolicy: `limits { auth-failures N  auth-failure-window
// D }`, per client address and per user at that address), and verify's own wrong-password
// probe is a failed login: run verify a few times within the window and the server answers
// AUTH with `421` before looking at the password. That is the server protecting itself, not
// a login that failed, so the probe says so and is skipped, never failed.
import type { ServerConfig } from '../runtime/config/types.js';
import type { SmtpResponse } from './smtp-client.js';
import { describeResponse } from './smtp-steps.js';

/** A 421 to AUTH: the server is refusing logins for now (throttled), whatever the password. */
export function isLoginThrottled(reply: SmtpResponse): boolean {
  return reply.code === 421;
}

/** Why a probe could not log in: the throttle, its limits in the policy, and what to do. */
export function throttledReason(config: ServerConfig, clientAddress: string, reply: SmtpResponse): string {
  const { authFailures, authFailureWindowMs } = config.limits;
  return `the server is throttling logins from ${clientAddress} (AUTH: ${describeResponse(reply)}): failed logins count for ${describeWindow(authFailureWindowMs)} `
    + `(this policy locks out after ${authFailures}), and verify's wrong-password probes of earlier runs count too; `
    + `run verify again once the window has passed, or from another --source`;
}

function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
