// A credential store backed by a password file, reloaded when the file changes
// (runtime/files/change-poller.ts) or when `reload()` is called (on
// SIGHUP). A reload that fails keeps the previous users and reports the error.
//
// Every check costs the same whether the user exists, lacks that kind of secret, or gives
// the wrong one: a missing secret is replaced by a decoy and checked all the same, so
// response times do not tell which user names exist.
import { readFile } from 'node:fs/promises';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parsePasswordFile, normalizeUser, type PasswordEntry, type SecretScheme } from './password-file.js';
import { DEFAULT_SCRYPT, hashPassword, parseHash, verifyPassword, type ParsedHash } from './password-hash.js';
import { cramMd5Digest, cramMd5Secret, type CramMd5Secret } from './cram-md5.js';
import { bearerTokenDigest } from './bearer-token.js';
import { ChangePoller } from '../files/change-poller.js';

const CRAM_MD5_RESPONSE = /^[0-9a-f]{32}$/;
const DECOY_CRAM_MD5: CramMd5Secret = cramMd5Secret(randomBytes(16));
const DECOY_TOKEN_DIGEST: Buffer = randomBytes(32);

export class CredentialStore {
  private users = new Map<string, PasswordEntry>();
  private readonly poller = new ChangePoller(() => this.reload());
  // checked for unknown users so that "no such user" costs as long as "wrong password"
  private static decoy: Promise<ParsedHash> | undefined;

  constructor(
    readonly name: string,
    readonly file: string,
    private readonly onReloadError: (error: Error) => void = () => {},
    /** Called after every successful load (start and reloads), e.g. to warn about missing secrets. */
    private readonly onLoaded: (store: CredentialStore) => void = () => {},
  ) {}

  /** Loads the file; throws (with file:line:col) when it is missing or malformed. */
  async load(): Promise<void> {
    let text: string;
    await this.poller.beforeRead(this.file);
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      throw new Error(`user store '${this.name}': cannot read ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.users = parsePasswordFile(text, this.file);
    this.onLoaded(this);
  }

  async reload(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.onReloadError(error as Error);
    }
  }

  watch(intervalMs = 1000): void {
    this.poller.start(intervalMs);
  }

  close(): void {
    this.poller.stop();
  }

  get size(): number {
    return this.users.size;
  }

  /** How many users have a secret of this kind (0: every login needing it fails). */
  usersWithSecret(scheme: SecretScheme): number {
    let count = 0;
    for (const entry of this.users.values()) if (secretOf(entry, scheme) !== null) count++;
    return count;
  }

  /** PLAIN/LOGIN: the canonical spelling of the user when the password is right, else null. */
  async verify(user: string, password: string): Promise<string | null> {
    const entry = this.users.get(normalizeUser(user));
    if (!entry?.scrypt) {
      CredentialStore.decoy ??= hashPassword('decoy', DEFAULT_SCRYPT).then((h) => parseHash(h) as ParsedHash);
      await verifyPassword(password, await CredentialStore.decoy);
      return null;
    }
    return (await verifyPassword(password, entry.scrypt)) ? entry.user : null;
  }

  /**
   * CRAM-MD5: `response` is the client's hex digest of `challenge` (as smtp-server passes
   * them); the canonical user name when it matches HMAC-MD5(password, challenge), else null.
   */
  verifyCramMd5(user: string, challenge: string, response: string): string | null {
    const entry = this.users.get(normalizeUser(user));
    const expected = cramMd5Digest(entry?.cramMd5 ?? DECOY_CRAM_MD5, challenge);
    const wellFormed = CRAM_MD5_RESPONSE.test(response);
    const received = wellFormed ? Buffer.from(response, 'hex') : Buffer.alloc(expected.length);
    const matches = timingSafeEqual(expected, received);
    return matches && wellFormed && entry?.cramMd5 ? entry.user : null;
  }

  /** XOAUTH2: the canonical user name when `token` is the user's bearer token, else null. */
  verifyToken(user: string, token: string): string | null {
    const entry = this.users.get(normalizeUser(user));
    const matches = timingSafeEqual(bearerTokenDigest(token), entry?.token ?? DECOY_TOKEN_DIGEST);
    return matches && entry?.token ? entry.user : null;
  }
}

function secretOf(entry: PasswordEntry, scheme: SecretScheme): unknown {
  switch (scheme) {
    case 'scrypt':
      return entry.scrypt;
    case 'cram-md5':
      return entry.cramMd5;
    case 'token':
      return entry.token;
  }
}
