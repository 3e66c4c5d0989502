// Findings of one kind past the first few, folded into a count for the reporters a person
// reads (pretty, github). One broken brace can make thousands of findings that say the same
// thing at different places ("expected '}' to close the server block", 2,999 times); a
// reader needs the first few and how many more there are, and GitHub shows only the first
// annotations of a step anyway. The machine formats (json, sarif) keep every finding.
//
// A kind is one rule's message in one file, with the parts that vary from place to place
// (quoted names, numbers) left out. Two passes over the findings: linear in their number.

import type { Diagnostic } from '../../grammar/diagnostic.js';

/** Findings shown per kind and file before the rest are counted. */
export const SHOWN_PER_KIND = 10;

export interface ShownFinding {
  diagnostic: Diagnostic;
  /** Set on the last finding shown of its kind: how many more of that kind were left out. */
  more?: number;
}

export function kindOf(d: Diagnostic): string {
  const template = d.message.replace(/'[^'\n]*'/g, "'…'").replace(/\d+/g, '#');
  return `${d.file}\0${d.ruleId}\0${template}`;
}

export function foldRepeats(diagnostics: readonly Diagnostic[], shownPerKind = SHOWN_PER_KIND): ShownFinding[] {
  const totals = new Map<string, number>();
  const kinds = diagnostics.map((d) => {
    const kind = kindOf(d);
    totals.set(kind, (totals.get(kind) ?? 0) + 1);
    return kind;
  });
  const shownSoFar = new Map<string, number>();
  const shown: ShownFinding[] = [];
  diagnostics.forEach((diagnostic, i) => {
    const kind = kinds[i]!;
    const count = (shownSoFar.get(kind) ?? 0) + 1;
    shownSoFar.set(kind, count);
    if (count > shownPerKind) return;
    const total = totals.get(kind)!;
    shown.push(count === shownPerKind && total > shownPerKind ? { diagnostic, more: total - shownPerKind } : { diagnostic });
  });
  return shown;
}

/** "… and 2,997 more like this", the line that stands for the findings left out. */
export function moreLikeThis(count: number): string {
  return `… and ${count.toLocaleString('en-US')} more like this`;
}
