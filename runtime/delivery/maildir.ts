// Local delivery in Maildir format (https://cr.yp.to/proto/maildir.html): the message is
// written to tmp/ under a unique name, fsynced, renamed into new/, and new/ is fsynced, so a
// mail reader never sees a partial message and a delivery we record survives a crash.
//
// Like Postfix local(8) and virtual(8), two header lines are prepended: `Return-Path:` with
// the envelope sender (`<>` for a bounce) and `Delivered-To:` with the recipient. They use the
// message's own line ending; the message bytes follow unchanged.
import { open, rename, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDirectory, makeDirectoryDurably } from './fs-durable.js';

let deliveries = 0;

/** A unique Maildir file name: time, microseconds, pid, a counter, random bits and the host. */
export function maildirFileName(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000 + Math.floor(Math.random() * 1000);
  deliveries += 1;
  // A host name containing `/` or `:` would break the name: Maildir escapes them as octal.
  const host = osHostname().replace(/\//g, '\\057').replace(/:/g, '\\072');
  return `${seconds}.M${micros}P${process.pid}Q${deliveries}R${randomBytes(8).toString('hex')}.${host}`;
}

export async function deliverToMaildir(options: {
  mailbox: string;
  recipient: string;
  mailFrom: string;
  messagePath: string;
  now?: number;
}): Promise<string> {
  const { mailbox } = options;
  for (const sub of ['tmp', 'new', 'cur']) await makeDirectoryDurably(join(mailbox, sub));
  const name = maildirFileName(options.now);
  const tmpPath = join(mailbox, 'tmp', name);
  const newPath = join(mailbox, 'new', name);
  const handle = await open(tmpPath, 'wx', 0o600);
  try {
    let prefixWritten = false;
    for await (const chunk of createReadStream(options.messagePath) as AsyncIterable<Buffer>) {
      if (!prefixWritten) {
        const newline = lineEndingOf(chunk);
        await handle.write(
          `Return-Path: <${headerSafe(options.mailFrom)}>${newline}Delivered-To: ${headerSafe(options.recipient)}${newline}`,
        );
        prefixWritten = true;
      }
      await handle.write(chunk);
    }
    if (!prefixWritten) {
      await handle.write(`Return-Path: <${headerSafe(options.mailFrom)}>\r\nDelivered-To: ${headerSafe(options.recipient)}\r\n`);
    }
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmpPath, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmpPath, newPath);
  await fsyncDirectory(join(mailbox, 'new'));
  return newPath;
}

function lineEndingOf(chunk: Buffer): string {
  const lf = chunk.indexOf(0x0a);
  return lf > 0 && chunk[lf - 1] === 0x0d ? '\r\n' : lf >= 0 ? '\n' : '\r\n';
}

/** Envelope addresses are checked by the server, but a header must never gain a line from one. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, '');
}
