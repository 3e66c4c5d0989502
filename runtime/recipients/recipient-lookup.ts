// One RCPT's view of the mailbox lists, for runtime/policy's synchronous decision. The
// policy walks the recipient and its aliases in one go and cannot wait for a directory, so
// the session decides, fetches the directory answers the walk asked for and did not have
// (`missing`), and decides again, until nothing is missing (an alias or a group whose
// members are directory mailboxes takes a round per level; the rounds are bounded).
//
// The answers a decision used are pinned here: a cache entry that expires between two
// rounds cannot change the first round's reasoning. A directory that did not answer makes
// `has` "cannot tell" for its domains and `unavailable` names it: the policy defers the
// recipient (451 4.4.3), never refuses it as unknown and never accepts it unchecked.
import { DirectoryUnavailableError } from '../auth/user-store.js';
import type { MailboxDirectory } from '../policy/index.js';
import type { DirectoryAnswer } from './directory-lookup.js';
import type { DirectoryMailboxes } from './directory-mailboxes.js';

/** What the view needs of the server's lists (MailboxLists). */
export interface ListedMailboxes {
  /** The answer of the domain's files alone. */
  hasInFiles(domain: string, localPart: string): boolean | undefined;
  directoriesOf(domain: string): readonly DirectoryMailboxes[];
}

export class RecipientLookup implements MailboxDirectory {
  /** Directory answers the last decision needed and did not have, by `store|address`. */
  readonly missing = new Map<string, { directory: DirectoryMailboxes; address: string }>();
  private readonly answers = new Map<string, DirectoryAnswer>();
  private readonly failed = new Map<DirectoryMailboxes, DirectoryUnavailableError>();

  constructor(private readonly lists: ListedMailboxes) {}

  has(domain: string, localPart: string): boolean | undefined {
    const inFiles = this.lists.hasInFiles(domain, localPart);
    if (inFiles === true) return true;
    let unknown = inFiles === undefined;
    for (const directory of this.lists.directoriesOf(domain)) {
      const answer = this.answer(directory, `${localPart}@${domain}`);
      if (answer === undefined) unknown = true;
      else if (answer.kind === 'mailbox') return true;
    }
    return unknown ? undefined : false;
  }

  groupMembers(domain: string, localPart: string): readonly string[] | undefined {
    for (const directory of this.lists.directoriesOf(domain)) {
      const answer = this.answer(directory, `${localPart}@${domain}`);
      if (answer?.kind === 'group') return answer.members;
    }
    return undefined;
  }

  unavailable(domain: string): string | undefined {
    return this.lists.directoriesOf(domain).find((directory) => this.failed.has(directory))?.name;
  }

  /** The outages met so far (for the log). */
  failures(): DirectoryUnavailableError[] {
    return [...this.failed.values()];
  }

  /** Asks the directories for what is missing, all at once; an outage is remembered, not thrown. */
  async fetchMissing(): Promise<void> {
    const wanted = [...this.missing];
    this.missing.clear();
    await Promise.all(
      wanted.map(async ([key, { directory, address }]) => {
        try {
          this.answers.set(key, await directory.lookup(address));
        } catch (error) {
          if (!(error instanceof DirectoryUnavailableError)) throw error;
          this.failed.set(directory, error);
        }
      }),
    );
  }

  private answer(directory: DirectoryMailboxes, address: string): DirectoryAnswer | undefined {
    const key = `${directory.name}|${address}`;
    let answer = this.answers.get(key);
    if (answer === undefined && !this.failed.has(directory)) {
      answer = directory.cached(address);
      if (answer === undefined) this.missing.set(key, { directory, address });
      else this.answers.set(key, answer);
    }
    return answer;
  }
}
