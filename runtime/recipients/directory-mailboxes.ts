// The mailboxes and groups of one directory store, as the recipient lists that name it
// (`mailboxes users STORE`) ask for them: one LDAP lookup per address, its answer kept for
// the store's `mailbox-cache` (bounded: at most an hour, a minute by default) so a burst
// of recipients (a list mail, an address harvest) asks the directory once per address.
//
// Positive and negative answers are both kept, for the same time: a harvest of made-up
// names must not turn into one directory search per RCPT. An outage is never kept and
// never an answer: the lookup throws DirectoryUnavailableError and the RCPT is deferred.
// The cache lives as long as the runtime: a reload (SIGHUP) builds a new, empty one.
import type { Client } from 'ldapts';
import { lookupRecipient, type DirectoryAnswer } from './directory-lookup.js';

/** What the cache needs of a directory store (runtime/auth's DirectoryStore). */
export interface RecipientDirectory {
  readonly name: string;
  searchAsService<T>(search: (client: () => Client) => Promise<T>): Promise<T>;
}

export interface DirectoryMailboxOptions {
  /** The search base (the store's `base`): it must cover the groups too. */
  base: string;
  /** 0: nothing is kept between recipients. */
  ttlMs: number;
  /** Most addresses kept; the oldest is forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

const MAX_ENTRIES = 10_000;

export class DirectoryMailboxes {
  private readonly answers = new Map<string, { answer: DirectoryAnswer; expires: number }>();
  /** Lookups under way: parallel sessions asking for one address share one search. */
  private readonly pending = new Map<string, Promise<DirectoryAnswer>>();
  /** Searches sent to the directory (the benchmark and the tests read it). */
  searches = 0;

  constructor(
    private readonly directory: RecipientDirectory,
    private readonly options: DirectoryMailboxOptions,
  ) {}

  get name(): string {
    return this.directory.name;
  }

  /** The kept answer for `address` (lower-case), if it is still fresh. */
  cached(address: string): DirectoryAnswer | undefined {
    const kept = this.answers.get(address);
    if (kept === undefined) return undefined;
    if (kept.expires > this.now()) return kept.answer;
    this.answers.delete(address);
    return undefined;
  }

  /** Asks the directory (or the cache); throws DirectoryUnavailableError when it does not answer. */
  async lookup(address: string): Promise<DirectoryAnswer> {
    const kept = this.cached(address);
    if (kept !== undefined) return kept;
    let pending = this.pending.get(address);
    if (pending === undefined) {
      pending = this.search(address).finally(() => this.pending.delete(address));
      this.pending.set(address, pending);
    }
    return pending;
  }

  private async search(address: string): Promise<DirectoryAnswer> {
    this.searches++;
    const { answer, mailboxes } = await this.directory.searchAsService((client) => lookupRecipient(client, this.options.base, address));
    this.keep(address, answer);
    // a group's members were read on the way: the walk asks for each of them next
    for (const member of mailboxes) this.keep(member, { kind: 'mailbox' });
    return answer;
  }

  private keep(address: string, answer: DirectoryAnswer): void {
    if (this.options.ttlMs <= 0) return;
    this.answers.delete(address);
    this.answers.set(address, { answer, expires: this.now() + this.options.ttlMs });
    const max = this.options.maxEntries ?? MAX_ENTRIES;
    // Map keeps insertion order: the first key is the oldest answer
    while (this.answers.size > max) this.answers.delete(this.answers.keys().next().value!);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
