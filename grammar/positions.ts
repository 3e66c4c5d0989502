// Offsets to 1-based line/column positions, computed from the text itself.
//
// The lexer tracks offsets only; lines and columns come from here so that every range in
// the tree and in diagnostics agrees with one definition of a line break (\n, \r\n or \r,
// as LSP has it) and columns count UTF-16 units, as offsets do.
//
// Ranges made here (`LineIndex.range`) hold two offsets and the file's table of line
// starts; their `start` and `end` positions are computed when read. A policy has a range
// per node, most never read: stored as positions they were half of the syntax tree's
// memory (136 bytes a range against 48).

import type { Position, Range } from './ast.js';

/**
 * Where each line starts, then the text's length: `starts[0]` is 0, `starts[lines]` the
 * length. Shared by every range of a file; it never holds the text.
 */
type LineStarts = Int32Array;

function positionIn(starts: LineStarts, offset: number): Position {
  const length = starts[starts.length - 1] as number;
  const clamped = Number.isFinite(offset) ? Math.min(Math.max(0, Math.trunc(offset)), length) : length;
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= clamped) low = mid;
    else high = mid - 1;
  }
  return { offset: clamped, line: low + 1, column: clamped - (starts[low] as number) + 1 };
}

/**
 * A `Range` kept as offsets. Its fields are private, so walks over a node's own keys
 * (`Object.entries`, `for…in`) see nothing to descend into, as they saw nothing but
 * positions before; `JSON.stringify` writes it as `{start, end}`.
 */
export class OffsetRange implements Range {
  readonly #starts: LineStarts;
  readonly #start: number;
  readonly #end: number;

  constructor(starts: LineStarts, start: number, end: number) {
    this.#starts = starts;
    this.#start = start;
    this.#end = end;
  }

  get start(): Position {
    return positionIn(this.#starts, this.#start);
  }

  get end(): Position {
    return positionIn(this.#starts, this.#end);
  }

  /** The same span `delta` characters later, positioned in another text's line table. */
  movedTo(starts: LineStarts, delta: number): OffsetRange {
    return new OffsetRange(starts, this.#start + delta, this.#end + delta);
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

export class LineIndex {
  readonly length: number;
  /** Offsets where each line starts, then the text's length (see LineStarts). */
  readonly starts: LineStarts;

  /**
   * Kept to tell \r\n from \n at a line's end, instead of storing every line's end, and for
   * the nodes that keep offsets instead of their text (cidr-entry-node.ts).
   */
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.length = text.length;
    let count = 1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 /* \n */) count++;
      else if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        count++;
      }
    }
    const starts = new Int32Array(count + 1);
    let line = 1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 /* \n */) {
        starts[line++] = i + 1;
      } else if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts[line++] = i + 1;
      }
    }
    starts[count] = text.length;
    this.starts = starts;
  }

  /** The position of an offset; offsets outside the text are clamped into it. */
  position(offset: number): Position {
    return positionIn(this.starts, offset);
  }

  /** A half-open range from a start offset and an exclusive end offset. */
  range(start: number, end: number): Range {
    return new OffsetRange(this.starts, start, Math.max(start, end));
  }

  get lineCount(): number {
    return this.starts.length - 1;
  }

  /**
   * Where a 1-based line's text starts and ends (the end excludes its line break), so a
   * caller can slice one line out of a large text without splitting all of it.
   */
  lineBounds(line: number): { start: number; end: number } {
    const count = this.lineCount;
    const index = Math.min(Math.max(1, Math.trunc(line)), count) - 1;
    const start = this.starts[index] as number;
    if (index + 1 === count) return { start, end: this.length };
    // Every later line start follows a line break: \r\n (two units), \n or \r (one).
    const next = this.starts[index + 1] as number;
    const crlf = this.text.charCodeAt(next - 2) === 13 && this.text.charCodeAt(next - 1) === 10;
    return { start, end: next - (crlf ? 2 : 1) };
  }

  /** The text between two offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  lineOf(offset: number): number {
    return this.position(offset).line;
  }

  /** The empty range at the end of the text, where "end of file" errors point. */
  endRange(): Range {
    return this.range(this.length, this.length);
  }
}
