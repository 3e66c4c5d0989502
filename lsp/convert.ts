// The one place where the project's ranges meet LSP's. The project counts lines and columns
// from 1 (as users read them) and LSP from 0; both count columns in UTF-16 units and break
// lines at \n, \r\n and \r, so converting is a shift, done here and nowhere else.

import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Position as PolicyPosition, Range as PolicyRange, Severity } from '../grammar/index.js';
import { DiagnosticSeverity, type Position, type Range } from 'vscode-languageserver';

export function toLspPosition(position: PolicyPosition): Position {
  return { line: Math.max(0, position.line - 1), character: Math.max(0, position.column - 1) };
}

export function toLspRange(range: PolicyRange): Range {
  return { start: toLspPosition(range.start), end: toLspPosition(range.end) };
}

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  return LSP_SEVERITY[severity];
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The file path of a `file:` URI; undefined for other schemes (untitled buffers, …). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Whether a half-open range touches an offset (a cursor just after a word still "is on" it). */
export function rangeTouches(range: PolicyRange, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}
