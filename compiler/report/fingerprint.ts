// One fingerprint per finding, shared by every reporter that lets a CI system track a
// finding across commits (SARIF's partialFingerprints, GitLab Code Quality's fingerprint).
// It hashes the rule, the file, the trimmed text of the finding's first line and how many
// identical (rule, file, line text) findings came before it, so inserting lines above a
// finding does not change it, while two findings on identical lines stay distinct.

import { createHash } from 'node:crypto';
import { LineIndex } from '../../grammar/positions.js';
import type { Report } from './report.js';

/** Characters of a finding's line that go into its fingerprint (the whole of any hand-written line). */
const FINGERPRINT_LINE = 4096;

/** The fingerprints of `report.diagnostics`, in the same order. */
export function findingFingerprints(report: Report): string[] {
  const occurrences = new Map<string, number>();
  const lineText = lineTexts(report.sources);
  return report.diagnostics.map((d) => {
    const key = `${d.ruleId}\0${d.file}\0${lineText(d.file, d.range.start.line)}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\0${occurrence}`).digest('hex');
  });
}

/**
 * The trimmed text of a line, for fingerprints. Each file's line index is built once (not a
 * split of the whole file per finding, which made 6,000 findings in a 30 KB file take
 * seconds), and a line is hashed through at most FINGERPRINT_LINE characters.
 */
function lineTexts(sources: ReadonlyMap<string, string>): (file: string, line: number) => string {
  const indexes = new Map<string, LineIndex>();
  return (file, line) => {
    const text = sources.get(file);
    if (text === undefined) return '';
    let lines = indexes.get(file);
    if (!lines) {
      lines = new LineIndex(text);
      indexes.set(file, lines);
    }
    if (line > lines.lineCount) return '';
    const { start, end } = lines.lineBounds(line);
    return text.slice(start, Math.min(end, start + FINGERPRINT_LINE)).trim();
  };
}
