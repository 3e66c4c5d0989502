// The mailboxes of one server's recipient lists, as the policy's RCPT decision asks for
// them (runtime/policy's MailboxDirectory). Each `mailboxes` source is a file: a mailbox
// list (mailbox-file.ts) or the password file of a credential store, whose user names
// that are addresses in the domain are its mailboxes. Like the credential stores, the
// files are reread when they change (runtime/files/change-poller.ts) and when `reload()` is
// called (SIGHUP rebuilds the whole runtime, these lists with it).
// A reload that fails keeps the previous mailboxes and reports the error: a bad edit must
// not turn every recipient into an unknown one.
//
// A directory store (`users NAME ldap …`) is no file: its mailboxes and groups are asked for
// per recipient (directory-mailboxes.ts, with its cache). Without the directory (explain,
// which does not connect) such a domain answers "cannot tell" for names its files lack;
// the server decides each RCPT on a RecipientLookup (recipient-lookup.ts) instead.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isDirectoryStore, type RecipientsConfig, type UserStoreConfig } from '../config/types.js';
import type { MailboxDirectory } from '../policy/index.js';
import { readPasswordLines } from '../auth/password-file.js';
import { parseMailboxFile, type MailboxEntry } from './mailbox-file.js';
import { ChangePoller } from '../files/change-poller.js';
import type { DirectoryMailboxes } from './directory-mailboxes.js';
import { RecipientLookup, type ListedMailboxes } from './recipient-lookup.js';

/** One file a recipient list reads, and how. */
interface ListSource {
  kind: 'file' | 'users';
  path: string;
  /** What the operator wrote, for messages: `file "mailboxes"` or `users staff`. */
  label: string;
}

export interface MailboxListEvents {
  /** A reload failed; the previous mailboxes stay in force. */
  reloadFailed(error: Error): void;
  /** The lists were (re)read: mailboxes per domain. */
  loaded(counts: Record<string, number>): void;
}

const QUIET: MailboxListEvents = { reloadFailed: () => {}, loaded: () => {} };

export class MailboxLists implements MailboxDirectory, ListedMailboxes {
  /** By domain: the lower-case NFC local parts of its mailboxes. */
  private mailboxes = new Map<string, ReadonlySet<string>>();
  /** Domains with a source that could not be read (only after loadAvailable). */
  private unread = new Set<string>();
  /** Domains whose directory store was not given (explain): they cannot tell. */
  private readonly unasked = new Set<string>();
  private readonly sources = new Map<string, ListSource[]>();
  private readonly poller = new ChangePoller(() => this.reload());
  /** By domain: the directory stores its recipient list names. */
  private readonly directories = new Map<string, DirectoryMailboxes[]>();

  /** `directories`: the server's directory stores by name; absent (explain), their domains cannot tell. */
  constructor(
    lists: readonly RecipientsConfig[],
    userStores: readonly UserStoreConfig[],
    baseDir: string,
    private readonly events: MailboxListEvents = QUIET,
    directories: ReadonlyMap<string, DirectoryMailboxes> = new Map(),
  ) {
    const stores = new Map(userStores.flatMap((store) => (isDirectoryStore(store) ? [] : [[store.name, store.file] as const])));
    const directoryNames = new Set(userStores.filter(isDirectoryStore).map((store) => store.name));
    for (const list of lists) {
      const sources: ListSource[] = [];
      const asked: DirectoryMailboxes[] = [];
      for (const source of list.mailboxes) {
        if (source.kind === 'users' && directoryNames.has(source.userStore)) {
          const directory = directories.get(source.userStore);
          if (directory) asked.push(directory);
          else this.unasked.add(list.domain);
          continue;
        }
        const file = source.kind === 'file' ? source.file : stores.get(source.userStore);
        // the config's own checks refuse a store that does not exist; nothing to read then
        if (file === undefined) continue;
        const label = source.kind === 'file' ? `mailboxes file ${file}` : `mailboxes users ${source.userStore}`;
        sources.push({ kind: source.kind, path: isAbsolute(file) ? file : resolve(baseDir, file), label });
      }
      if (sources.length > 0) this.sources.set(list.domain, sources);
      if (asked.length > 0) this.directories.set(list.domain, asked);
    }
  }

  /** Without asking a directory: a directory's domain cannot tell what its files do not hold. */
  has(domain: string, localPart: string): boolean | undefined {
    const inFiles = this.hasInFiles(domain, localPart);
    if (inFiles !== false) return inFiles;
    return this.directories.has(domain) || this.unasked.has(domain) ? undefined : false;
  }

  hasInFiles(domain: string, localPart: string): boolean | undefined {
    if (this.mailboxes.get(domain)?.has(localPart)) return true;
    // a list of the domain could not be read (explain only): it may hold the mailbox
    return this.unread.has(domain) ? undefined : false;
  }

  directoriesOf(domain: string): readonly DirectoryMailboxes[] {
    return this.directories.get(domain) ?? [];
  }

  /** Whether any domain asks a directory: a RCPT then needs a RecipientLookup. */
  get asksDirectories(): boolean {
    return this.directories.size > 0;
  }

  /** A view for one RCPT's decision that fetches the directories' answers it asks for. */
  lookup(): RecipientLookup {
    return new RecipientLookup(this);
  }

  /**
   * The mailboxes of `domain` as last read (lower-case NFC local parts, sorted): what
   * `compile --target` copies into another MTA's tables.
   */
  localParts(domain: string): string[] {
    return [...(this.mailboxes.get(domain) ?? [])].sort();
  }

  /** Reads every source; throws (naming the file, and the line of a bad entry) when one cannot be read. */
  async load(): Promise<void> {
    const failures = await this.read(true);
    if (failures[0]) throw failures[0];
  }

  /**
   * Reads what can be read and returns what could not (`explain`, which runs where the
   * lists may not be): a domain with an unread source then answers "unknown" for names the
   * other sources do not hold, never "no such mailbox".
   */
  async loadAvailable(): Promise<Error[]> {
    return this.read(false);
  }

  private async read(strict: boolean): Promise<Error[]> {
    const read = new Map<string, Promise<MailboxEntry[] | Error>>();
    const failures: Error[] = [];
    const next = new Map<string, Set<string>>();
    const unread = new Set<string>();
    for (const [domain, sources] of this.sources) {
      const mailboxes = new Set<string>();
      for (const source of sources) {
        const key = `${source.kind}:${source.path}`;
        if (!read.has(key)) read.set(key, this.readRecorded(source));
        const entries = await read.get(key)!;
        if (entries instanceof Error) {
          if (!failures.includes(entries)) failures.push(entries);
          unread.add(domain);
          if (strict) return failures;
          continue;
        }
        for (const entry of entries) {
          if (entry.domain === null || entry.domain === domain) mailboxes.add(entry.localPart);
        }
      }
      next.set(domain, mailboxes);
    }
    this.mailboxes = next;
    this.unread = unread;
    if (next.size > 0) this.events.loaded(Object.fromEntries([...next].map(([domain, set]) => [domain, set.size])));
    return failures;
  }

  async reload(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.events.reloadFailed(error as Error);
    }
  }

  /** Polls the files every `intervalMs` and rereads them all when one has changed since it was read. */
  watch(intervalMs = 1000): void {
    this.poller.start(intervalMs);
  }

  close(): void {
    this.poller.stop();
  }

  private async readRecorded(source: ListSource): Promise<MailboxEntry[] | Error> {
    await this.poller.beforeRead(source.path);
    return readSource(source).catch((error: Error) => error);
  }
}

async function readSource(source: ListSource): Promise<MailboxEntry[]> {
  let text: string;
  try {
    text = await readFile(source.path, 'utf8');
  } catch (error) {
    throw new Error(`${source.label}: cannot read ${source.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (source.kind === 'file') return parseMailboxFile(text, source.path);
  // a credential store: its users whose names are addresses; the store itself reports bad lines
  return readPasswordLines(text).flatMap((line) => {
    if (line.kind !== 'user') return [];
    const at = line.user.lastIndexOf('@');
    if (at <= 0) return [];
    return [{ localPart: line.user.slice(0, at).normalize('NFC').toLowerCase(), domain: line.user.slice(at + 1).toLowerCase().replace(/\.$/, ''), line: line.line }];
  });
}
