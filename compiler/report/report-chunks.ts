// Reports of many findings written a piece at a time. A 55 MB policy has about 100,000
// findings: made as one object tree and one JSON string (64 MB for `--format json`, 114 MB
// for SARIF) the report added a few hundred megabytes to lint's peak memory. Here each
// finding's object is made while its piece is written and is garbage right after, and the
// pieces go to stdout as they come (cli/write-chunks.ts), never joined. The JSON formats
// are spelt by emit-chunks.ts's jsonChunks, as `compile`'s config is.
import { CHUNK_CHARS } from '../emit-chunks.js';

/** A value whose JSON is what `json` returns, made when it is written (JSON.stringify and jsonChunks call toJSON). */
export interface LazyJson {
  toJSON(): unknown;
}

/** `items` as JSON array elements, each made when it is written. */
export function lazyElements<T>(items: readonly T[], json: (item: T, index: number) => unknown): LazyJson[] {
  return items.map((item, index) => ({ toJSON: () => json(item, index) }));
}

/** The whole text of a report made in pieces, for callers that want one string (tests, small reports). */
export function joinChunks(chunks: Iterable<string>): string {
  return [...chunks].join('');
}

/** Lines, each ended by a line break, joined into pieces of about CHUNK_CHARS characters. */
export function* linesInChunks(lines: Iterable<string>): Generator<string> {
  let pending = '';
  for (const line of lines) {
    pending += `${line}\n`;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending) yield pending;
}
