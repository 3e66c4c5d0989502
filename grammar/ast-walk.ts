// Generic walks over the syntax tree, shared by the language server and the formatter. They
// follow every object that has a `range`, so they keep working on partial trees from broken
// text and on node shapes added later.

import type { PolicyFile, Range } from './ast.js';
import { ownFields } from './span-node.js';

/** Anything in the tree that has a range: typed nodes, and the small `{ keyword, … }` parts. */
export interface RangedNode {
  kind?: string;
  range: Range;
  [field: string]: unknown;
}

function isRanged(value: unknown): value is RangedNode {
  if (typeof value !== 'object' || value === null) return false;
  const range = (value as { range?: unknown }).range;
  return typeof range === 'object' && range !== null && 'start' in range && 'end' in range;
}

/** The ranged parts directly inside a node, in field order, however deep in range-less parts. */
export function childrenOf(node: object): RangedNode[] {
  const children: RangedNode[] = [];
  for (const [field, value] of Object.entries(ownFields(node))) {
    if (field === 'range') continue;
    if (Array.isArray(value)) {
      for (const item of value) collect(item, children);
    } else {
      collect(value, children);
    }
  }
  return children;
}

// A part without its own range (a parsed payload) may still hold ranged parts.
function collect(value: unknown, into: RangedNode[]): void {
  if (typeof value !== 'object' || value === null) return;
  if (isRanged(value)) {
    into.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into);
    return;
  }
  // A part without a range of its own (`users` of an auth method) still holds ranged parts.
  for (const field of Object.values(value)) collect(field, into);
}

/** Visits every ranged node depth-first, with its ancestors (outermost first). */
export function forEachNode(root: PolicyFile, visit: (node: RangedNode, ancestors: readonly RangedNode[]) => void): void {
  const walk = (node: RangedNode, ancestors: RangedNode[]): void => {
    visit(node, ancestors);
    const next = [...ancestors, node];
    for (const child of childrenOf(node)) walk(child, next);
  };
  walk(root as unknown as RangedNode, []);
}

/**
 * The chain of nodes whose range holds `offset`, outermost first, ending at the smallest such
 * node. The end is inclusive, so a cursor right after a word is still on it, as editors expect
 * for hover and completion. The whole tree is searched rather than only the children of a
 * matching parent: a recovered node's range may not cover all of its children.
 */
export function nodesAt(root: PolicyFile, offset: number): RangedNode[] {
  let best: RangedNode[] = [root as unknown as RangedNode];
  let bestSize = Infinity;
  forEachNode(root, (node, ancestors) => {
    if (node.range.start.offset > offset || offset > node.range.end.offset || ancestors.length === 0) return;
    const size = node.range.end.offset - node.range.start.offset;
    // Equal sizes: the deeper node is the more precise one (a keyword inside a one-word setting).
    if (size < bestSize || (size === bestSize && ancestors.length >= best.length - 1)) {
      best = [...ancestors, node];
      bestSize = size;
    }
  });
  return best;
}

/** The smallest range that holds a node and everything inside it. */
export function extentOf(node: RangedNode): Range {
  let start = node.range.start;
  let end = node.range.end;
  const walk = (n: RangedNode): void => {
    if (n.range.start.offset < start.offset) start = n.range.start;
    if (n.range.end.offset > end.offset) end = n.range.end;
    for (const child of childrenOf(n)) walk(child);
  };
  walk(node);
  return { start, end };
}
