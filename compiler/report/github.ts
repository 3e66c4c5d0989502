// GitHub Actions workflow commands: each finding becomes an annotation on the pull
// request's diff. Escaping as GitHub's toolkit does it (@actions/core, command.ts):
// data escapes %, CR and LF; property values also escape ':' and ','.

import type { Severity } from '../../grammar/diagnostic.js';
import type { Report } from './report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: Report): string {
  return report.diagnostics
    .map((d) => {
      const { start, end } = d.range;
      const properties = [
        `file=${escapeProperty(d.file)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
        `title=${escapeProperty(d.ruleId)}`,
      ].join(',');
      return `::${COMMAND[d.severity]} ${properties}::${escapeData(d.message)}\n`;
    })
    .join('');
}
