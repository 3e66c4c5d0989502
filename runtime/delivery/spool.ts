// The durable spool: a message is acknowledged (250) only after it is on disk here.
//
// Layout under the spool directory (all created by init(), mode 0700):
//   tmp/              envelopes and state files being written; anything left here after a crash is garbage
//   queue/<id>.eml    the message bytes exactly as received (after SMTP dot-unstuffing),
//                     written in place: without its .env it is not a message (yet, or any more)
//   queue/<id>.env    the envelope (JSON); its rename into queue/ is the commit point
//   state/<id>.json   per-recipient delivery state (see delivery-state.ts)
//   control/          requests from `smtppolicy queue` for the next worker to start (retry-<id>, retry-all)
//   control.sock      the running server's queue control socket (queue-control.ts)
//
// accept(): message → queue/<id>.eml (invisible without its envelope), envelope →
// tmp/<id>.env, fdatasync both (at once), rename the envelope into queue/, fsync queue/. A
// reader only takes ids whose .env exists, so a message becomes visible atomically and
// completely. The queue/ fsync is a group commit (DirectorySyncGroup): concurrent accepts
// share it, but each waits for a sync that started after its rename, so accept() resolves
// (and the server answers 250) only once the message's bytes and both names are on disk:
// two waits for the disk per message (the data, then the names), where there were four.
// A crash before that sync may leave either name without the other (no 250 was given for
// that message): init() removes both kinds of orphan.
// Writes and closes are made in place; creating, renaming and removing files, fdatasync and
// fsync run in libuv's pool (fs-durable.ts says why).
// remove() deletes the .env first (the message is gone from then on), waits for a queue/
// sync covering that (the same group commit as accepts': intake and cleanup share fsyncs),
// then deletes the rest.
// Once a message is committed the spool tells its subscribers (onStored): the delivery
// worker is woken by the intake this way instead of finding the message by listing queue/,
// and gets the envelope and, for a message of up to HANDOFF_MAX_BYTES, the bytes just
// written, so that it need not read back what is still in memory.
// Only one process may own a spool at a time (the server, which refuses to start while
// another answers on control.sock); `smtppolicy queue` reads it, asks the running server to
// hold, release, delete or requeue, changes it itself only when no server runs, and never
// calls init().
import { closeSync, createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, unlink, writeFile, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createFile, DirectorySyncGroup, fsyncDirectory, isErrno, makeDirectoryDurably, syncFileData, writeAllSync, writeFileDurably, type SyncDirectory } from './fs-durable.js';
import { isSpoolId, newSpoolId } from './spool-id.js';
import type { DeliveryState } from './delivery-state.js';

export interface SpoolRecipient {
  address: string;
  route: 'local' | 'relay';
}

export interface SpoolEnvelope {
  /** The virtual server's name. */
  server: string;
  /** ISO 8601. */
  receivedAt: string;
  client: {
    address: string;
    ptr: string | null;
    user: string | null;
    tls: { version: string; cipher: string } | null;
    helo: string | null;
  };
  /** '' = null sender. */
  mailFrom: string;
  recipients: SpoolRecipient[];
}

export interface StoredEnvelope extends SpoolEnvelope {
  version: 1;
  id: string;
  /** Bytes in queue/<id>.eml. */
  size: number;
}

export class SpoolWriteError extends Error {
  override name = 'SpoolWriteError';
}

/** A message the spool has just committed (durable, acknowledged or about to be). */
export interface StoredMessage {
  envelope: StoredEnvelope;
  /** The bytes of queue/<id>.eml when the message is at most HANDOFF_MAX_BYTES, else null (read the file). */
  bytes: Buffer | null;
}

/** Called once per committed message, synchronously, before accept() resolves; must not throw. */
export type StoredListener = (message: StoredMessage) => void;

const WRITE_CHUNK = 64 * 1024;
/**
 * Messages up to this size are handed to subscribers in memory. Most mail is far smaller;
 * a larger message is read back from its file, so the hand-off never holds much memory.
 */
export const HANDOFF_MAX_BYTES = 256 * 1024;

export interface SpoolOptions {
  /** How a directory is fsynced; tests inject one that they can hold back or observe. */
  syncDirectory?: SyncDirectory;
}

export class Spool {
  readonly dir: string;
  readonly tmpDir: string;
  readonly queueDir: string;
  readonly stateDir: string;
  readonly controlDir: string;
  readonly #queueSync: DirectorySyncGroup;
  readonly #storedListeners = new Set<StoredListener>();
  readonly #accepting = new Set<Promise<unknown>>();

  constructor(dir: string, options: SpoolOptions = {}) {
    this.dir = dir;
    this.tmpDir = join(dir, 'tmp');
    this.queueDir = join(dir, 'queue');
    this.stateDir = join(dir, 'state');
    this.controlDir = join(dir, 'control');
    this.#queueSync = new DirectorySyncGroup(this.queueDir, options.syncDirectory ?? fsyncDirectory);
  }

  /**
   * Creates the layout, proves it is writable, and recovers from a crash: removes half-written
   * files in tmp/, messages whose envelope never committed, envelopes whose message did not
   * reach the disk (never acknowledged: see accept()), and state of removed messages.
   * Call it once, from the process that owns the spool, before accepting.
   */
  async init(): Promise<void> {
    try {
      for (const sub of [this.tmpDir, this.queueDir, this.stateDir, this.controlDir]) {
        await makeDirectoryDurably(sub);
      }
      const probe = join(this.tmpDir, `probe-${process.pid}-${randomBytes(4).toString('hex')}`);
      await writeFile(probe, 'probe', { flag: 'wx', mode: 0o600 });
      await unlink(probe);
    } catch (error) {
      throw new SpoolWriteError(`spool ${this.dir} is not usable: ${describe(error)}`, { cause: error });
    }
    for (const name of await readdir(this.tmpDir)) await rm(join(this.tmpDir, name), { force: true, recursive: true });
    const queued = new Set(await readdir(this.queueDir));
    for (const id of await this.ids()) {
      if (!queued.has(`${id}.eml`)) await rm(this.envelopePath(id), { force: true });
    }
    const committed = new Set(await this.ids());
    for (const name of await readdir(this.queueDir)) {
      const id = name.replace(/\.(eml|env)$/, '');
      if (!committed.has(id)) await rm(join(this.queueDir, name), { force: true });
    }
    for (const name of await readdir(this.stateDir)) {
      const id = name.replace(/\.json$/, '');
      if (!committed.has(id)) await rm(join(this.stateDir, name), { force: true });
    }
  }

  /** Subscribes to committed messages; returns the unsubscribe function. */
  onStored(listener: StoredListener): () => void {
    this.#storedListeners.add(listener);
    return () => this.#storedListeners.delete(listener);
  }

  /**
   * Streams the message to a temp file, writes the envelope, fdatasyncs both, renames both
   * into the queue, waits for a directory fsync covering both renames, then resolves. On any
   * failure nothing is left visible in the queue and it rejects with SpoolWriteError (the
   * server answers 452 4.3.1). The message stream is drained on failure so that the SMTP
   * session can still reply.
   */
  accept(envelope: SpoolEnvelope, message: NodeJS.ReadableStream): Promise<{ id: string; size: number }> {
    const accepting = this.#accept(envelope, message);
    this.#accepting.add(accepting);
    const forget = () => this.#accepting.delete(accepting);
    accepting.then(forget, forget);
    return accepting;
  }

  /**
   * Resolves once every accept() under way has committed or cleaned up after itself. A
   * process that exits right after closing its sessions (a `serve --workers` worker) waits
   * for it, or a message cut off mid-DATA would leave its file in queue/ until the next start.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#accepting]);
  }

  async #accept(envelope: SpoolEnvelope, message: NodeJS.ReadableStream): Promise<{ id: string; size: number }> {
    const id = newSpoolId();
    const finalMessage = this.messagePath(id);
    const tmpEnvelope = join(this.tmpDir, `${id}.env`);
    const finalEnvelope = this.envelopePath(id);
    let messageCreated = false;
    let envelopeCommitted = false;
    try {
      // Straight into queue/: a message file is invisible until its envelope is renamed next
      // to it, and one left without an envelope by a crash is removed by init(). (A temp
      // name and a rename would add a directory operation per message and protect nothing.)
      const messageFd = await createFile(finalMessage);
      messageCreated = true;
      let envelopeFd: number | undefined;
      let stored: StoredEnvelope;
      let bytes: Buffer | null;
      try {
        let size: number;
        ({ size, bytes } = await writeStream(messageFd, message));
        stored = { version: 1, id, ...envelope, size };
        envelopeFd = await createFile(tmpEnvelope);
        writeAllSync(envelopeFd, [Buffer.from(JSON.stringify(stored))]);
        // Both files' bytes must be on disk before the envelope's name is. fdatasync (data
        // and the size needed to read it back) is enough for a new file; the two run at once.
        await Promise.all([syncFileData(messageFd), syncFileData(envelopeFd)]);
      } finally {
        try {
          closeSync(messageFd);
        } finally {
          if (envelopeFd !== undefined) closeSync(envelopeFd);
        }
      }
      await rename(tmpEnvelope, finalEnvelope);
      envelopeCommitted = true;
      // The commit point: once a sync begun after the rename completes, both names are
      // durable, and only then may the server answer 250.
      await this.#queueSync.covering();
      for (const listener of this.#storedListeners) listener({ envelope: stored, bytes });
      return { id, size: stored.size };
    } catch (error) {
      if (typeof (message as NodeJS.ReadableStream & { resume?: () => void }).resume === 'function') message.resume();
      if (envelopeCommitted) await rm(finalEnvelope, { force: true }).catch(() => undefined);
      await rm(tmpEnvelope, { force: true }).catch(() => undefined);
      // only a file this call created: an id that somehow existed is not ours to remove
      if (messageCreated) await rm(finalMessage, { force: true }).catch(() => undefined);
      throw new SpoolWriteError(`could not spool message in ${this.dir}: ${describe(error)}`, { cause: error });
    }
  }

  /** Queue depth: committed messages not yet delivered or bounced. */
  async count(): Promise<number> {
    return (await this.ids()).length;
  }

  /** Committed message ids, oldest first. */
  async ids(): Promise<string[]> {
    const names = await readdir(this.queueDir);
    return names
      .filter((name) => name.endsWith('.env'))
      .map((name) => name.slice(0, -'.env'.length))
      .filter(isSpoolId)
      .sort();
  }

  async has(id: string): Promise<boolean> {
    return access(this.envelopePath(id), constants.F_OK).then(
      () => true,
      () => false,
    );
  }

  async readEnvelope(id: string): Promise<StoredEnvelope> {
    return JSON.parse(await readFile(this.envelopePath(id), 'utf8')) as StoredEnvelope;
  }

  messagePath(id: string): string {
    return join(this.queueDir, `${checkedId(id)}.eml`);
  }

  openMessage(id: string): NodeJS.ReadableStream {
    return createReadStream(this.messagePath(id));
  }

  async readState(id: string): Promise<DeliveryState | null> {
    try {
      return JSON.parse(await readFile(this.statePath(id), 'utf8')) as DeliveryState;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null;
      throw error;
    }
  }

  /** Rewrites state/<id>.json atomically (temp file, fsync, rename, fsync directory). */
  async writeState(state: DeliveryState): Promise<void> {
    const tmp = join(this.tmpDir, `state-${checkedId(state.id)}-${randomBytes(4).toString('hex')}.json`);
    await writeFileDurably(tmp, this.statePath(state.id), JSON.stringify(state, null, 1));
  }

  /**
   * Removes a message for good: the envelope first, so it stops being visible at once, then
   * waits for a queue/ sync covering that (shared with concurrent accepts and removals), so
   * that a removed message does not come back after a crash. `stateOnDisk: false` (the
   * caller knows no state/<id>.json was written) spares one unlink.
   */
  async remove(id: string, options: { stateOnDisk?: boolean } = {}): Promise<boolean> {
    try {
      await unlink(this.envelopePath(id));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
    await this.#queueSync.covering();
    // unlink, not rm(): rm() stats first, one system call more on every message
    await unlinkIfPresent(this.messagePath(id));
    if (options.stateOnDisk !== false) await unlinkIfPresent(this.statePath(id));
    return true;
  }

  /** Asks the worker (running or next to start) to try `id` (or every message) now. */
  async requestRetry(id: string | 'all'): Promise<void> {
    const name = id === 'all' ? 'retry-all' : `retry-${checkedId(id)}`;
    await writeFile(join(this.controlDir, name), '', { mode: 0o600 });
  }

  /** Takes the pending retry requests (ids, or 'all'), removing them. */
  async takeRetryRequests(): Promise<Array<string>> {
    let names: string[];
    try {
      names = await readdir(this.controlDir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
    const taken: string[] = [];
    for (const name of names) {
      const id = name.startsWith('retry-') ? name.slice('retry-'.length) : null;
      await rm(join(this.controlDir, name), { force: true });
      if (id === 'all' || (id !== null && isSpoolId(id))) taken.push(id);
    }
    return taken;
  }

  private envelopePath(id: string): string {
    return join(this.queueDir, `${checkedId(id)}.env`);
  }

  private statePath(id: string): string {
    return join(this.stateDir, `${checkedId(id)}.json`);
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

/** Ids reach file paths, some from the command line: only well-formed ones pass. */
function checkedId(id: string): string {
  if (!isSpoolId(id)) throw new Error(`not a queue id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * Writes the whole stream to `fd` in blocks of WRITE_CHUNK; returns the byte count and, for
 * a message of at most HANDOFF_MAX_BYTES, the bytes written (kept for the hand-off).
 */
async function writeStream(fd: number, message: NodeJS.ReadableStream): Promise<{ size: number; bytes: Buffer | null }> {
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let kept: Buffer[] | null = [];
  const flush = () => {
    const block = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    writeAllSync(fd, [block]);
    kept = size <= HANDOFF_MAX_BYTES ? (kept?.concat(block) ?? null) : null;
    pending = [];
    pendingBytes = 0;
  };
  for await (const chunk of message as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    pending.push(buffer);
    pendingBytes += buffer.length;
    size += buffer.length;
    if (pendingBytes >= WRITE_CHUNK) flush();
  }
  if (pendingBytes > 0) flush();
  const written: Buffer[] | null = kept;
  return { size, bytes: written === null ? null : written.length === 1 ? written[0]! : Buffer.concat(written, size) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
