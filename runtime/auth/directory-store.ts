// A credential store backed by an LDAP directory (OpenLDAP, Active Directory, FreeIPA).
// A PLAIN or LOGIN password is checked the way directories expect: the service account
// searches for the one entry the user filter finds for the login (escaped, RFC 4515), then
// the connection binds as that entry with the given password. The password is handed to
// the directory and forgotten: it is never stored, cached or logged.
//
// A check has three outcomes: the user name (right password), null (no such user, an
// ambiguous login, a wrong or empty password), or DirectoryUnavailableError (the directory
// did not answer within the timeout, refused the service account, or the connection
// failed). The session answers the last one with 454 4.7.0 and does not count it as a
// failed login: an outage must not lock users out.
//
// CRAM-MD5 and XOAUTH2 need a secret the server holds; a directory holds none it will give
// out, so those always fail here (the lint rule ldap-store-for-unsupported-mechanism says
// so before deployment).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError } from 'ldapts';
import type { LdapConfig } from '../config/types.js';
import { cleartextProblem, parseLdapUrl, type LdapUrl } from './ldap-url.js';
import { userFilter } from './ldap-filter.js';
import { LdapPool, type PooledConnection } from './ldap-pool.js';
import { DirectoryUnavailableError, type UserStore } from './user-store.js';

export interface DirectoryStoreOptions {
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

interface Ready {
  pool: LdapPool;
  bindPassword: string;
}

export class DirectoryStore implements UserStore {
  private readonly url: LdapUrl;
  private ready: Ready | undefined;

  constructor(
    readonly name: string,
    private readonly config: LdapConfig,
    private readonly options: DirectoryStoreOptions,
    private readonly onReloadError: (error: Error) => void = () => {},
  ) {
    const url = parseLdapUrl(config.url);
    if ('error' in url) throw new Error(`user store '${name}': ${url.error}, found ${config.url}`);
    // the runtime refuses what the lint rule ldap-without-tls reports: no config gets a cleartext bind to another host
    const cleartext = cleartextProblem(url, config.startTls, config.cleartextLoopback);
    if (cleartext) throw new Error(`user store '${name}': ${cleartext}`);
    if (config.cleartextLoopback && !url.loopback) throw new Error(`user store '${name}': cleartext-loopback applies only to a loopback address, not ${url.host}`);
    this.url = url;
  }

  /** Reads the bind password and CA file (throws naming what is missing); connects lazily. */
  async load(): Promise<void> {
    const bindPassword = await this.readBindPassword();
    const ca = this.config.caFile ? await this.readFileNamed(this.config.caFile, 'ca-file') : null;
    // the certificate is checked against the URL's host (an address literal too); SNI only carries names
    const tls: ConnectionOptions = { host: this.url.host, ...(isIP(this.url.host) ? {} : { servername: this.url.host }), ...(ca ? { ca: [...rootCertificates, ca] } : {}) };
    const timeout = this.config.timeoutMs;
    const connect = async (): Promise<Client> => {
      const client = new Client({ url: this.config.url, timeout, connectTimeout: timeout, ...(this.url.ldaps ? { tlsOptions: tls } : {}) });
      if (this.config.startTls) await client.startTLS(tls);
      return client;
    };
    this.ready?.pool.close();
    this.ready = { pool: new LdapPool(this.config.pool, connect), bindPassword };
  }

  async reload(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.onReloadError(error as Error);
    }
  }

  /** Nothing to watch: a directory is asked on every login. */
  watch(): void {}

  close(): void {
    this.ready?.pool.close();
  }

  async verify(user: string, password: string): Promise<string | null> {
    // an empty password is an "unauthenticated bind" (RFC 4513 5.1.2) that many directories
    // accept without checking anything: it must never reach the directory
    if (user === '' || password === '') return null;
    return this.withDeadline((connection, bindPassword) => this.check(connection, bindPassword, user, password));
  }

  /**
   * Runs `search` on a pooled connection bound as the service account, within the store's
   * timeout (one timeout for all of its requests) (the recipient lookups of runtime/recipients). Anything but an answer is a
   * DirectoryUnavailableError.
   */
  async searchAsService<T>(search: (client: () => Client) => Promise<T>): Promise<T> {
    return this.withDeadline(async (connection, bindPassword) => {
      await this.asService(connection, bindPassword);
      // each request asks for the client again: the check that it was not reconnected in clear
      return search(() => this.connected(connection));
    });
  }

  private async withDeadline<T>(work: (connection: PooledConnection, bindPassword: string) => Promise<T>): Promise<T> {
    const ready = this.ready;
    if (!ready) throw new DirectoryUnavailableError(this.name, 'not loaded');
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.abort();
        reject(new DirectoryUnavailableError(this.name, `no answer within ${this.config.timeoutMs} ms`));
      }, this.config.timeoutMs);
    });
    try {
      return await Promise.race([ready.pool.with(deadline.signal, (connection) => work(connection, ready.bindPassword)), timedOut]);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) throw error;
      throw new DirectoryUnavailableError(this.name, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  verifyCramMd5(): string | null {
    return null;
  }

  verifyToken(): string | null {
    return null;
  }

  /**
   * The connection's client, bound as the service account. ldapts connects on the first
   * request (ldaps://, loopback), and silently reconnects a closed connection: without
   * StartTLS (the next bind would cross the network in clear) and unbound (the search would
   * run anonymously). Checked right before each request (the library checks in the same
   * tick), so a connection that was open and closed fails here instead.
   */
  private connected(connection: PooledConnection): Client {
    if (!connection.client.isConnected && connection.opened) throw new Error('the directory closed the connection');
    connection.opened = true;
    return connection.client;
  }

  private async asService(connection: PooledConnection, bindPassword: string): Promise<Client> {
    if (connection.boundAs !== 'service') {
      // a connection last bound as a user searches as the service account again
      await this.connected(connection).bind(this.config.bindDn ?? '', this.config.bindDn ? bindPassword : undefined);
      connection.boundAs = 'service';
    }
    return this.connected(connection);
  }

  /** Search as the service account, then bind as the one entry found. Only a refused user bind or a missing entry is "wrong"; anything else throws. */
  private async check(connection: PooledConnection, bindPassword: string, user: string, password: string): Promise<string | null> {
    const connected = (): Client => this.connected(connection);
    await this.asService(connection, bindPassword);
    let dn: string;
    try {
      const { searchEntries } = await connected().search(this.config.base, { scope: 'sub', filter: userFilter(this.config.filter, user), attributes: ['1.1'], sizeLimit: 2 });
      if (searchEntries.length !== 1) return null; // no such user, or a login that names several entries
      dn = searchEntries[0]!.dn;
    } catch (error) {
      if (error instanceof SizeLimitExceededError || error instanceof NoSuchObjectError) return null;
      throw error;
    }
    connection.boundAs = 'user';
    try {
      await connected().bind(dn, password);
      return user;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return null;
      throw error;
    }
  }

  private async readBindPassword(): Promise<string> {
    const source = this.config.bindPassword;
    if (source === null) return '';
    if ('env' in source) {
      const value = this.options.env[source.env];
      if (value === undefined || value === '') throw new Error(`user store '${this.name}': bind-password: environment variable ${source.env} is not set`);
      return value;
    }
    const value = (await this.readFileNamed(source.file, 'bind-password')).replace(/\r?\n$/, '');
    if (value === '') throw new Error(`user store '${this.name}': bind-password: file ${source.file} is empty`);
    return value;
  }

  private async readFileNamed(file: string, setting: string): Promise<string> {
    const path = resolve(this.options.baseDir, file);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`user store '${this.name}': ${setting}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}
