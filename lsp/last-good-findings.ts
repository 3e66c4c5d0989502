// While a document has syntax or semantic errors the compiler runs no lint rules (compiler/
// check.ts: rules reason over the whole resolved policy, lists shared between servers and
// listeners compared across them, so a policy with a hole in it would give wrong findings).
// In an editor that made every security finding vanish at the first half-typed word, and
// come back when the line was finished: the open-relay error flickered while typing.
//
// So the language server keeps the rule findings of the document's last check without such
// errors and shows them, marked stale, until the errors are gone. Between that text and the
// current one, everything before the first and after the last changed character is the same
// text: findings there are carried over with their positions shifted; findings that touch
// the changed part are dropped, since what they described was edited.

import { type Diagnostic, LineIndex, SEMANTIC, SYNTAX } from '../grammar/index.js';

export const STALE_NOTE = ' (as of the last check without syntax errors: fix them to check again)';

interface Snapshot {
  text: string;
  findings: Diagnostic[];
}

export class LastGoodFindings {
  private readonly snapshots = new Map<string, Snapshot>();

  /**
   * What to show for a document: its diagnostics as they are when the check ran its rules,
   * else its language errors plus the last rule findings, carried over to the current text.
   */
  diagnosticsFor(uri: string, text: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
    if (!diagnostics.some(isLanguageError)) {
      this.snapshots.set(uri, { text, findings: diagnostics.filter((d) => !isLanguageError(d)) });
      return [...diagnostics];
    }
    const last = this.snapshots.get(uri);
    if (!last) return [...diagnostics];
    return [...diagnostics, ...carryOver(last.text, text, last.findings)];
  }

  forget(uri: string): void {
    this.snapshots.delete(uri);
  }
}

function isLanguageError(d: Diagnostic): boolean {
  return d.ruleId === SYNTAX || d.ruleId === SEMANTIC;
}

/** Findings on `before` that lie in text `after` still has unchanged, at their new positions. */
export function carryOver(before: string, after: string, findings: readonly Diagnostic[]): Diagnostic[] {
  let prefix = 0;
  const shortest = Math.min(before.length, after.length);
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  const changedEnd = before.length - suffix; // [prefix, changedEnd) of `before` was replaced
  const shift = after.length - before.length;
  const lines = new LineIndex(after);
  const carried: Diagnostic[] = [];
  for (const d of findings) {
    const { start, end } = { start: d.range.start.offset, end: d.range.end.offset };
    let moved: number;
    if (end < prefix) moved = 0;
    else if (start > changedEnd) moved = shift;
    else continue; // the finding's text (or the character right after it) was edited
    // Fixes and related places were computed for the old text: a stale finding offers neither.
    carried.push({ ruleId: d.ruleId, severity: d.severity, file: d.file, message: `${d.message}${STALE_NOTE}`, range: lines.range(start + moved, end + moved) });
  }
  return carried;
}
