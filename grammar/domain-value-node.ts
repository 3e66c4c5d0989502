// The syntax node of the domain name in a `domain` entry (`domain partner.example`): a
// SpanNode (two offsets in its file's text) whose normalised value is computed when read.

import type { DomainValue, Range } from './ast.js';
import type { LineIndex } from './positions.js';
import { SpanNode } from './span-node.js';
import { parseDomain } from './values.js';

export class DomainValueNode extends SpanNode implements DomainValue {
  get kind(): 'DomainValue' {
    return 'DomainValue';
  }

  /**
   * Lower-case, without a trailing dot; null when invalid. Parsed from the text on each read,
   * never stored: the text never changes and was checked (and, when invalid, reported) when
   * the entry was made, so every read gives the same value.
   */
  get value(): string | null {
    const result = parseDomain(this.text);
    return result.ok ? result.value : null;
  }

  protected madeAt(lines: LineIndex, start: number, end: number): DomainValueNode {
    return new DomainValueNode(lines, start, end);
  }

  toJSON(): { kind: 'DomainValue'; text: string; value: string | null; range: Range } {
    return { kind: this.kind, text: this.text, value: this.value, range: this.range };
  }
}
