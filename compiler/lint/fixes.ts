// Applying fixes to text, ESLint style: edits of different fixes that overlap cannot both
// be applied, so the later fix waits for the next pass (the caller re-lints and repeats).

import type { TextEdit } from '../../grammar/diagnostic.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';

export interface AppliedFixes {
  text: string;
  /** How many fixes were applied (skipped ones wait for the next pass). */
  applied: number;
}

export function applyFixes(text: string, diagnostics: readonly Diagnostic[]): AppliedFixes {
  const fixes = diagnostics
    .flatMap((d) => (d.fix ? [[...d.fix.edits].sort(byStart)] : []))
    .filter((edits) => edits.length > 0)
    .sort((a, b) => byStart(a[0]!, b[0]!));
  const accepted: TextEdit[] = [];
  let applied = 0;
  let lastEnd = -1;
  for (const edits of fixes) {
    // A fix is all or nothing: skip it when it touches (or starts where) an earlier fix ends;
    // two rules offering the same insertion must not insert twice.
    if (edits[0]!.range.start.offset <= lastEnd) continue;
    if (edits.some((e, i) => i > 0 && e.range.start.offset < edits[i - 1]!.range.end.offset)) continue;
    accepted.push(...edits);
    lastEnd = edits.at(-1)!.range.end.offset;
    applied++;
  }
  let result = '';
  let cursor = 0;
  for (const edit of accepted) {
    result += text.slice(cursor, edit.range.start.offset) + edit.newText;
    cursor = edit.range.end.offset;
  }
  return { text: result + text.slice(cursor), applied };
}

function byStart(a: TextEdit, b: TextEdit): number {
  return a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset;
}
