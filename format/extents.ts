// Makes every node's range cover all of its text, children and closing `}` included.
//
// Comment placement depends on knowing which node a comment sits in, so a node whose range
// stopped short of its text (an early grammar gave blocks the range of their keyword alone)
// would move comments out of their blocks. The formatter therefore measures each node from
// its children and, for a block, from its closing brace. On a correct tree this changes nothing.

import { childrenOf, LineIndex, type PolicyFile, type Range } from '../grammar/index.js';
import { bodyOf, end, openBraceOffset, type Spanned } from './shape.js';

export function repairRanges(file: PolicyFile, text: string): void {
  const lines = new LineIndex(text);
  for (const item of file.items) repair(item, text, lines);
}

function repair(node: Spanned, text: string, lines: LineIndex): void {
  const children = childrenOf(node);
  for (const child of children) repair(child, text, lines);
  let last = Math.max(end(node), ...children.map(end));
  const open = openBraceOffset(node, text);
  if (open !== undefined) {
    const body = bodyOf(node);
    const close = closingBrace(text, Math.max(open + 1, ...body.map(end)));
    if (close !== undefined) last = Math.max(last, close + 1);
  }
  if (last > end(node)) {
    const range: Range = { start: node.range.start, end: lines.position(last) };
    node.range = range;
  }
}

/** The `}` after the body: only blank space, comments and commas may come before it. */
function closingBrace(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '}') return i;
    if (char === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (char === ',' || /\s/.test(char)) i++;
    else return undefined;
  }
  return undefined;
}
