// GitLab Code Quality report (artifacts:reports:codequality): a JSON array, one issue per
// finding, with the fields GitLab documents as required: description, check_name,
// fingerprint, severity, location.path and location.lines.begin. GitLab shows the findings
// in the merge request's Code Quality widget and diff, and uses the fingerprint to tell
// new findings from fixed ones between the source and target branch, so it is the one
// SARIF uses (fingerprint.ts).
//
// Severity: GitLab knows info, minor, major, critical and blocker. Syntax and semantic
// errors are `blocker` (the policy cannot be compiled or served at all), other errors
// `critical` (an insecure setting that compile and serve refuse), warnings `major`, infos
// `info`.

import type { Diagnostic } from '../../grammar/diagnostic.js';
import { SEMANTIC, SYNTAX } from '../../grammar/diagnostic.js';
import { findingFingerprints } from './fingerprint.js';
import type { Report } from './report.js';
import { jsonChunks } from '../emit-chunks.js';
import { joinChunks, lazyElements } from './report-chunks.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export function codeQualitySeverity(d: Pick<Diagnostic, 'ruleId' | 'severity'>): CodeQualitySeverity {
  if (d.ruleId === SYNTAX || d.ruleId === SEMANTIC) return 'blocker';
  return d.severity === 'error' ? 'critical' : d.severity === 'warning' ? 'major' : 'info';
}

export function formatGitlab(report: Report): string {
  return joinChunks(formatGitlabChunks(report));
}

/** The same text in pieces, each issue's object made as it is written (report-chunks.ts). */
export function formatGitlabChunks(report: Report): Iterable<string> {
  const fingerprints = findingFingerprints(report);
  const issues = lazyElements(report.diagnostics, (d, n) => ({
    type: 'issue',
    check_name: d.ruleId,
    description: d.message,
    // Code Climate's categories: a broken policy is a bug risk, a rule finding a security issue.
    categories: [d.ruleId === SYNTAX || d.ruleId === SEMANTIC ? 'Bug Risk' : 'Security'],
    severity: codeQualitySeverity(d),
    fingerprint: fingerprints[n],
    location: { path: d.file, lines: { begin: d.range.start.line, end: d.range.end.line } },
  }));
  return jsonChunks(issues);
}
