// The syntax node of a keyword (`domain`, `listen`, `list`, …): a SpanNode, two offsets in its
// file's text. A generated 50 MB policy has over half a million keywords.

import type { Keyword, Range } from './ast.js';
import type { LineIndex } from './positions.js';
import { SpanNode } from './span-node.js';

export class KeywordNode extends SpanNode implements Keyword {
  get kind(): 'Keyword' {
    return 'Keyword';
  }

  protected madeAt(lines: LineIndex, start: number, end: number): KeywordNode {
    return new KeywordNode(lines, start, end);
  }

  toJSON(): { kind: 'Keyword'; text: string; range: Range } {
    return { kind: this.kind, text: this.text, range: this.range };
  }
}
