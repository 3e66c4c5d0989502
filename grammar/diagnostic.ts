// The one diagnostic type of the project: syntax errors from the parser, value errors,
// name-resolution errors and lint findings all have this shape, and every reporter
// (terminal, JSON, SARIF, GitHub annotations) and the language server read it.
// It lives in grammar/ because the parser is the first producer and grammar/ imports nothing.

import type { Range } from './ast.js';

export type Severity = 'error' | 'warning' | 'info';

/** Replace the text in `range` (half-open, file coordinates) with `newText`. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A mechanical fix: edits to the diagnostic's own file, applied together. */
export interface Fix {
  /** What applying it does, in the imperative ("Require TLS on this server"). */
  description: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  /**
   * `syntax` for errors of the text itself (never suppressible), `semantic` for invalid
   * values and names the language forbids, otherwise the id of the lint rule.
   */
  ruleId: string;
  severity: Severity;
  message: string;
  /** The file as the user named it (a path relative to the working directory, or a URI). */
  file: string;
  range: Range;
  fix?: Fix;
  /** Other places that explain this one (the first declaration of a duplicate name, …). */
  related?: RelatedLocation[];
}

/** Ids that are not lint rules: they are always errors and cannot be suppressed or turned off. */
export const SYNTAX = 'syntax';
export const SEMANTIC = 'semantic';
