// What logging in gives, per server, before and after: the rights of authenticated users
// (relay anywhere, which mechanisms and user stores they log in with, whether the sender
// must be their own address) and whether logging in is needed at all (anonymous access).
// These do not depend on the client address, so they are compared as settings, each with
// its line on both sides.

import type { ServerConfig } from '../runtime/config/index.js';

export interface UserRightChange {
  /** `authenticated users may relay`, `log in with PLAIN (user store staff)`, … */
  right: string;
  before: boolean;
  after: boolean;
  /** True when the change gives someone more: a right gained, or a restriction dropped. */
  widens: boolean;
  sources: { before: string | null; after: string | null };
}

interface Right {
  right: string;
  /** Holding it is the wider setting (false for restrictions such as sender-must-match). */
  widening: boolean;
  holds: (server: ServerConfig) => boolean;
  source: (server: ServerConfig) => string | null;
}

const FIXED_RIGHTS: Right[] = [
  { right: 'clients may send mail without logging in (anonymous access)', widening: true, holds: (s) => s.auth.anonymous, source: (s) => s.auth.source },
  { right: 'authenticated users may relay to any domain', widening: true, holds: (s) => s.relay.authenticated, source: (s) => s.relay.source },
  { right: "authenticated users must send as their own address (sender-must-match)", widening: false, holds: (s) => s.auth.senderMustMatch, source: (s) => s.auth.source },
];

export function userRightChanges(before: ServerConfig | undefined, after: ServerConfig | undefined): UserRightChange[] {
  if (before === undefined || after === undefined) return [];
  const logins = (server: ServerConfig) => new Set(server.auth.mechanisms.map((m) => loginRight(m.mechanism, m.userStore)));
  const loginRights: Right[] = [...new Set([...logins(before), ...logins(after)])].sort().map((right) => ({
    right,
    widening: true,
    holds: (s) => logins(s).has(right),
    source: (s) => s.auth.mechanisms.find((m) => loginRight(m.mechanism, m.userStore) === right)?.source ?? s.auth.source,
  }));
  return [...FIXED_RIGHTS, ...loginRights].flatMap((r) => {
    const was = r.holds(before);
    const is = r.holds(after);
    if (was === is) return [];
    return [{ right: r.right, before: was, after: is, widens: is === r.widening, sources: { before: r.source(before), after: r.source(after) } }];
  });
}

function loginRight(mechanism: string, store: string | null): string {
  return `users log in with ${mechanism}${store === null ? ' (no user store: no login succeeds)' : ` against user store ${store}`}`;
}
