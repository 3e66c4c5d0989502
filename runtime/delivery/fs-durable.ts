// Small helpers for writes that survive a crash: data is fsynced before it is renamed into
// place, and the directory is fsynced after, so that a rename that was acknowledged is on disk.
//
// Which calls run where (issue 19). A call of node:fs/promises goes to libuv's thread pool
// and back: a hand-off to a pool thread (a futex wake, often a context switch), the system
// call there, the answer back to the event loop (an eventfd, a promise). For a call that
// takes microseconds that round trip costs more than the call (about 40 µs of CPU more,
// measured on ext4 with 1 KiB files). So the calls that only copy into the page cache or
// drop a descriptor (write, writev, close, and opening an existing directory) are made in
// place, synchronously. Every call that changes a directory (creating a file, rename,
// unlink) needs a journal handle, and under a steady stream of fsyncs the journal is
// committing most of the time: made in place, those calls held the event loop (in a
// profile of the server under load, unlink alone took 44% of the main thread's samples,
// creating files 8%, the in-place writes under 1%), so they stay in the pool, with the
// calls that wait for the disk (fdatasync, fsync).
import { closeSync, fdatasync, fsync, open, openSync, writeSync, writevSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync of a directory: makes durable every name created, renamed or removed in it before the call. */
export type SyncDirectory = (dir: string) => Promise<void>;

export async function fsyncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await syncFile(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` (it must not exist) for writing, mode 0600, in the thread pool; resolves with its descriptor. */
export function createFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'wx', 0o600, (error, fd) => (error ? reject(error) : resolve(fd))));
}

/** fsync(2) of an open file, in the thread pool: data and every attribute. */
export function syncFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

/** fdatasync(2) of an open file, in the thread pool: its data, and the size needed to read it back. */
export function syncFileData(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

/** Writes every byte of `buffers` at the file's position (a regular file takes all at once; the loop is for the rare short write). */
export function writeAllSync(fd: number, buffers: readonly Uint8Array[]): void {
  let rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    let written = rest.length === 1 ? writeSync(fd, rest[0]!) : writevSync(fd, rest as Uint8Array[]);
    while (rest.length > 0 && written >= rest[0]!.length) {
      written -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && written > 0) rest = [rest[0]!.subarray(written), ...rest.slice(1)];
  }
}

/** Writes `data` to `tmpPath` (which must not exist), fsyncs it, renames it to `finalPath`, fsyncs the target directory. */
export async function writeFileDurably(tmpPath: string, finalPath: string, data: string | Uint8Array): Promise<void> {
  const fd = await createFile(tmpPath);
  try {
    writeAllSync(fd, [typeof data === 'string' ? Buffer.from(data) : data]);
    await syncFile(fd);
  } finally {
    closeSync(fd);
  }
  await rename(tmpPath, finalPath);
  await fsyncDirectory(dirname(finalPath));
}

/**
 * Creates `dir` and any missing parents (mode 0700), then fsyncs the parent of every
 * directory it created, so a new mailbox or spool folder does not vanish after a crash.
 */
export async function makeDirectoryDurably(dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (firstCreated === undefined) return;
  // mkdir returns the first directory it created; every directory from there down to `dir` is new.
  const created: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    created.push(current);
    if (current === firstCreated || dirname(current) === current) break;
  }
  for (const path of created) await fsyncDirectory(dirname(path));
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Group commit of one directory's fsyncs, as databases group log flushes: every writer that
 * renamed a file into the directory asks for a sync that *started after* its rename, and
 * all writers that ask while a sync is running share the next one. Under load one fsync
 * covers many renames instead of one each; a lone writer waits for exactly one, as before.
 * A sync that was already running when a writer asked never counts for it: it may have
 * been issued before that writer's rename.
 */
export class DirectorySyncGroup {
  readonly dir: string;
  readonly #sync: SyncDirectory;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  constructor(dir: string, sync: SyncDirectory = fsyncDirectory) {
    this.dir = dir;
    this.#sync = sync;
  }

  /** No sync running or waiting: a caller that keeps groups per directory may drop this one. */
  get idle(): boolean {
    return this.#running === null && this.#next === null;
  }

  /** Resolves once a sync that started after this call has completed; rejects if that sync fails. */
  covering(): Promise<void> {
    if (this.#running === null) return this.#start();
    this.#next ??= this.#running.then(ignore, ignore).then(() => {
      this.#next = null;
      return this.#start();
    });
    return this.#next;
  }

  #start(): Promise<void> {
    const run: Promise<void> = this.#sync(this.dir).finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }
}

function ignore(): void {}
