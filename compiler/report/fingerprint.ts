// One fingerprint per finding, shared by every reporter that lets a CI system track a
// finding across commits (SARIF's partialFingerprints, GitLab Code Quality's fingerprint).
// It hashes the rule, the file, the trimmed text of the finding's first line and how many
// identical (rule, file, line text) findings came before it, so inserting lines above a
// finding does not change it, while two findings on identical lines stay distinct.

import { createHash } from 'node:crypto';
import type { Report } from './report.js';

/** The fingerprints of `report.diagnostics`, in the same order. */
export function findingFingerprints(report: Report): string[] {
  const occurrences = new Map<string, number>();
  return report.diagnostics.map((d) => {
    const lineText = (report.sources.get(d.file)?.split('\n')[d.range.start.line - 1] ?? '').trim();
    const key = `${d.ruleId}\0${d.file}\0${lineText}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\0${occurrence}`).digest('hex');
  });
}
