// The vocabulary of policy decisions: what the server knows about a session (facts), and
// what the policy answers (a decision with its SMTP reply and a trace).
//
// runtime/policy is the single definition of what a RuntimeConfig means. The SMTP server,
// `explain`, `verify` and the compiler's analysis all ask it; none re-implements a rule.
// Everything here is pure data: no I/O, no clocks, no randomness.

/** The outcome of a reverse lookup of the client address, as the server's DNS layer saw it. */
export type ReverseDnsResult =
  /** A PTR name was found; `confirmed` when a forward lookup of that name gives the client address back. */
  | { status: 'found'; name: string; confirmed: boolean }
  /** The address has no PTR record (NXDOMAIN or no data). */
  | { status: 'none' }
  /** The lookup failed or timed out: nothing is known, so domain rules must fail closed. */
  | { status: 'error'; reason: string };

export interface TlsFacts {
  /** As Node reports it: 'TLSv1.2', 'TLSv1.3', … */
  version: string;
  /** The negotiated cipher's name, for traces. */
  cipher: string;
  /** Symmetric key length of the negotiated cipher, in bits. */
  cipherBits: number;
}

export interface SessionFacts {
  /** The client's address as the server sees it (after a trusted PROXY header). Normalised or not: the policy normalises. */
  clientAddress: string;
  /**
   * The reverse lookup's result. `undefined` means no lookup was made: a decision that
   * needs one answers tempfail with `needsReverseDns: true` instead of guessing.
   */
  reverseDns?: ReverseDnsResult;
  /** null or absent: the session is not (yet) encrypted. */
  tls?: TlsFacts | null;
  /** The authenticated user name; null or absent when not authenticated. */
  user?: string | null;
  /** The envelope sender (MAIL FROM), `''` for the null sender. */
  mailFrom?: string;
  /** The recipient being decided (RCPT TO). */
  rcptTo?: string;
  /**
   * The mailboxes the server has read from the recipient lists' sources (mailbox files,
   * user stores). `undefined`: they were not read, and a recipient that only they can
   * confirm is answered with a temporary refusal instead of a guess.
   */
  mailboxes?: MailboxDirectory;
  /**
   * What the shared state found when the server counted this event under each rate limit
   * that applies (rate-limits.ts), keyed by the limit's name (`message-rate-per-user`).
   * Absent (explain): the decision says which limits apply instead of deciding on counts.
   */
  rates?: Readonly<Record<string, RateCount>>;
}

/** One rate limit's verdict on the event being decided (the shared state's RateVerdict). */
export interface RateCount {
  allowed: boolean;
  /** When refused: how long until the limit's window ends. */
  retryAfterMs: number;
}

/** The mailboxes named by the `mailboxes` sources of the local domains' recipient lists. */
export interface MailboxDirectory {
  /**
   * Whether a source of `domain`'s recipient list names the mailbox (both lower-case, the
   * local part in NFC); `undefined` when it cannot be told: a source was not read.
   */
  has(domain: string, localPart: string): boolean | undefined;
  /**
   * A directory group's members (full addresses): mail to the group goes to them. Asked only
   * for a name `has` says is no mailbox; undefined when it is no group.
   */
  groupMembers?(domain: string, localPart: string): readonly string[] | undefined;
  /** The directory store of `domain` that did not answer, when `has` cannot tell because of one. */
  unavailable?(domain: string): string | undefined;
}

export type DecisionOutcome = 'accept' | 'refuse' | 'tempfail';
export type Stage = 'connect' | 'ehlo' | 'auth' | 'mail' | 'rcpt';

export interface SmtpReply {
  /** 220, 250, 421, 450, 530, 535, 538, 550, 554, … */
  code: number;
  /** RFC 3463 enhanced status code, e.g. '5.7.1'; '' for the greeting, which carries none (RFC 2034 §3). */
  enhanced: string;
  text: string;
}

export interface TraceStep {
  /** What was checked, in words a mail admin understands ("client address in connection allow-list"). */
  step: string;
  /** What it found ("no entry matches 192.0.2.9", "matched 10.0.0.0/8"). */
  result: string;
  /** The policy location (`file:line:col`) of the setting or entry that decided, when there is one. */
  source: string | null;
}

export interface Decision {
  decision: DecisionOutcome;
  stage: Stage;
  reply: SmtpReply;
  trace: TraceStep[];
  /**
   * Set when the answer is a tempfail only because `facts.reverseDns` was undefined and the
   * decision depends on it: the caller should look the client up and ask again.
   */
  needsReverseDns?: boolean;
  /** Set when a rate limit refused: its name (`message-rate-per-user`), for the log line and the metric. */
  rateLimit?: string;
}

/** How a recipient is handled once accepted. */
export type RecipientRoute = 'local' | 'relay';

export interface RcptDecision extends Decision {
  /** Set when the decision is 'accept'. */
  route?: RecipientRoute;
  /**
   * Set when an accepted local recipient is delivered to another address than the one
   * given: the bare `postmaster` (RFC 5321 4.5.1) goes to `postmaster@<first local domain>`.
   */
  deliverTo?: string;
  /**
   * Where an accepted local recipient is delivered when it is an alias, or one of its
   * local domain's recipient list (the addresses the alias fans out to, each with its
   * route: local Maildir or the relay queue). Absent: to the recipient itself (or to
   * `deliverTo`).
   */
  targets?: DeliveryTarget[];
  /**
   * Alias loops met while expanding the recipient, each as the chain of addresses that
   * closes it (`a → b → a`). The address that closes a loop is delivered to its own
   * mailbox, once, instead of being expanded again.
   */
  aliasLoops?: string[][];
  /** Local alias targets that name no mailbox or alias: left out of the delivery (the server logs them). */
  unknownTargets?: string[];
}

/** One address an accepted recipient is delivered to, and how. */
export interface DeliveryTarget {
  address: string;
  route: RecipientRoute;
}

/** What to advertise in the EHLO reply at this point of the session. */
export interface EhloAdvertisement {
  starttls: boolean;
  /** SASL mechanisms to list after AUTH; empty means no AUTH line. */
  authMechanisms: string[];
  sizeLimit: number;
  trace: TraceStep[];
}

/** Formats a reply as it goes on the wire and in `explain`: `554 5.7.1 Relay access denied`. */
export function formatReply(reply: SmtpReply): string {
  return reply.enhanced ? `${reply.code} ${reply.enhanced} ${reply.text}` : `${reply.code} ${reply.text}`;
}
