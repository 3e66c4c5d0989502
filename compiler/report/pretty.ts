// The terminal reporter: `file:line:column severity message  rule`, a code frame, and a
// summary line, like ESLint's stylish output. Colour only when asked (on a TTY).
//
// Bounded per finding, whatever the input: the code frame is a window of the lines around
// the finding (code-frame.ts), a message is cut at MAX_MESSAGE characters, and past the
// first findings of a kind the rest are one "… and N more like this" line (repeats.ts).
// The summary line still counts every finding; `--format json` lists every one.

import { createColors } from 'picocolors';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { LineIndex } from '../../grammar/positions.js';
import { codeFrame, type FrameSource } from './code-frame.js';
import type { Report } from './report.js';
import { docsUrl, shorten, summarize } from './report.js';
import { foldRepeats, moreLikeThis } from './repeats.js';

export interface PrettyOptions {
  color: boolean;
}

/** Related locations listed per finding (a duplicate declared many times, say). */
const MAX_RELATED = 5;

export function formatPretty(report: Report, options: PrettyOptions): string {
  const c = createColors(options.color);
  const out: string[] = [];
  const frames = frameSources(report.sources);
  for (const { diagnostic: d, more } of foldRepeats(report.diagnostics)) {
    const where = `${d.file}:${d.range.start.line}:${d.range.start.column}`;
    const severity = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
    out.push(`${c.bold(where)} ${severity} ${shorten(d.message)}  ${c.dim(d.ruleId)}`);
    const source = frames(d.file);
    if (source) out.push(indent(codeFrame(source, d.range)));
    const related = d.related ?? [];
    for (const r of related.slice(0, MAX_RELATED)) {
      out.push(c.dim(`  ${r.file}:${r.range.start.line}:${r.range.start.column}: ${shorten(r.message)}`));
    }
    if (related.length > MAX_RELATED) out.push(c.dim(`  ${moreLikeThis(related.length - MAX_RELATED)}`));
    const url = docsUrl(d.ruleId);
    if (url) out.push(c.dim(`  docs: ${url}`));
    out.push('');
    if (more !== undefined) out.push(c.dim(`${moreLikeThis(more)} (${d.ruleId} in ${d.file}; --format json lists every finding)`), '');
  }
  const { errors, warnings, infos } = summarize(report.diagnostics);
  const total = errors + warnings + infos;
  if (total === 0) return '';
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${plural(infos, 'info')}` : ''}`;
  const line = `${errors ? '✖' : '⚠'} ${plural(total, 'problem')} (${counts})`;
  out.push(errors ? c.red(c.bold(line)) : c.yellow(c.bold(line)));
  return `${out.join('\n')}\n`;
}

/** Each file's line index, built once on first use rather than once per finding. */
function frameSources(sources: ReadonlyMap<string, string>): (file: string) => FrameSource | undefined {
  const built = new Map<string, FrameSource>();
  return (file) => {
    const cached = built.get(file);
    if (cached) return cached;
    const text = sources.get(file);
    if (text === undefined) return undefined;
    const source = { text, lines: new LineIndex(text) };
    built.set(file, source);
    return source;
  };
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
