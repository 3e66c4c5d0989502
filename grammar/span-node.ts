// A syntax node that is one token of the text, kept as its file's LineIndex and two offsets.
//
// A generated 50 MB policy has 2.6 million address entries and over half a million keywords:
// more objects than every other kind of node together. Stored as plain nodes they cost about
// 128 bytes each (the node, its OffsetRange, its text); one of these is a single object of
// three fields (48 bytes). Its text and range are computed when read, from the text the
// LineIndex holds. Everything a reader sees is as before: `kind`, `text` and `range` read as
// they did, and `JSON.stringify` writes the same fields. It has no own keys: the generic walks
// over a node's keys (ast-walk, lint's locate, the formatter's check) read its fields through
// ownFields, and the incremental shift moves it with movedTo.

import type { Range } from './ast.js';
import { OffsetRange, type LineIndex } from './positions.js';

export abstract class SpanNode {
  readonly #lines: LineIndex;
  readonly #start: number;
  readonly #end: number;

  constructor(lines: LineIndex, start: number, end: number) {
    this.#lines = lines;
    this.#start = start;
    this.#end = end;
  }

  /** The token as written: a fresh slice of the file's text on each read. */
  get text(): string {
    return this.#lines.slice(this.#start, this.#end);
  }

  get range(): Range {
    return new OffsetRange(this.#lines.starts, this.#start, this.#end);
  }

  /**
   * The same node `delta` characters later in another text (the incremental parser's move of
   * an unchanged block). A node holds its file's text through its LineIndex: a node the
   * incremental parser leaves in place keeps the text it was parsed from, whose characters at
   * its offsets are those of every later text that still holds it unchanged.
   */
  movedTo(lines: LineIndex, delta: number): this {
    return this.madeAt(lines, this.#start + delta, this.#end + delta) as this;
  }

  /** A node of the same class at other offsets. */
  protected abstract madeAt(lines: LineIndex, start: number, end: number): SpanNode;

  /**
   * The fields a plain node would have (`kind`, `text`, `range`, its parts): what JSON
   * writes, and what the generic walks read instead of the node's own keys, of which it has
   * none (see ownFields).
   */
  abstract toJSON(): { kind: string; range: Range };

  /** For subclasses whose parts are other spans of the same text (domain-entry-node.ts). */
  protected get spanLines(): LineIndex {
    return this.#lines;
  }

  protected get spanStart(): number {
    return this.#start;
  }

  protected get spanEnd(): number {
    return this.#end;
  }
}

/**
 * The fields of a syntax node, for walks that go through a node's keys: a plain node's own,
 * a SpanNode's as its toJSON lists them (it computes them when read and keeps none).
 */
export function ownFields(node: object): object {
  return node instanceof SpanNode ? node.toJSON() : node;
}
