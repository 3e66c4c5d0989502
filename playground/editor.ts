// The CodeMirror 6 editor of the page, and how the compiler's findings show in it: squiggles
// and a gutter mark per finding, with the rule's own fix (the one `lint --fix` and the
// language server's quick fix apply) as a button in the finding's tooltip.

import { type Diagnostic as EditorDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import type { PlaygroundDiagnostic, TextChange } from './analyse.js';
import { smtppolicyLanguage } from './highlight.js';

export function createEditor(parent: HTMLElement, text: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    doc: text,
    parent,
    extensions: [
      basicSetup,
      smtppolicyLanguage,
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'policy editor' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
}

/** Applies a fix's edits as one change (one undo step), as the language server's quick fix does. */
export function applyChanges(view: EditorView, changes: readonly TextChange[]): void {
  view.dispatch({ changes: changes.map((c) => ({ from: c.from, to: c.to, insert: c.insert })), userEvent: 'input.fix' });
}

/** Shows the findings of the editor's current text (the page drops those of older texts). */
export function showFindings(view: EditorView, findings: readonly PlaygroundDiagnostic[]): void {
  const length = view.state.doc.length;
  const marks = findings.map(
    (d): EditorDiagnostic => ({
      from: Math.min(d.from, length),
      to: Math.min(Math.max(d.to, d.from), length),
      severity: d.severity,
      source: d.ruleId,
      message: d.message,
      ...(d.fix ? { actions: [{ name: d.fix.description, apply: (target: EditorView) => applyChanges(target, d.fix!.changes) }] } : {}),
    }),
  );
  view.dispatch(setDiagnostics(view.state, marks));
}
