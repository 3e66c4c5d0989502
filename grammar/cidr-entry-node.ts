// The syntax node of an address entry (`198.51.100.7`, `10.0.0.0/8`), kept as two offsets.
//
// A generated 50 MB policy has 2.6 million of these: more objects than every other kind of
// node together. Stored as a plain node they cost about 128 bytes each (the node, its
// OffsetRange, its text); this one is a single object of three fields (48 bytes): the
// file's LineIndex and the token's two offsets. Its text, range and parsed value are
// computed when read, from the text the LineIndex holds. Everything a reader sees is as
// before: `kind`, `text`, `range` and `value` read as they did, `JSON.stringify` writes
// `{kind, text, range}`, and the generic walks over a node's own keys (ast-walk, lint's
// locate, the incremental shift) find nothing in it to descend into, as before.

import type { CidrEntry, CidrValue, Range } from './ast.js';
import { OffsetRange, type LineIndex } from './positions.js';
import { parseCidr } from './values.js';

export class CidrEntryNode implements CidrEntry {
  readonly #lines: LineIndex;
  readonly #start: number;
  readonly #end: number;

  constructor(lines: LineIndex, start: number, end: number) {
    this.#lines = lines;
    this.#start = start;
    this.#end = end;
  }

  get kind(): 'Cidr' {
    return 'Cidr';
  }

  /** The entry as written: a fresh slice of the file's text on each read. */
  get text(): string {
    return this.#lines.slice(this.#start, this.#end);
  }

  get range(): Range {
    return new OffsetRange(this.#lines.starts, this.#start, this.#end);
  }

  /**
   * Parsed from the text on each read, never stored (a stored value cost 64 bytes an entry).
   * The text never changes and was checked (and, when invalid, reported) when the node was
   * made, so every read gives the same value, or null. The common single IPv4 address costs
   * one pattern test and a small object per read (see parseCidr).
   */
  get value(): CidrValue | null {
    const result = parseCidr(this.text);
    return result.ok ? result.value : null;
  }

  /**
   * The same entry `delta` characters later in another text (the incremental parser's move
   * of an unchanged block). A node holds its file's text through `lines`: a node the
   * incremental parser leaves in place keeps the text it was parsed from, whose characters
   * at its offsets are those of every later text that still holds it unchanged.
   */
  movedTo(lines: LineIndex, delta: number): CidrEntryNode {
    return new CidrEntryNode(lines, this.#start + delta, this.#end + delta);
  }

  toJSON(): { kind: 'Cidr'; text: string; range: Range } {
    return { kind: this.kind, text: this.text, range: this.range };
  }
}
