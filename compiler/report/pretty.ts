// The terminal reporter: `file:line:column severity message  rule`, a code frame, and a
// summary line, like ESLint's stylish output. Colour only when asked (on a TTY).

import { codeFrameColumns } from '@babel/code-frame';
import { createColors } from 'picocolors';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { Report } from './report.js';
import { docsUrl, summarize } from './report.js';

export interface PrettyOptions {
  color: boolean;
}

export function formatPretty(report: Report, options: PrettyOptions): string {
  const c = createColors(options.color);
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const where = `${d.file}:${d.range.start.line}:${d.range.start.column}`;
    const severity = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
    out.push(`${c.bold(where)} ${severity} ${d.message}  ${c.dim(d.ruleId)}`);
    const text = report.sources.get(d.file);
    if (text !== undefined) out.push(indent(frame(text, d)));
    for (const related of d.related ?? []) {
      out.push(c.dim(`  ${related.file}:${related.range.start.line}:${related.range.start.column}: ${related.message}`));
    }
    const url = docsUrl(d.ruleId);
    if (url) out.push(c.dim(`  docs: ${url}`));
    out.push('');
  }
  const { errors, warnings, infos } = summarize(report.diagnostics);
  const total = errors + warnings + infos;
  if (total === 0) return '';
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${plural(infos, 'info')}` : ''}`;
  const line = `${errors ? '✖' : '⚠'} ${plural(total, 'problem')} (${counts})`;
  out.push(errors ? c.red(c.bold(line)) : c.yellow(c.bold(line)));
  return `${out.join('\n')}\n`;
}

function frame(text: string, d: Diagnostic): string {
  const { start, end } = d.range;
  // A zero-width range (an insertion point) still gets a one-column marker.
  const endColumn = end.line === start.line && end.column <= start.column ? start.column + 1 : end.column;
  return codeFrameColumns(
    text,
    { start: { line: start.line, column: start.column }, end: { line: end.line, column: endColumn } },
    { highlightCode: false, linesAbove: 1, linesBelow: 1 },
  );
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
