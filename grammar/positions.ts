// Offsets to 1-based line/column positions, computed from the text itself.
//
// The lexer tracks offsets only; lines and columns come from here so that every range in
// the tree and in diagnostics agrees with one definition of a line break (\n, \r\n or \r,
// as LSP has it) and columns count UTF-16 units, as offsets do.

import type { Position, Range } from './ast.js';

export class LineIndex {
  readonly length: number;
  /** Offsets where each line starts; lineStarts[0] is 0. */
  private readonly lineStarts: number[];

  /** Kept to tell \r\n from \n at a line's end, instead of storing every line's end. */
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.length = text.length;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 /* \n */) {
        starts.push(i + 1);
      } else if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /** The position of an offset; offsets outside the text are clamped into it. */
  position(offset: number): Position {
    const clamped = Number.isFinite(offset) ? Math.min(Math.max(0, Math.trunc(offset)), this.length) : this.length;
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { offset: clamped, line: low + 1, column: clamped - (this.lineStarts[low] as number) + 1 };
  }

  /** A half-open range from a start offset and an exclusive end offset. */
  range(start: number, end: number): Range {
    const s = this.position(start);
    const e = this.position(Math.max(start, end));
    return { start: s, end: e };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * Where a 1-based line's text starts and ends (the end excludes its line break), so a
   * caller can slice one line out of a large text without splitting all of it.
   */
  lineBounds(line: number): { start: number; end: number } {
    const index = Math.min(Math.max(1, Math.trunc(line)), this.lineStarts.length) - 1;
    const start = this.lineStarts[index] as number;
    if (index + 1 === this.lineStarts.length) return { start, end: this.length };
    // Every later line start follows a line break: \r\n (two units), \n or \r (one).
    const next = this.lineStarts[index + 1] as number;
    const crlf = this.text.charCodeAt(next - 2) === 13 && this.text.charCodeAt(next - 1) === 10;
    return { start, end: next - (crlf ? 2 : 1) };
  }

  lineOf(offset: number): number {
    return this.position(offset).line;
  }

  /** The empty range at the end of the text, where "end of file" errors point. */
  endRange(): Range {
    return this.range(this.length, this.length);
  }
}
