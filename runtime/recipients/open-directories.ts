// The directory stores a server's recipient lists read, opened for a one-off question
// (`smtppolicy explain --rcpt`): the same store and lookups the server uses, so explain
// answers as the server would. A store that cannot be opened here (its bind password is
// not in this environment, its CA file is elsewhere) is left out and reported: its domains
// then answer "cannot tell", never "no such mailbox".
import { isDirectoryStore, type RecipientsConfig, type UserStoreConfig } from '../config/types.js';
import { DirectoryStore } from '../auth/directory-store.js';
import { DirectoryMailboxes } from './directory-mailboxes.js';

export interface OpenedDirectories {
  directories: Map<string, DirectoryMailboxes>;
  /** Why a store could not be opened, one message each. */
  failures: Error[];
  close(): void;
}

export async function openRecipientDirectories(
  lists: readonly RecipientsConfig[],
  userStores: readonly UserStoreConfig[],
  options: { baseDir: string; env: NodeJS.ProcessEnv },
): Promise<OpenedDirectories> {
  const named = new Set(lists.flatMap((list) => list.mailboxes.flatMap((source) => (source.kind === 'users' ? [source.userStore] : []))));
  const directories = new Map<string, DirectoryMailboxes>();
  const stores: DirectoryStore[] = [];
  const failures: Error[] = [];
  for (const config of userStores) {
    if (!isDirectoryStore(config) || !named.has(config.name)) continue;
    try {
      const store = new DirectoryStore(config.name, config.ldap, options);
      await store.load();
      stores.push(store);
      directories.set(config.name, new DirectoryMailboxes(store, { base: config.ldap.base, ttlMs: config.ldap.mailboxCacheMs }));
    } catch (error) {
      failures.push(error as Error);
    }
  }
  return { directories, failures, close: () => stores.forEach((store) => store.close()) };
}
