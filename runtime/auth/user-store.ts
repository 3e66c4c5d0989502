// What the session asks of a credential store, whichever kind it is: a password file
// (credential-store.ts) answers every mechanism from the secrets it holds; a directory
// (directory-store.ts) can only check a password by binding, and may be unreachable.

/** The directory did not answer in time or at all: the login is neither right nor wrong. */
export class DirectoryUnavailableError extends Error {
  constructor(store: string, reason: string) {
    super(`user store '${store}': directory unavailable: ${reason}`);
    this.name = 'DirectoryUnavailableError';
  }
}

export interface UserStore {
  readonly name: string;
  /** PLAIN/LOGIN: the user name to log in as when the password is right, else null; a directory that cannot answer throws DirectoryUnavailableError. */
  verify(user: string, password: string): Promise<string | null>;
  /** CRAM-MD5 (needs the shared secret): the user name, else null. */
  verifyCramMd5(user: string, challenge: string, response: string): string | null;
  /** XOAUTH2: the user name, else null. */
  verifyToken(user: string, token: string): string | null;
  load(): Promise<void>;
  reload(): Promise<void>;
  watch(intervalMs?: number): void;
  close(): void;
}
