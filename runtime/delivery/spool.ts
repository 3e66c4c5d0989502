// The durable spool: a message is acknowledged (250) only after it is on disk here.
//
// Layout under the spool directory (all created by init(), mode 0700):
//   tmp/              messages and state files being written; anything left here after a crash is garbage
//   queue/<id>.msg    one file per message: the envelope as one line of JSON, then the message
//                     bytes exactly as received (after SMTP dot-unstuffing); its rename from
//                     tmp/ into queue/ is the commit point
//   state/<id>.json   per-recipient delivery state (see delivery-state.ts)
//   control/          requests from `smtppolicy queue` for the next worker to start (retry-<id>, retry-all)
//   control.sock      the running server's queue control socket (queue-control.ts)
//
// accept(): envelope line and message → tmp/<id>.msg, fdatasync, rename into queue/, fsync
// queue/. The queue/ fsync is a group commit (DirectorySyncGroup): concurrent accepts share
// it, but each waits for a sync that started after its rename, so accept() resolves (and the
// server answers 250) only once the message's bytes and its name are on disk. One file per
// message, not two: one creation, one fdatasync, one rename and one removal fewer (the
// per-message budget in BENCHMARKS.md), and a message is visible whole or not at all.
// A crash before the rename leaves only tmp/ garbage, which init() removes.
// Spools written before this layout (queue/<id>.env with queue/<id>.eml, version 1) are still
// read, delivered and removed: an upgrade loses nothing that was queued.
// Writes and closes are made in place; creating, renaming and removing files, fdatasync and
// fsync run in libuv's pool (fs-durable.ts says why).
// remove() deletes the message's file (the .env first for a version 1 message), waits for a
// queue/ sync covering that (the same group commit as accepts': intake and cleanup share
// fsyncs), then deletes the rest.
// Once a message is committed the spool tells its subscribers (onStored): the delivery
// worker is woken by the intake this way instead of finding the message by listing queue/,
// and gets the envelope and, for a message of up to HANDOFF_MAX_BYTES, the bytes just
// written, so that it need not read back what is still in memory.
// Only one process may own a spool at a time (the server, which refuses to start while
// another answers on control.sock); `smtppolicy queue` reads it, asks the running server to
// hold, release, delete or requeue, changes it itself only when no server runs, and never
// calls init().
import { closeSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, unlink, writeFile, access, constants } from 'node:fs/promises';
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
  /** 2: queue/<id>.msg (this version writes it); 1: queue/<id>.env beside queue/<id>.eml (still read). */
  version: 1 | 2;
  id: string;
  /** Bytes of the message (without the envelope line). */
  size: number;
}

/** Where a stored message's bytes are: a file, and the offset they start at in it. */
export interface MessageFile {
  path: string;
  start: number;
}

export class SpoolWriteError extends Error {
  override name = 'SpoolWriteError';
}

/** A message the spool has just committed (durable, acknowledged or about to be). */
export interface StoredMessage {
  envelope: StoredEnvelope;
  /** The message's bytes when it is at most HANDOFF_MAX_BYTES, else null (read the file). */
  bytes: Buffer | null;
}

/** Called once per committed message, synchronously, before accept() resolves; must not throw. */
export type StoredListener = (message: StoredMessage) => void;

const WRITE_CHUNK = 64 * 1024;
/** Read size for the envelope line: one read for any envelope of fewer than about 50 recipients. */
const ENVELOPE_READ = 4 * 1024;
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
    // version 1 orphans: an envelope whose message did not reach the disk, a message whose
    // envelope never committed (a version 2 message is committed by being in queue/ at all)
    const queued = new Set(await readdir(this.queueDir));
    for (const name of queued) {
      const id = name.slice(0, -'.env'.length);
      if (name.endsWith('.env') && !queued.has(`${id}.eml`)) await rm(join(this.queueDir, name), { force: true });
    }
    const committed = new Set(await this.ids());
    for (const name of await readdir(this.queueDir)) {
      const id = name.replace(/\.(eml|env|msg)$/, '');
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
    const tmpPath = join(this.tmpDir, `${id}.msg`);
    const finalPath = this.#messageFilePath(id);
    let created = false;
    let committed = false;
    try {
      const fd = await createFile(tmpPath);
      created = true;
      let stored: StoredEnvelope;
      let bytes: Buffer | null;
      try {
        // The envelope goes first, as one line: JSON escapes every line break inside it. Its
        // size is not in it (not known yet): a reader takes it from the file's length.
        writeAllSync(fd, [Buffer.from(`${JSON.stringify({ version: 2, id, ...envelope })}\n`)]);
        let size: number;
        ({ size, bytes } = await writeStream(fd, message));
        stored = { version: 2, id, ...envelope, size };
        // The bytes must be on disk before the name is. fdatasync (data and the size needed
        // to read it back) is enough for a new file.
        await syncFileData(fd);
      } finally {
        closeSync(fd);
      }
      await rename(tmpPath, finalPath);
      committed = true;
      // The commit point: once a sync begun after the rename completes, the name is
      // durable, and only then may the server answer 250.
      await this.#queueSync.covering();
      for (const listener of this.#storedListeners) listener({ envelope: stored, bytes });
      return { id, size: stored.size };
    } catch (error) {
      if (typeof (message as NodeJS.ReadableStream & { resume?: () => void }).resume === 'function') message.resume();
      // only files this call created: an id that somehow existed is not ours to remove
      if (committed) await rm(finalPath, { force: true }).catch(() => undefined);
      else if (created) await rm(tmpPath, { force: true }).catch(() => undefined);
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
      .filter((name) => name.endsWith('.msg') || name.endsWith('.env'))
      .map((name) => name.slice(0, -'.msg'.length))
      .filter(isSpoolId)
      .sort();
  }

  async has(id: string): Promise<boolean> {
    const exists = (path: string) =>
      access(path, constants.F_OK).then(
        () => true,
        () => false,
      );
    return (await exists(this.#messageFilePath(id))) || exists(this.#envelopePath(id));
  }

  /** The envelope of a committed message; rejects with ENOENT when there is none. */
  async readEnvelope(id: string): Promise<StoredEnvelope> {
    return (await this.#read(id)).envelope;
  }

  /** Where the message's bytes are (for streaming a large one). */
  async messageFile(id: string): Promise<MessageFile> {
    return (await this.#read(id)).file;
  }

  /** The message's bytes. */
  async readMessage(id: string): Promise<Buffer> {
    return readMessageFile((await this.#read(id)).file);
  }

  /** Reads the envelope line of queue/<id>.msg, or a version 1 message's .env. */
  async #read(id: string): Promise<{ envelope: StoredEnvelope; file: MessageFile }> {
    const path = this.#messageFilePath(id);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      const envelope = JSON.parse(await readFile(this.#envelopePath(id), 'utf8')) as StoredEnvelope;
      return { envelope, file: { path: join(this.queueDir, `${id}.eml`), start: 0 } };
    }
    try {
      const chunks: Buffer[] = [];
      let position = 0;
      for (;;) {
        const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(ENVELOPE_READ), position });
        const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
        if (end >= 0) {
          chunks.push(buffer.subarray(0, end));
          position += end + 1;
          break;
        }
        if (bytesRead === 0) throw new Error(`${path} has no envelope line`);
        chunks.push(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      const { size } = await handle.stat();
      const envelope = { ...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<StoredEnvelope, 'size'>), size: size - position };
      return { envelope, file: { path, start: position } };
    } finally {
      await handle.close();
    }
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
   * Removes a message for good: its file (a version 1 message's envelope) first, so it stops
   * being visible at once, then waits for a queue/ sync covering that (shared with
   * concurrent accepts and removals), so that a removed message does not come back after a
   * crash. `stateOnDisk: false` (the caller knows no state/<id>.json was written) spares one
   * unlink.
   */
  async remove(id: string, options: { stateOnDisk?: boolean } = {}): Promise<boolean> {
    let versionOne = false;
    try {
      await unlink(this.#messageFilePath(id));
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      try {
        await unlink(this.#envelopePath(id));
        versionOne = true;
      } catch (inner) {
        if (isErrno(inner, 'ENOENT')) return false;
        throw inner;
      }
    }
    await this.#queueSync.covering();
    // unlink, not rm(): rm() stats first, one system call more on every message
    if (versionOne) await unlinkIfPresent(join(this.queueDir, `${id}.eml`));
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

  #messageFilePath(id: string): string {
    return join(this.queueDir, `${checkedId(id)}.msg`);
  }

  /** A version 1 message's envelope (its bytes are beside it in <id>.eml). */
  #envelopePath(id: string): string {
    return join(this.queueDir, `${checkedId(id)}.env`);
  }

  private statePath(id: string): string {
    return join(this.stateDir, `${checkedId(id)}.json`);
  }
}

/** The bytes of a message whose place messageFile() found. */
export async function readMessageFile(file: MessageFile): Promise<Buffer> {
  const whole = await readFile(file.path);
  return file.start === 0 ? whole : whole.subarray(file.start);
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
