// The syntax node of an address entry (`198.51.100.7`, `10.0.0.0/8`): a SpanNode (two offsets
// in its file's text) whose parsed value is computed when read.

import type { CidrEntry, CidrValue, Range } from './ast.js';
import type { LineIndex } from './positions.js';
import { SpanNode } from './span-node.js';
import { parseCidr } from './values.js';

export class CidrEntryNode extends SpanNode implements CidrEntry {
  get kind(): 'Cidr' {
    return 'Cidr';
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

  protected madeAt(lines: LineIndex, start: number, end: number): CidrEntryNode {
    return new CidrEntryNode(lines, start, end);
  }

  toJSON(): { kind: 'Cidr'; text: string; range: Range } {
    return { kind: this.kind, text: this.text, range: this.range };
  }
}
