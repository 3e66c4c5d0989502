// The syntax node of a domain entry (`domain partner.example`): one object for what was the
// entry, its keyword, its domain name and their ranges (about 300 bytes a domain entry as
// plain nodes, a tenth of a 50 MB policy's entries). It keeps its span of the text and where
// its name starts in it; the keyword and the name are made when read, as nodes of that text.

import type { DomainEntry, Keyword, Range } from './ast.js';
import { DomainValueNode } from './domain-value-node.js';
import { KeywordNode } from './keyword-node.js';
import type { LineIndex } from './positions.js';
import { SpanNode } from './span-node.js';

export class DomainEntryNode extends SpanNode implements DomainEntry {
  /** The keyword's length: it starts the entry. */
  readonly #keywordLength: number;
  /** Where the name starts, from the entry's start (the name ends the entry); -1 when the entry has none. */
  readonly #nameFrom: number;

  /**
   * `[start, end)` spans the entry: the keyword, then the name (`nameStart`, or -1 when the
   * entry has none) up to `end`.
   */
  constructor(lines: LineIndex, start: number, end: number, keywordEnd: number, nameStart: number) {
    super(lines, start, end);
    this.#keywordLength = keywordEnd - start;
    this.#nameFrom = nameStart < 0 ? -1 : nameStart - start;
  }

  get kind(): 'Domain' {
    return 'Domain';
  }

  get keyword(): Keyword {
    return new KeywordNode(this.spanLines, this.spanStart, this.spanStart + this.#keywordLength);
  }

  /** A fresh node on each read: compare names by their value or range, not as objects. */
  get domain(): DomainValueNode | undefined {
    return this.#nameFrom < 0 ? undefined : new DomainValueNode(this.spanLines, this.spanStart + this.#nameFrom, this.spanEnd);
  }

  protected madeAt(lines: LineIndex, start: number, end: number): DomainEntryNode {
    return new DomainEntryNode(lines, start, end, start + this.#keywordLength, this.#nameFrom < 0 ? -1 : start + this.#nameFrom);
  }

  /** The plain entry's fields, in its order. */
  toJSON(): { kind: 'Domain'; keyword: Keyword; range: Range; domain?: DomainValueNode } {
    const { kind, keyword, range, domain } = this;
    return domain === undefined ? { kind, keyword, range } : { kind, keyword, range, domain };
  }
}
