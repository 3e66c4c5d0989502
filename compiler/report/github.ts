// GitHub Actions workflow commands: each finding becomes an annotation on the pull
// request's diff. Escaping as GitHub's toolkit does it (@actions/core, command.ts):
// data escapes %, CR and LF; property values also escape ':' and ','.
//
// GitHub shows only the first annotations of each step, so past the first findings of a
// kind one notice says how many more there are (repeats.ts); messages are cut at the
// length the pretty reporter uses. `--format sarif` or `json` keeps every finding.

import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import { shorten, type Report } from './report.js';
import { foldRepeats, moreLikeThis } from './repeats.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: Report): string {
  return foldRepeats(report.diagnostics)
    .map(({ diagnostic: d, more }) => {
      const annotation = `::${COMMAND[d.severity]} ${properties(d)}::${escapeData(shorten(d.message))}\n`;
      if (more === undefined) return annotation;
      return `${annotation}::notice ${properties(d)}::${escapeData(`${moreLikeThis(more)} (--format sarif lists every finding)`)}\n`;
    })
    .join('');
}

function properties(d: Diagnostic): string {
  const { start, end } = d.range;
  return [
    `file=${escapeProperty(d.file)}`,
    `line=${start.line}`,
    `col=${start.column}`,
    `endLine=${end.line}`,
    `endColumn=${end.column}`,
    `title=${escapeProperty(d.ruleId)}`,
  ].join(',');
}
