// The machine-readable reporter. Shape (documented in the README, stable):
// { "diagnostics": [ { file, ruleId, severity, message, range: { start: { line, column },
//   end: { line, column } }, fix? } ], "summary": { errors, warnings, infos } }
// Positions are 1-based; offsets stay internal.

import type { Position } from '../../grammar/ast.js';
import type { Report } from './report.js';
import { summarize } from './report.js';
import { jsonChunks } from '../emit-chunks.js';
import { joinChunks, lazyElements } from './report-chunks.js';

const point = (p: Position) => ({ line: p.line, column: p.column });

export function formatJson(report: Report): string {
  return joinChunks(formatJsonChunks(report));
}

/** The same text in pieces, each finding's object made as it is written (report-chunks.ts). */
export function formatJsonChunks(report: Report): Iterable<string> {
  const diagnostics = lazyElements(report.diagnostics, (d) => ({
    file: d.file,
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    range: { start: point(d.range.start), end: point(d.range.end) },
    ...(d.fix
      ? {
          fix: {
            description: d.fix.description,
            edits: d.fix.edits.map((e) => ({ range: { start: point(e.range.start), end: point(e.range.end) }, newText: e.newText })),
          },
        }
      : {}),
  }));
  return jsonChunks({ diagnostics, summary: summarize(report.diagnostics) });
}
