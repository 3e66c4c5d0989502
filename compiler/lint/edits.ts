// Building fixes: small, exact text edits that keep the user's layout and comments.

import type { Position, Range, TlsBlock } from '../../grammar/ast.js';
import type { Fix, TextEdit } from '../../grammar/diagnostic.js';
import { extentOf } from './locate.js';

export function replace(range: Range, newText: string): TextEdit {
  return { range, newText };
}

/** A position at `offset` in `text` (line and column computed, 1-based). */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
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
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  if (/^[ \t]*$/.test(before) && /^[ \t,]*(#.*)?$/.test(after)) {
    return { description, edits: [replace(rangeOf(text, lineStart, newline < 0 ? lineEnd : newline + 1), '')] };
  }
  const following = /^[ \t]*,?[ \t]*/.exec(text.slice(end))![0];
  const next = text.charAt(end + following.length);
  if (following.length > 0 && next !== '' && !'}#\r\n'.includes(next)) {
    return { description, edits: [replace(rangeOf(text, start, end + following.length), '')] };
  }
  const preceding = /[ \t]*,?[ \t]*$/.exec(text.slice(lineStart, start))![0];
  return { description, edits: [replace(rangeOf(text, start - preceding.length, end), '')] };
}
