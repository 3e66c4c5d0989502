// What every reporter receives: the diagnostics of one run and the text of each file they
// point into (for code frames). Reporters are pure: data in, string out.

import type { Diagnostic } from '../../grammar/diagnostic.js';

export interface Report {
  diagnostics: Diagnostic[];
  /** displayName → file text, for every file a diagnostic points into. */
  sources: Map<string, string>;
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(diagnostics: readonly Diagnostic[]): Summary {
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') summary.errors++;
    else if (d.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}

/** Where a rule's documentation lives: docs/rules/<id>.md. */
export const DOCS_BASE = 'https://github.com/smtppolicy/smtppolicy/blob/main/docs/rules/';
/** Syntax and semantic errors are not rules: one page (docs/syntax-errors.md) has a section for each. */
export const LANGUAGE_ERRORS_DOCS = 'https://github.com/smtppolicy/smtppolicy/blob/main/docs/syntax-errors.md';

export function docsUrl(ruleId: string): string {
  return ruleId === 'syntax' || ruleId === 'semantic' ? `${LANGUAGE_ERRORS_DOCS}#${ruleId}` : `${DOCS_BASE}${ruleId}.md`;
}

/**
 * Messages quote user text shortened already (grammar/quote.ts); this bounds the rest (a
 * long name or path) in the reporters a person reads. JSON and SARIF keep the full text.
 */
export const MAX_MESSAGE = 500;

export function shorten(message: string, max = MAX_MESSAGE): string {
  return message.length <= max ? message : `${message.slice(0, max)}…`;
}
