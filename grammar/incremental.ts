// Re-parsing an edited document: only the top-level items the edit touched are parsed again.
//
// The language server re-checks a document on every keystroke; parsing all of it again is a
// third of that work for a 5,000-line policy. The result here is always the one parse()
// gives for the whole new text (test/grammar/incremental.test.ts checks it on random edits):
// an item is reused only when its text, and everything that could change how it lexes and
// parses, is unchanged; anything else (an error anywhere near the edit, an edit that could
// merge tokens across an item's edge) falls back to parsing the whole text.
//
// Why reusing an item is exact: every top-level item ends with a fixed last token ('}' or
// a string) and no grammar decision inside an item looks past that token, so an item parses
// the same whatever follows it, and whatever precedes it once the parser is back at the top
// level after the previous item's last token. Lexing has no modes, so a region that starts
// and ends at token boundaries lexes the same alone as within the whole text.

import type { Comment, PolicyFile, Position, Range, TopLevelItem } from './ast.js';
import { parse, parseCleanRegion, type ParseResult } from './parse.js';
import { LineIndex, OffsetRange } from './positions.js';
import { SpanNode } from './span-node.js';

// Each top-level item copied with moved positions, to the item it was copied from: the
// compiler keeps what depends on an item's values only (not its positions) across a move.
const copiedFrom = new WeakMap<object, object>();

/** The item an edit above it moved `item` from (a copy with shifted positions), if it is one. */
export function movedFrom<T extends object>(item: T): T | undefined {
  return copiedFrom.get(item) as T | undefined;
}

/** A text and what parse() made of it. */
export interface ParsedText {
  text: string;
  file: string;
  result: ParseResult;
}

/** parse(text, file), reusing what `previous` (an earlier version of the same document) already parsed. */
export function reparse(previous: ParsedText | undefined, text: string, file: string): ParseResult {
  if (!previous || previous.file !== file) return parse(text, file);
  if (previous.text === text) return previous.result;
  try {
    return reparseEdited(previous, text, file) ?? parse(text, file);
  } catch {
    // A bug here must cost time, never correctness: parse() reports its own failures.
    return parse(text, file);
  }
}

function reparseEdited(previous: ParsedText, text: string, file: string): ParseResult | undefined {
  const old = previous.text;
  const { items, comments } = previous.result.ast;

  // The edit, as the unchanged text on either side of it.
  const shorter = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < shorter && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const unchangedFrom = old.length - suffix; // old offsets from here on are in the new text too, moved by `delta`
  const delta = text.length - old.length;

  // Items before the edit: their last token must end before the first changed character
  // (a token is decided by its characters and the one after it).
  let first = 0;
  while (first < items.length && items[first]!.range.end.offset < prefix && endsWithClosingToken(old, items[first]!)) first++;
  // Items after the edit: the character before each must be an unchanged line break, so no
  // changed text can join their first token, or put them inside a comment or a string.
  let last = items.length;
  for (let i = first; i < items.length; i++) {
    const start = items[i]!.range.start.offset;
    if (start > unchangedFrom && isLineBreak(old.charCodeAt(start - 1))) {
      last = i;
      break;
    }
  }

  const oldFrom = first > 0 ? items[first - 1]!.range.end.offset : 0;
  const oldTo = last < items.length ? items[last]!.range.start.offset : old.length;
  // Diagnostics outside the re-parsed region would have to be carried over: parse it all.
  for (const d of previous.result.diagnostics) {
    if (d.range.start.offset < oldFrom || d.range.end.offset > oldTo) return undefined;
  }

  const lines = new LineIndex(text);
  const region = parseCleanRegion(text, file, lines, oldFrom, oldTo + delta);
  if (!region) return undefined;

  const moved: TopLevelItem[] = [];
  const movedComments: Comment[] = [];
  if (last < items.length) {
    const oldStart = items[last]!.range.start;
    const newStart = lines.position(oldStart.offset + delta);
    if (newStart.column !== oldStart.column) return undefined;
    const lineDelta = newStart.line - oldStart.line;
    const move = delta === 0 && lineDelta === 0 ? <T>(node: T) => node : <T>(node: T) => shifted(node, delta, lineDelta, lines);
    for (let i = last; i < items.length; i++) {
      const item = items[i]!;
      const copy = move(item);
      if (copy !== item) copiedFrom.set(copy, item);
      moved.push(copy);
    }
    for (const comment of comments) if (comment.range.start.offset >= oldTo) movedComments.push(move(comment));
  }

  const ast: PolicyFile = {
    kind: 'File',
    items: [...items.slice(0, first), ...region.items, ...moved],
    comments: [...comments.filter((c) => c.range.end.offset <= oldFrom), ...region.comments, ...movedComments],
    range: lines.range(0, text.length),
  };
  return { ast, diagnostics: [] };
}

function endsWithClosingToken(text: string, item: TopLevelItem): boolean {
  const lastChar = text.charCodeAt(item.range.end.offset - 1);
  return lastChar === 0x7d /* } */ || lastChar === 0x22 /* " */;
}

function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/**
 * A syntax subtree with every position moved by `delta` characters and `lineDelta` lines: a
 * copy of each object that holds a position somewhere below it, and the very same objects
 * elsewhere (parsed values, which syntax nodes never change). Half of a policy moves on every
 * keystroke that changes a line's length, so this is written for speed: primitives are not
 * visited, and a range made by the parser (an OffsetRange, the most common object by far)
 * is re-made from its offsets in the new text's line table, without reading its positions;
 * an address entry or a keyword (a SpanNode, the most common nodes) from its offsets in the new text.
 */
function shifted<T>(value: T, delta: number, lineDelta: number, lines: LineIndex): T {
  if (value instanceof OffsetRange) return value.movedTo(lines.starts, delta) as T;
  if (value instanceof SpanNode) return value.movedTo(lines, delta) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const moved = shifted(item, delta, lineDelta, lines);
      if (moved !== item) (copy ??= value.slice())[i] = moved;
    }
    return (copy ?? value) as T;
  }
  const object = value as Record<string, unknown>;
  if (isPosition(object)) return movedPosition(object, delta, lineDelta) as T;
  // Syntax nodes are data: own enumerable keys only, kept in their order. The nodes that are
  // not (address entries and keywords, span-node.ts) were moved above.
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    const child = object[key];
    if (typeof child !== 'object' || child === null) continue;
    const moved =
      child instanceof OffsetRange
        ? child.movedTo(lines.starts, delta)
        : key === 'range' && isRange(child)
          ? { start: movedPosition(child.start, delta, lineDelta), end: movedPosition(child.end, delta, lineDelta) }
          : shifted(child, delta, lineDelta, lines);
    if (moved !== child) (copy ??= { ...object })[key] = moved;
  }
  return (copy ?? object) as T;
}

function movedPosition(p: Position, delta: number, lineDelta: number): Position {
  return { offset: p.offset + delta, line: p.line + lineDelta, column: p.column };
}

function isRange(value: object): value is Range {
  const r = value as Partial<Range>;
  return typeof r.start === 'object' && r.start !== null && isPosition(r.start) && typeof r.end === 'object' && r.end !== null && isPosition(r.end);
}

function isPosition(value: object): value is Position {
  const p = value as Partial<Position>;
  return typeof p.offset === 'number' && typeof p.line === 'number' && typeof p.column === 'number';
}
