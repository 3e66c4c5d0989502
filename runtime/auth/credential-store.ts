// A credential store backed by a password file, reloaded when the file changes (polled,
// so it also works for editors that replace the file) or when `reload()` is called (on
// SIGHUP). A reload that fails keeps the previous users and reports the error.
import { readFile } from 'node:fs/promises';
import { watchFile, unwatchFile, type Stats } from 'node:fs';
import { parsePasswordFile, normalizeUser, type PasswordEntry } from './password-file.js';
import { DEFAULT_SCRYPT, hashPassword, parseHash, verifyPassword, type ParsedHash } from './password-hash.js';

export class CredentialStore {
  private users = new Map<string, PasswordEntry>();
  private watching = false;
  // checked for unknown users so that "no such user" costs as long as "wrong password"
  private static decoy: Promise<ParsedHash> | undefined;

  constructor(
    readonly name: string,
    readonly file: string,
    private readonly onReloadError: (error: Error) => void = () => {},
  ) {}

  /** Loads the file; throws (with file:line:col) when it is missing or malformed. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      throw new Error(`user store '${this.name}': cannot read ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.users = parsePasswordFile(text, this.file);
  }

  async reload(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.onReloadError(error as Error);
    }
  }

  watch(intervalMs = 1000): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs, persistent: false }, (current: Stats, previous: Stats) => {
      if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino) void this.reload();
    });
  }

  close(): void {
    if (this.watching) unwatchFile(this.file);
    this.watching = false;
  }

  get size(): number {
    return this.users.size;
  }

  /** The canonical spelling of the user when the password is right, else null. */
  async verify(user: string, password: string): Promise<string | null> {
    const entry = this.users.get(normalizeUser(user));
    if (!entry) {
      CredentialStore.decoy ??= hashPassword('decoy', DEFAULT_SCRYPT).then((h) => parseHash(h) as ParsedHash);
      await verifyPassword(password, await CredentialStore.decoy);
      return null;
    }
    return (await verifyPassword(password, entry.hash)) ? entry.user : null;
  }
}
