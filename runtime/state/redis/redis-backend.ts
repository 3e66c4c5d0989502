// The connection to the Redis that holds the shared state of several hosts (node-redis),
// and whether it is up. A command never waits for a Redis that is away: the offline queue
// is off and every command has a deadline, so a session is decided (by the fallback the
// policy chose) within about a second instead of hanging; the client reconnects in the
// background and the first answer after an outage says so.
//
// The deadlines are ours, swept by one timer (withDeadline), not node-redis's per-command
// `timeout`: that one builds an AbortSignal (and its DOMException) per command, which
// profiling `npm run bench -- shared-state` showed as a noticeable part of the cost of a
// connection.
//
// Up and down are logged once per change (`state-unreachable`, `state-restored`) and
// shown by the `smtppolicy_state_backend_up` gauge, never per command.
import { readFileSync } from 'node:fs';
import { createClient, TimeoutError, type RedisClientType } from 'redis';
import type { LuaScript } from './redis-scripts.js';

export interface RedisBackendOptions {
  url: string;
  password?: string;
  /** PEM CA certificates for `rediss://`; default the system's. */
  ca?: string;
  /** A command past this is a failure (default 1000 ms). */
  commandTimeoutMs?: number;
  onChange(up: boolean, error?: string): void;
}

type Reply = string | number | null | Reply[];

export class RedisBackend {
  private readonly client: RedisClientType;
  /** undefined until the first connection attempt ends, so that its outcome is reported too. */
  private upNow: boolean | undefined;
  private lastError = 'not connected yet';
  private closed = false;
  private readonly connecting: Promise<unknown>;
  private readonly timeoutMs: number;
  /** Commands sent and not answered yet, with when they were sent. */
  private readonly waiting = new Set<{ since: number; fail: (error: Error) => void }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisBackendOptions) {
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
    const tls = options.url.startsWith('rediss:');
    this.client = createClient({
      url: options.url,
      ...(options.password === undefined ? {} : { password: options.password }),
      disableOfflineQueue: true,
      socket: {
        connectTimeout: this.timeoutMs,
        // quickly at first, then every 2 s: an outage is noticed by commands, not by waiting
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
        ...(tls ? { tls: true as const, ...(options.ca ? { ca: options.ca } : {}) } : {}),
      },
    }) as RedisClientType;
    // node-redis throws an unhandled 'error' without a listener; every error is a state change
    this.client.on('error', (error: Error) => this.mark(false, error.message));
    this.client.on('ready', () => this.mark(true));
    this.client.on('end', () => this.mark(false, 'connection closed'));
    this.connecting = this.client.connect().catch((error: Error) => this.mark(false, error.message));
  }

  /** Waits (at most `ms`) for the first connection; false when Redis did not answer. */
  async ready(ms: number): Promise<boolean> {
    await Promise.race([this.connecting, new Promise((r) => setTimeout(r, ms).unref())]);
    return this.up;
  }

  get up(): boolean {
    return this.upNow === true;
  }

  get error(): string {
    return this.lastError;
  }

  /** Runs a script by its digest, sending its text once when Redis does not have it yet. */
  async run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<Reply> {
    const options = { keys, arguments: args.map(String) };
    try {
      const reply = await this.withDeadline(this.evalSha(script, options));
      this.mark(true);
      return reply;
    } catch (error) {
      this.markFailed(error);
      throw new StateBackendError(error);
    }
  }

  /** SET NX PX: true when this call took the key. */
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    try {
      const reply = await this.withDeadline(this.client.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
      this.mark(true);
      return reply === 'OK';
    } catch (error) {
      this.markFailed(error);
      throw new StateBackendError(error);
    }
  }

  /** A fire-and-forget write (known-good clients): a failure is only a state change. */
  async setWithTtl(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.withDeadline(this.client.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
    } catch (error) {
      this.markFailed(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    try {
      if (this.client.isOpen) await this.client.close();
    } catch {
      this.client.destroy();
    }
  }

  /**
   * The command's answer, or a TimeoutError once it is about `timeoutMs` late (the sweep
   * runs every quarter of it). A late answer is ignored, as node-redis's own timeout does.
   */
  private withDeadline<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { since: Date.now(), fail: reject };
      this.waiting.add(entry);
      this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, Math.floor(this.timeoutMs / 4)));
      command.then(
        (reply) => { this.waiting.delete(entry); resolve(reply); },
        (error: unknown) => { this.waiting.delete(entry); reject(error); },
      );
    });
  }

  private sweep(): void {
    const late = Date.now() - this.timeoutMs;
    for (const entry of this.waiting) {
      if (entry.since > late) continue;
      this.waiting.delete(entry);
      entry.fail(new TimeoutError(`no answer within ${this.timeoutMs} ms`));
    }
    if (this.waiting.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private async evalSha(script: LuaScript, options: { keys: string[]; arguments: string[] }): Promise<Reply> {
    try {
      return (await this.client.evalSha(script.sha1, options)) as Reply;
    } catch (error) {
      // a restarted (or flushed) Redis has forgotten the script: EVAL sends and caches it
      if (!/NOSCRIPT/.test((error as Error).message)) throw error;
      return (await this.client.eval(script.source, options)) as Reply;
    }
  }

  /**
   * A command failed: Redis is down when the connection is, and also when it stopped
   * answering on a connection that looks open (a network cut without a reset: the
   * command's deadline passed). An error reply from a live Redis changes nothing.
   */
  private markFailed(error: unknown): void {
    const timedOut = error instanceof TimeoutError;
    const message = timedOut ? `no answer within ${this.timeoutMs} ms` : ((error as Error)?.message ?? String(error));
    this.mark(this.client.isReady && !timedOut, message);
  }

  private mark(up: boolean, error?: string): void {
    if (this.closed) return;
    if (error) this.lastError = error;
    if (up === this.upNow) return;
    this.upNow = up;
    this.options.onChange(up, up ? undefined : this.lastError);
  }
}

/** Redis did not decide (unreachable, too slow, or an error reply): the fallback decides. */
export class StateBackendError extends Error {
  constructor(cause: unknown) {
    const why = cause instanceof TimeoutError ? 'no answer in time' : ((cause as Error)?.message ?? String(cause));
    super(`the shared state (Redis) did not answer: ${why}`, { cause });
  }
}

/** Reads a CA file for `rediss://` once at start-up (a clear error names the file). */
export function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`state: cannot read the Redis CA file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
