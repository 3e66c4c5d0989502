// Building fixes: small, exact text edits that keep the user's layout and comments.

import type { Position, Range, TlsBlock } from '../../grammar/ast.js';
import type { Fix, TextEdit } from '../../grammar/diagnostic.js';
import { extentOf } from './locate.js';

export function replace(range: Range, newText: string): TextEdit {
  return { range, newText };
}

/** A position at `offset` in `text` (line and column computed, 1-based). */
export function positionAt(text: string, offset: number): Position {
  const line = lineIndexAt(text, offset);
  return { offset, line: line + 1, column: offset - lineStartOf(text, line) + 1 };
}

// Binary search in the offsets of the text's line feeds: a fix per entry of a list of
// 100,000 entries (perhaps all on one line) must not scan the file or the line each time.
/** 0-based index of the line holding `offset`. */
function lineIndexAt(text: string, offset: number): number {
  const newlines = newlinesOf(text);
  let low = 0;
  let high = newlines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (newlines[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function lineStartOf(text: string, line: number): number {
  return line === 0 ? 0 : newlinesOf(text)[line - 1]! + 1;
}

/** Offset of the line feed ending `line`, or -1 on the last line. */
function lineFeedOf(text: string, line: number): number {
  return newlinesOf(text)[line] ?? -1;
}

// Fixes are built for one file after another: remembering the last file's index is enough.
let indexed: { text: string; newlines: number[] } | undefined;

function newlinesOf(text: string): number[] {
  if (indexed?.text !== text) {
    const newlines: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines.push(i);
    indexed = { text, newlines };
  }
  return indexed.newlines;
}

export function rangeOf(text: string, start: number, end: number): Range {
  return { start: positionAt(text, start), end: positionAt(text, end) };
}

/**
 * Makes a tls block require TLS: `optional` becomes `require`, or `require` is added on its
 * own line after the last setting, indented like it. Undefined when already required.
 */
export function requireTlsFix(block: TlsBlock, text: string): Fix | undefined {
  const modes = block.settings.filter((s) => s.kind === 'TlsMode');
  if (modes.some((m) => m.mode === 'require')) return undefined;
  const optional = modes[0];
  if (optional) {
    return { description: "Require TLS: replace 'optional' with 'require'", edits: [replace(optional.keyword.range, 'require')] };
  }
  const lastSetting = block.settings.at(-1);
  if (!lastSetting) {
    // `tls { }`: nothing to align with, write it inside the braces.
    const open = text.indexOf('{', block.keyword.range.end.offset);
    if (open < 0 || open >= block.range.end.offset) return undefined;
    const at = positionAt(text, open + 1);
    return { description: "Require TLS: add 'require' to the tls block", edits: [replace({ start: at, end: at }, ' require ')] };
  }
  const last = extentOf(lastSetting);
  const lineStart = text.lastIndexOf('\n', last.start.offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const sameLineAsBlock = lineStart <= block.range.start.offset;
  const insertion = sameLineAsBlock ? '  require' : `\n${indent}require`;
  return { description: "Require TLS: add 'require' to the tls block", edits: [replace({ start: last.end, end: last.end }, insertion)] };
}

/**
 * Deletes one entry of an entry block or inline list. An entry alone on its line takes the
 * line with it (its trailing comment too, since it described the entry); otherwise the entry
 * and the separator after it (or before it, when it is last) go.
 */
export function deleteEntryFix(text: string, entry: Range, description: string): Fix {
  const start = entry.start.offset;
  const end = entry.end.offset;
  // Every scan stays next to the entry: with 100,000 entries on one line, looking at the
  // whole line (or the rest of the file) for each entry would take quadratic time.
  let lineStart = start;
  while (lineStart > 0 && isBlank(text.charCodeAt(lineStart - 1))) lineStart--;
  if (lineStart === 0 || text.charCodeAt(lineStart - 1) === NEWLINE) {
    // only blanks before the entry: the first of its line, so this runs once per line
    const newline = text.indexOf('\n', end);
    const lineEnd = newline < 0 ? text.length : newline;
    if (/^[ \t,]*(#.*)?$/.test(text.slice(end, lineEnd))) {
      return { description, edits: [replace(rangeOf(text, lineStart, newline < 0 ? lineEnd : newline + 1), '')] };
    }
  }
  FOLLOWING.lastIndex = end;
  const following = FOLLOWING.exec(text)![0];
  const next = text.charAt(end + following.length);
  if (following.length > 0 && next !== '' && !'}#\r\n'.includes(next)) {
    return { description, edits: [replace(rangeOf(text, start, end + following.length), '')] };
  }
  // blanks, an optional comma, blanks: the separator before the entry, on its line
  let from = start;
  while (from > 0 && isBlank(text.charCodeAt(from - 1))) from--;
  if (from > 0 && text.charCodeAt(from - 1) === COMMA) {
    from--;
    while (from > 0 && isBlank(text.charCodeAt(from - 1))) from--;
  }
  return { description, edits: [replace(rangeOf(text, from, end), '')] };
}

/** How many blanks (spaces, tabs) come just before `offset`: a scan back, never a regex over the text before it. */
export function blanksBefore(text: string, offset: number): number {
  let from = offset;
  while (from > 0 && isBlank(text.charCodeAt(from - 1))) from--;
  return offset - from;
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const FOLLOWING = /[ \t]*,?[ \t]*/y;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
