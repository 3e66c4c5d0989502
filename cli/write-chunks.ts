// Writes text that comes in pieces (a large compiled config) to a stream or a file, one
// piece at a time, so the whole text never has to exist at once.

import { once } from 'node:events';
import { open } from 'node:fs/promises';

/** Waits for 'drain' whenever the stream's buffer is full, so pieces are not queued in memory. */
export async function writeChunksToStream(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
}

/** Creates or truncates `path` and writes the pieces in order. */
export async function writeChunksToFile(path: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
