// The code frame under a finding in the terminal: the marked line with one line of context
// either side, and carets under the range, in the layout of @babel/code-frame:
//
//     3 |   listen 127.0.0.1:25
//   > 4 |   connections only { 10.0.0.0/33 }
//       |                               ^^
//     5 | }
//
// Bounded whatever the input: only the lines shown are sliced out of the text (a line index
// finds them, nothing splits the whole file), a long line shows a window of WINDOW columns
// around the finding with '…' where it was cut, and a range over many lines marks the first
// MAX_MARKED_LINES of them. A 30 KB one-line file with 6,000 findings once printed 271 MB.

import type { Range } from '../../grammar/ast.js';
import type { LineIndex } from '../../grammar/positions.js';

/** Columns of source shown per line: enough for any line written by hand. */
export const WINDOW = 120;
/** Columns kept left of the finding when a long line is cut, so its context stays visible. */
const LEAD = 40;
/** Lines of a multi-line range that get carets; the rest are summarised in one line. */
export const MAX_MARKED_LINES = 3;
const CONTEXT_LINES = 1;
const ELLIPSIS = '…';

export interface FrameSource {
  text: string;
  lines: LineIndex;
}

export function codeFrame({ text, lines }: FrameSource, range: Range): string {
  const startLine = Math.min(range.start.line, lines.lineCount);
  const endLine = Math.max(startLine, Math.min(range.end.line, lines.lineCount));
  const lastMarked = Math.min(endLine, startLine + MAX_MARKED_LINES - 1);
  const first = Math.max(1, startLine - CONTEXT_LINES);
  const last = Math.min(lines.lineCount, lastMarked + CONTEXT_LINES);
  const width = String(last).length;
  // Every line is cut at the same columns as the first marked line, so columns line up.
  const firstColumn = windowStart(lineLength(lines, startLine), range.start.column);

  const out: string[] = [];
  for (let line = first; line <= last; line++) {
    const bounds = lines.lineBounds(line);
    const shown = windowed(text, bounds.start, bounds.end, firstColumn);
    const marked = line >= startLine && line <= lastMarked;
    const gutter = ` ${String(line).padStart(width)} |`;
    out.push(`${marked ? '>' : ' '}${gutter}${shown.text ? ` ${shown.text}` : ''}`);
    if (!marked) continue;
    const from = line === startLine ? range.start.column : 1;
    const lineEnd = bounds.end - bounds.start + 1;
    // A zero-width range (an insertion point) still gets one caret.
    const to = line === endLine ? Math.max(range.end.column, from + 1) : Math.max(lineEnd, from + 1);
    const caretFrom = Math.max(from, firstColumn);
    const caretTo = Math.min(to, firstColumn + WINDOW);
    if (caretTo <= caretFrom && line !== startLine) continue;
    const lead = shown.cutLeft ? 1 : 0;
    const padding = spacing(text, bounds.start + firstColumn - 1, caretFrom - firstColumn);
    out.push(` ${gutter.replace(/\d/g, ' ')} ${' '.repeat(lead)}${padding}${'^'.repeat(Math.max(1, caretTo - caretFrom))}`);
  }
  if (endLine > lastMarked) out.push(` ${' '.repeat(width + 1)} | ${ELLIPSIS} (the range goes on to line ${endLine})`);
  return out.join('\n');
}

function lineLength(lines: LineIndex, line: number): number {
  const { start, end } = lines.lineBounds(line);
  return end - start;
}

/** The first column (1-based) shown of a line `length` long, so that `column` is in view. */
function windowStart(length: number, column: number): number {
  if (length <= WINDOW || column <= LEAD) return 1;
  return Math.min(column - LEAD, Math.max(1, length - WINDOW + 1));
}

/** Columns [firstColumn, firstColumn + WINDOW) of the line [start, end), marked where cut. */
function windowed(text: string, start: number, end: number, firstColumn: number): { text: string; cutLeft: boolean } {
  const from = Math.min(end, start + firstColumn - 1);
  const to = Math.min(end, from + WINDOW);
  const cutLeft = from > start;
  return { text: `${cutLeft ? ELLIPSIS : ''}${text.slice(from, to)}${to < end ? ELLIPSIS : ''}`, cutLeft };
}

/** Blanks under `count` characters from `offset`; tabs stay tabs so carets line up. */
function spacing(text: string, offset: number, count: number): string {
  return text.slice(offset, offset + Math.max(0, count)).replace(/[^\t]/g, ' ');
}
