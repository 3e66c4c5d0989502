// The project's diagnostics as LSP diagnostics: rule id as `code`, the rule's docs page as
// `codeDescription`, related locations as links into their files.

import { DiagnosticTag, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Diagnostic } from '../../grammar/index.js';
import type { PolicyContext } from '../document-store.js';
import type { RuleCatalog } from '../rule-catalog.js';
import { pathToUri, toLspRange, toLspSeverity } from '../convert.js';

export const DIAGNOSTIC_SOURCE = 'smtppolicy';

/** The diagnostics of the document (by default the check's own) as LSP diagnostics. */
export function documentDiagnostics(context: PolicyContext, rules: RuleCatalog, diagnostics: readonly Diagnostic[] = context.diagnostics): LspDiagnostic[] {
  const pathOf = new Map(context.check.files.map((f) => [f.displayName, f.path]));
  return diagnostics.map((d) => toLspDiagnostic(d, rules, pathOf));
}

export function toLspDiagnostic(d: Diagnostic, rules: RuleCatalog, pathOf: ReadonlyMap<string, string>): LspDiagnostic {
  const href = rules.docsUrl(d.ruleId);
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of d.related ?? []) {
    const path = pathOf.get(r.file);
    if (path) related.push({ location: { uri: pathToUri(path), range: toLspRange(r.range) }, message: r.message });
  }
  return {
    range: toLspRange(d.range),
    severity: toLspSeverity(d.severity),
    code: d.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    ...(related.length ? { relatedInformation: related } : {}),
    // Editors fade unnecessary code: a suppression that suppresses nothing is exactly that.
    ...(d.ruleId === 'unused-suppression' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

/**
 * The diagnostics of the files a document includes that are not open in the editor, by URI:
 * a problem there (a syntax error, invalid UTF-8) changes what the open policy means, and
 * editors list diagnostics of closed files too. Open files publish their own.
 */
export function includedFileDiagnostics(context: PolicyContext, rules: RuleCatalog, isOpen: (uri: string) => boolean): Map<string, LspDiagnostic[]> {
  const byUri = new Map<string, LspDiagnostic[]>();
  for (const file of context.check.files) {
    if (file.path === context.current.path) continue;
    const uri = pathToUri(file.path);
    if (isOpen(uri)) continue;
    byUri.set(
      uri,
      documentDiagnostics(
        context,
        rules,
        context.check.diagnostics.filter((d) => d.file === file.displayName),
      ),
    );
  }
  return byUri;
}
