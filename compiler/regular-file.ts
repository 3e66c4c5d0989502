// Reads a file the policy names (a policy, an include, a certificate, a key, a password
// file), refusing what is not a regular file or is larger than any such file can be:
// `include "/dev/zero"` or `certificate "/dev/stdin"` must give a diagnostic, not a run that
// never ends or reads until memory runs out. The check is made on the open descriptor, so
// the file that is checked is the file that is read.
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { open } from 'node:fs/promises';

export class NotARegularFileError extends Error {
  readonly code = 'ENOTREG';
}

export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function check(path: string, stats: { isFile(): boolean; isDirectory(): boolean; size: number }, maxBytes: number): void {
  if (stats.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  if (!stats.isFile()) throw new NotARegularFileError(`${path} is not a regular file`);
  if (stats.size > maxBytes) throw new FileTooLargeError(`${path} is larger than ${maxBytes} bytes`);
}

export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, FLAGS);
  try {
    const stats = await handle.stat();
    check(path, stats, maxBytes);
    const buffer = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    const stats = fstatSync(fd);
    check(path, stats, maxBytes);
    const buffer = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}
