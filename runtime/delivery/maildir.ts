// Local delivery in Maildir format (https://cr.yp.to/proto/maildir.html): the message is
// written to tmp/ under a unique name, fdatasynced, renamed into new/, and new/ is fsynced, so
// a mail reader never sees a partial message and a delivery we record survives a crash.
//
// Like Postfix local(8) and virtual(8), two header lines are prepended: `Return-Path:` with
// the envelope sender (`<>` for a bounce) and `Delivered-To:` with the recipient. They use the
// message's own line ending; the message bytes follow unchanged.
//
// What a delivery costs is most of what end-to-end throughput costs (issue 19), so:
// - the fsync of new/ is a group commit (DirectorySyncGroup): deliveries into one mailbox
//   that are in flight together share one directory fsync, each still waiting for a sync
//   that started after its own rename;
// - a mailbox's tmp/, new/ and cur/ are made (durably) once per process, not per delivery;
//   one removed while we run is made again on the next delivery that finds it missing;
// - the message comes from memory when the spool handed its bytes over, in one write;
// - the write and the close are made in place, without a round trip to libuv's pool
//   (fs-durable.ts says which calls go there and why).
import { rename, rm } from 'node:fs/promises';
import { closeSync, createReadStream } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { randomHex } from './random-hex.js';
import type { MessageFile } from './spool.js';
import { createFile, DirectorySyncGroup, fsyncDirectory, isErrno, makeDirectoryDurably, syncFileData, writeAllSync, type SyncDirectory } from './fs-durable.js';

let deliveries = 0;
/** Read once: every read of process.pid is a getpid(2). */
const PID = process.pid;
let host: { name: string; at: number } | null = null;
/** The host name is looked up (a uname(2) call) at most this often, not for every message. */
const HOST_NAME_TTL_MS = 60_000;

/** A unique Maildir file name: time, microseconds, pid, a counter, random bits and the host. */
export function maildirFileName(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000 + Math.floor(Math.random() * 1000);
  deliveries += 1;
  if (host === null || Math.abs(now - host.at) > HOST_NAME_TTL_MS) {
    // A host name containing `/` or `:` would break the name: Maildir escapes them as octal.
    host = { name: osHostname().replace(/\//g, '\\057').replace(/:/g, '\\072'), at: now };
  }
  return `${seconds}.M${micros}P${PID}Q${deliveries}R${randomHex(8)}.${host.name}`;
}

export interface MaildirMessage {
  mailbox: string;
  recipient: string;
  mailFrom: string;
  /** The message bytes in memory, or where they are in the spool (streamed). */
  message: Buffer | MessageFile;
  now?: number;
}

/** Mailboxes remembered as made; past this many the memory is dropped (they are made again, at the cost of three mkdirs each). */
const REMEMBERED_MAILBOXES = 10_000;

/** Delivers into Maildirs; one per delivery worker, so that deliveries in flight share directory syncs. */
export class MaildirWriter {
  readonly #syncDirectory: SyncDirectory;
  readonly #made = new Set<string>();
  readonly #newSyncs = new Map<string, DirectorySyncGroup>();

  constructor(syncDirectory: SyncDirectory = fsyncDirectory) {
    this.#syncDirectory = syncDirectory;
  }

  /** Writes, syncs and renames the message into `mailbox`/new/; resolves with its path once new/ is durable. */
  async deliver(options: MaildirMessage): Promise<string> {
    const { mailbox } = options;
    const name = maildirFileName(options.now);
    const tmpPath = join(mailbox, 'tmp', name);
    const newPath = join(mailbox, 'new', name);
    await this.#makeMailbox(mailbox, false);
    let fd: number;
    try {
      fd = await createFile(tmpPath);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      // the mailbox was removed since we made it
      await this.#makeMailbox(mailbox, true);
      fd = await createFile(tmpPath);
    }
    try {
      const prefix = (newline: string) => Buffer.from(`Return-Path: <${headerSafe(options.mailFrom)}>${newline}Delivered-To: ${headerSafe(options.recipient)}${newline}`);
      if (Buffer.isBuffer(options.message)) {
        writeAllSync(fd, [prefix(lineEndingOf(options.message)), options.message]);
      } else {
        await streamInto(fd, options.message, prefix);
      }
      // A new file: fdatasync writes its data and the size needed to read it back.
      await syncFileData(fd);
    } catch (error) {
      closeSync(fd);
      await rm(tmpPath, { force: true });
      throw error;
    }
    closeSync(fd);
    await rename(tmpPath, newPath);
    await this.#syncNew(join(mailbox, 'new'));
    return newPath;
  }

  async #makeMailbox(mailbox: string, again: boolean): Promise<void> {
    if (!again && this.#made.has(mailbox)) return;
    for (const sub of ['tmp', 'new', 'cur']) await makeDirectoryDurably(join(mailbox, sub));
    if (this.#made.size >= REMEMBERED_MAILBOXES) this.#made.clear();
    this.#made.add(mailbox);
  }

  async #syncNew(dir: string): Promise<void> {
    let group = this.#newSyncs.get(dir);
    if (!group) {
      group = new DirectorySyncGroup(dir, this.#syncDirectory);
      this.#newSyncs.set(dir, group);
    }
    try {
      await group.covering();
    } finally {
      // one group per mailbox with deliveries in flight, not per mailbox ever seen
      if (group.idle && this.#newSyncs.get(dir) === group) this.#newSyncs.delete(dir);
    }
  }
}

async function streamInto(fd: number, file: MessageFile, prefix: (newline: string) => Buffer): Promise<void> {
  let prefixWritten = false;
  for await (const chunk of createReadStream(file.path, { start: file.start }) as AsyncIterable<Buffer>) {
    writeAllSync(fd, prefixWritten ? [chunk] : [prefix(lineEndingOf(chunk)), chunk]);
    prefixWritten = true;
  }
  if (!prefixWritten) writeAllSync(fd, [prefix('\r\n')]);
}

function lineEndingOf(chunk: Buffer): string {
  const lf = chunk.indexOf(0x0a);
  return lf > 0 && chunk[lf - 1] === 0x0d ? '\r\n' : lf >= 0 ? '\n' : '\r\n';
}

/** Envelope addresses are checked by the server, but a header must never gain a line from one. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, '');
}
