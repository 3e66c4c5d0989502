// A credential store of a runtime config, built and loaded as the server does it: a
// password file or a directory. The server (start-server.ts) and `smtppolicy users test`
// open their stores here, so the command checks a login exactly as the server would.
import { isAbsolute, resolve } from 'node:path';
import { isDirectoryStore, type UserStoreConfig } from '../config/types.js';
import { CredentialStore } from './credential-store.js';
import { DirectoryStore } from './directory-store.js';
import type { UserStore } from './user-store.js';

export interface OpenUserStoreOptions {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  onReloadError?: (error: Error) => void;
  /** After each load of a password file (the server warns about missing secrets). */
  onPasswordFileLoaded?: (store: CredentialStore) => void;
}

/** The store, loaded; throws (naming the store and what is wrong) when it cannot be used. */
export async function openUserStore(config: UserStoreConfig, options: OpenUserStoreOptions): Promise<UserStore> {
  const store: UserStore = isDirectoryStore(config)
    ? new DirectoryStore(config.name, config.ldap, { baseDir: options.baseDir, env: options.env }, options.onReloadError)
    : new CredentialStore(config.name, isAbsolute(config.file) ? config.file : resolve(options.baseDir, config.file), options.onReloadError, options.onPasswordFileLoaded);
  await store.load();
  return store;
}
