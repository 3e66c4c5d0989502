// Gives every comment a place in the printed output. The grammar keeps comments apart from
// the tree (ast.comments); here each one is attached to a node, so the printer can put it
// back where the reader expects it:
//
//   leading   own-line comment above a setting, entry, list value or top-level item
//   trailing  end-of-line comment after one; a comment written inside a one-line construct
//             (`timeout # why\n 2s`) moves to the end of that construct's line
//   open      comment right after a block's `{` (or in its header), or after a list's keyword
//   end       own-line comment after the last setting of a block, inside an empty block, or
//             at the end of the file
//
// Comments are only ever attached where the printer puts a line break, so formatting the
// output again attaches them the same way (idempotence), and their text order never changes.

import type { Comment, PolicyFile } from '../grammar/index.js';
import { bodyOf, containedChildren, end, openBraceOffset, roleOf, start, type Spanned } from './shape.js';

export interface AttachedComments {
  leading: Comment[];
  trailing: Comment[];
  open: Comment[];
  end: Comment[];
}

export type Attachments = WeakMap<object, AttachedComments>;

export function attachComments(file: PolicyFile, text: string): Attachments {
  const attachments: Attachments = new WeakMap();
  const slot = (node: object): AttachedComments => {
    let found = attachments.get(node);
    if (!found) {
      found = { leading: [], trailing: [], open: [], end: [] };
      attachments.set(node, found);
    }
    return found;
  };
  // Nodes after which a comment already went below, to the next line: a later comment of the
  // same gap must not go back up to the end of that node's line, or the order would change.
  const movedOn = new WeakSet<object>();
  for (const comment of file.comments) place(comment, file, text, slot, movedOn);
  return attachments;
}

type Slot = (node: object) => AttachedComments;

function place(comment: Comment, file: PolicyFile, text: string, slot: Slot, movedOn: WeakSet<object>): void {
  const at = start(comment);
  const chain = pathTo(file, at);
  const { container, child } = lineContext(chain, at, text);

  if (child === undefined) {
    placeBetween(comment, container, text, slot, movedOn);
    return;
  }
  // Inside a block's header: the comment goes after the `{` of that block.
  const block = blockWithHeaderAt(child, at, text);
  if (block) {
    slot(block).open.push(comment);
    return;
  }
  // Inside a one-line construct: to the end of its line. The last value of an inline list
  // ends the list's line too, so the comment belongs to the list itself.
  let owner: object = child;
  if (roleOf(child, text) === 'list') {
    const values = bodyOf(child);
    const value = childHolding(values, at);
    owner = value && value !== values[values.length - 1] ? value : child;
  }
  slot(owner).trailing.push(comment);
}

/** The nodes around an offset, from the file down to the innermost one holding it. */
function pathTo(file: PolicyFile, offset: number): object[] {
  const chain: object[] = [file];
  let node: object = file;
  for (;;) {
    const next = childHolding(containedChildren(node), offset);
    if (!next) return chain;
    chain.push(next);
    node = next;
  }
}

/**
 * The innermost node in which the offset sits where a line may break — between the items of
 * the file, inside a block's braces, between the values of an inline list — and its child
 * that holds the offset, if any.
 */
function lineContext(chain: object[], offset: number, text: string): { container: object; child?: object } {
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i] as object;
    const role = roleOf(node, text);
    const isBreakable =
      role === 'file' ||
      (role === 'block' && (openBraceOffset(node, text) as number) < offset) ||
      (role === 'list' && i === chain.length - 1);
    if (isBreakable) {
      const child = chain[i + 1];
      return child === undefined ? { container: node } : { container: node, child };
    }
  }
  return { container: chain[0] as object };
}

/** The block whose header (before its `{`) holds the offset: the child itself, or a smart host inside `relay-to`. */
function blockWithHeaderAt(child: object, offset: number, text: string): object | undefined {
  for (const candidate of [child, ...containedChildren(child)]) {
    const open = openBraceOffset(candidate, text);
    if (open !== undefined && offset < open) return candidate;
  }
  return undefined;
}

/** A comment directly between the children of a file, block or list. */
function placeBetween(comment: Comment, container: object, text: string, slot: Slot, movedOn: WeakSet<object>): void {
  const at = start(comment);
  const body = bodyOf(container);
  const previous = body[countWhile(body, (c) => end(c) <= at) - 1];
  const next = body[countWhile(body, (c) => start(c) < end(comment))];
  const role = roleOf(container, text);

  const goesBelow = isOwnLine(text, at) || (role === 'file' && !previous) || (previous !== undefined && movedOn.has(previous));
  if (goesBelow) {
    if (previous) movedOn.add(previous);
    if (next) slot(next).leading.push(comment);
    else if (previous && role === 'list') slot(previous).trailing.push(comment);
    else slot(container).end.push(comment);
    return;
  }
  if (previous) slot(previous).trailing.push(comment);
  else if (role === 'file') slot(container).end.push(comment);
  else slot(container).open.push(comment);
}

/** True when only blank space comes before the comment on its line. */
export function isOwnLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const char = text[i];
    if (char === '\n' || char === '\r') return true;
    if (char !== ' ' && char !== '\t' && char !== '\uFEFF') return false;
  }
  return true;
}

// The children of a node are in text order and do not overlap, so their starts and ends both
// grow: every lookup below is a binary search. A linear scan per comment made formatting
// quadratic (a list of 50,000 entries, each with a comment, took a minute).

/** How many leading items satisfy a predicate that holds for a prefix of the items and then never again. */
function countWhile<T>(items: readonly T[], holds: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (holds(items[mid] as T)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The child whose range holds the offset, if any. */
function childHolding(children: readonly Spanned[], offset: number): Spanned | undefined {
  const candidate = children[countWhile(children, (c) => start(c) <= offset) - 1];
  return candidate !== undefined && offset < end(candidate) ? candidate : undefined;
}
