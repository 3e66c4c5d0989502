// A bounded set of connections to one directory. At most `size` are open and in use at
// once; a login that finds none free waits in line, but never past its deadline. A
// connection that failed in any way is closed and forgotten (the next login opens a new
// one), so a directory that restarts is picked up again without a reload.
import { Client } from 'ldapts';

export interface PooledConnection {
  client: Client;
  /** Who the connection is bound as now: the service account, or a user after a check. */
  boundAs: 'nobody' | 'service' | 'user';
  /** A request has used it (a StartTLS connection is open from the start). */
  opened: boolean;
}

export class LdapPool {
  private readonly idle: PooledConnection[] = [];
  private open = 0;
  private readonly waiting: Array<(connection: PooledConnection | null) => void> = [];
  private closed = false;

  constructor(
    private readonly size: number,
    /** A new, connected (and TLS-upgraded) client. */
    private readonly connect: () => Promise<Client>,
  ) {}

  /**
   * Runs `use` on a free connection. A connection whose `use` throws is discarded; `signal`
   * aborts the wait for a free one (the caller's deadline).
   */
  async with<T>(signal: AbortSignal, use: (connection: PooledConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire(signal);
    try {
      const result = await use(connection);
      this.release(connection);
      return result;
    } catch (error) {
      this.discard(connection);
      // after StartTLS the library no longer notices a connection the directory closed, so
      // one failure (a restart, an outage) makes every idle connection suspect: start afresh
      for (const idle of this.idle.splice(0)) this.discard(idle);
      throw error;
    }
  }

  /**
   * Closes every idle connection; those in use are closed when they come back. A session
   * that began before a reload still holds this pool: its login opens a connection of its
   * own, used once and closed, rather than failing.
   */
  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) this.discard(connection);
    for (const wake of this.waiting.splice(0)) wake(null);
  }

  private async acquire(signal: AbortSignal): Promise<PooledConnection> {
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      // the directory closed it while idle (a restart, an idle timeout): open a new one
      if (idle.client.isConnected || !idle.opened) return idle;
      this.discard(idle);
    }
    if (this.open < this.size) {
      this.open++;
      try {
        const client = await this.connect();
        return { client, boundAs: 'nobody', opened: client.isConnected };
      } catch (error) {
        this.open--;
        this.wakeNext();
        throw error;
      }
    }
    return new Promise<PooledConnection>((resolve, reject) => {
      const wake = (connection: PooledConnection | null): void => {
        signal.removeEventListener('abort', onAbort);
        if (connection) resolve(connection);
        else this.acquire(signal).then(resolve, reject);
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new Error('no free connection to the directory'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  private release(connection: PooledConnection): void {
    if (this.closed) return this.discard(connection);
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  private discard(connection: PooledConnection): void {
    this.open--;
    connection.client.unbind().catch(() => {});
    this.wakeNext();
  }

  /** A slot came free without a connection: the first in line may open one. */
  private wakeNext(): void {
    if (this.closed) return;
    this.waiting.shift()?.(null);
  }
}
