// Quick fixes: each rule's own fix, and "suppress with a reason", which writes the
// suppression comment above the line. Syntax and semantic errors are never suppressible:
// they describe text the compiler cannot run.

import { CodeActionKind, type CodeAction, type TextEdit } from 'vscode-languageserver';
import { type Diagnostic, SEMANTIC, SYNTAX } from '../../grammar/index.js';
// Written where the reason goes; lint refuses it (invalid-suppression) until someone writes one.
import { REASON_PLACEHOLDER } from '../../compiler/index.js';
import type { PolicyContext } from '../document-store.js';
import type { RuleCatalog } from '../rule-catalog.js';
import { toLspRange } from '../convert.js';
import { toLspDiagnostic } from './diagnostics.js';


export function codeActions(context: PolicyContext, range: { start: number; end: number }, rules: RuleCatalog): CodeAction[] {
  const uri = context.uri;
  const pathOf = new Map(context.check.files.map((f) => [f.displayName, f.path]));
  const actions: CodeAction[] = [];
  const suppressed = new Set<string>();
  for (const d of context.diagnostics) {
    if (d.range.end.offset < range.start || d.range.start.offset > range.end) continue;
    const lsp = toLspDiagnostic(d, rules, pathOf);
    if (d.fix) {
      actions.push({
        title: d.fix.description,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lsp],
        isPreferred: true,
        edit: { changes: { [uri]: d.fix.edits.map((e): TextEdit => ({ range: toLspRange(e.range), newText: e.newText })) } },
      });
    }
    const key = `${d.ruleId}:${d.range.start.line}`;
    if (suppressible(d, rules) && !suppressed.has(key)) {
      suppressed.add(key);
      actions.push({
        title: `Suppress ${d.ruleId} on this line (with a reason)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lsp],
        edit: { changes: { [uri]: [suppressionEdit(context.current.text, d)] } },
      });
    }
  }
  return actions;
}

function suppressible(d: Diagnostic, rules: RuleCatalog): boolean {
  if (d.ruleId === SYNTAX || d.ruleId === SEMANTIC) return false;
  // Findings about suppression comments would hide the very comment being reported.
  return rules.get(d.ruleId)?.suppressible ?? false;
}

/** `# smtppolicy-ignore <rule> -- <reason>` on its own line above the finding, indented like it. */
export function suppressionEdit(text: string, d: Diagnostic): TextEdit {
  const lineStart = d.range.start.offset - (d.range.start.column - 1);
  const indent = /^[ \t]*/.exec(text.slice(lineStart, d.range.start.offset + 1))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const position = { line: d.range.start.line - 1, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}# smtppolicy-ignore ${d.ruleId} -- ${REASON_PLACEHOLDER}${eol}` };
}
