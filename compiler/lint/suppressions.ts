// Inline suppressions with a mandatory reason:
//
//   # smtppolicy-ignore open-relay -- lab network, no route to the Internet
//   relay { anyone }
//
// A suppression on a line of its own applies to the next line that holds policy text
// (blank and comment-only lines are skipped); written after policy text it applies to its
// own line. Several rules may be named, separated by commas or spaces. A finding is
// suppressed when it starts on that line and its rule is named. `syntax` and `semantic`
// errors, and findings about suppressions themselves, cannot be suppressed.

import type { Comment, Range } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { LineIndex } from '../../grammar/positions.js';
import { SEMANTIC, SYNTAX } from '../../grammar/diagnostic.js';
import type { SourceFile } from '../source-set.js';
import { didYouMean } from '../suggest.js';
import { blanksBefore, rangeOf } from './edits.js';

const DIRECTIVE = /^#\s*smtppolicy-ignore(?=\s|$)/;

/**
 * What the editor's "suppress" quick fix writes where the reason goes. It is refused as a
 * reason, like any text that only marks where one should be: one click must not silence a
 * finding.
 */
export const REASON_PLACEHOLDER = 'TODO say why this is acceptable here';

/** A reason that is only a marker for one: the quick fix's placeholder, a `<…>` template, a bare TODO/FIXME. */
export function isPlaceholderReason(reason: string): boolean {
  return reason === REASON_PLACEHOLDER || /^<[^>]*>$/.test(reason) || /^(TODO|FIXME|XXX|TBD)\b/i.test(reason);
}

export interface SuppressionProblem {
  ruleId: 'invalid-suppression' | 'unused-suppression';
  messageId: string;
  data: Record<string, string>;
  file: SourceFile;
  range: Range;
  fix?: Diagnostic['fix'];
}

interface NamedRule {
  id: string;
  range: Range;
}

export interface Suppression {
  file: SourceFile;
  comment: Comment;
  rules: NamedRule[];
  reason: string;
  /** The line it applies to; 0 when no policy text follows it. */
  line: number;
}

export interface SuppressionRules {
  isRule(id: string): boolean;
  knownIds(): Iterable<string>;
  /** False when an unmatched suppression of this rule must not be called unused (rule off, or depends on files). */
  canReportUnused(id: string): boolean;
}

export function parseSuppressions(file: SourceFile): Suppression[] {
  // The file's lines are indexed only once a comment is a directive: most files have none,
  // and splitting a 50 MB policy into its lines cost millions of strings.
  let lines: LineIndex | undefined;
  const found: Suppression[] = [];
  for (const comment of file.ast.comments) {
    const directive = DIRECTIVE.exec(comment.text);
    if (!directive) continue;
    const body = comment.text.slice(directive[0].length);
    const separator = body.indexOf('--');
    const idsText = separator < 0 ? body : body.slice(0, separator);
    const reason = separator < 0 ? '' : body.slice(separator + 2).trim();
    const rules: NamedRule[] = [];
    const idPattern = /[^\s,]+/g;
    for (let match = idPattern.exec(idsText); match; match = idPattern.exec(idsText)) {
      const start = comment.range.start.offset + directive[0].length + match.index;
      rules.push({ id: match[0], range: rangeOf(file.text, start, start + match[0].length) });
    }
    lines ??= new LineIndex(file.text);
    found.push({ file, comment, rules, reason, line: targetLine(lines, comment) });
  }
  return found;
}

/**
 * The line a directive speaks for: its own when code precedes it there, else the next line
 * that holds code. Lines are the parser's (\n, \r\n or \r ends one), as in the findings'
 * ranges the directive is matched against; 0 when no code follows.
 */
function targetLine(lines: LineIndex, comment: Comment): number {
  const { line, offset } = comment.range.start;
  const { starts } = lines;
  if (lines.slice(starts[line - 1]!, offset).trim() !== '') return line;
  const lineCount = starts.length - 1;
  for (let next = line + 1; next <= lineCount; next++) {
    const text = lines.slice(starts[next - 1]!, starts[next]!).trim();
    if (text !== '' && !text.startsWith('#')) return next;
  }
  return 0;
}

const UNSUPPRESSIBLE = new Set([SYNTAX, SEMANTIC, 'invalid-suppression', 'unused-suppression']);

/** Drops suppressed findings; returns what is left and the problems with the suppressions themselves. */
export function applySuppressions(
  files: readonly SourceFile[],
  diagnostics: readonly Diagnostic[],
  rules: SuppressionRules,
): { kept: Diagnostic[]; problems: SuppressionProblem[] } {
  const problems: SuppressionProblem[] = [];
  const active: { suppression: Suppression; rule: NamedRule; used: boolean }[] = [];
  for (const file of files) {
    for (const suppression of parseSuppressions(file)) {
      const at = { file, range: suppression.comment.range };
      if (suppression.rules.length === 0) {
        problems.push({ ruleId: 'invalid-suppression', messageId: 'noRules', data: {}, ...at });
        continue;
      }
      const valid: NamedRule[] = [];
      for (const rule of suppression.rules) {
        if (UNSUPPRESSIBLE.has(rule.id)) {
          problems.push({ ruleId: 'invalid-suppression', messageId: 'unsuppressible', data: { rule: rule.id }, file, range: rule.range });
        } else if (!rules.isRule(rule.id)) {
          problems.push({ ruleId: 'invalid-suppression', messageId: 'unknownRule', data: { rule: rule.id, suggestion: didYouMean(rule.id, rules.knownIds()) }, file, range: rule.range });
        } else {
          valid.push(rule);
        }
      }
      if (suppression.reason === '') {
        problems.push({ ruleId: 'invalid-suppression', messageId: 'noReason', data: { rules: suppression.rules.map((r) => r.id).join(', ') }, ...at });
        continue; // a suppression without a reason suppresses nothing
      }
      if (isPlaceholderReason(suppression.reason)) {
        problems.push({ ruleId: 'invalid-suppression', messageId: 'placeholderReason', data: { reason: suppression.reason }, ...at });
        continue; // nor does one whose reason is still to be written
      }
      for (const rule of valid) active.push({ suppression, rule, used: false });
    }
  }

  // By rule, file and line: thousands of findings against thousands of suppressions must
  // not compare every pair.
  const activeAt = new Map<string, typeof active>();
  const keyOf = (ruleId: string, file: string, line: number) => `${ruleId}\0${file}\0${line}`;
  for (const a of active) {
    const key = keyOf(a.rule.id, a.suppression.file.displayName, a.suppression.line);
    const same = activeAt.get(key);
    if (same) same.push(a);
    else activeAt.set(key, [a]);
  }
  const kept = diagnostics.filter((d) => {
    if (UNSUPPRESSIBLE.has(d.ruleId)) return true;
    const matches = activeAt.get(keyOf(d.ruleId, d.file, d.range.start.line)) ?? [];
    for (const match of matches) match.used = true;
    return matches.length === 0;
  });

  for (const { suppression, rule, used } of active) {
    if (used || !rules.canReportUnused(rule.id)) continue;
    const fix = suppression.rules.length === 1 ? removeComment(suppression) : undefined;
    problems.push({
      ruleId: 'unused-suppression',
      messageId: 'unused',
      data: { rule: rule.id, line: suppression.line === 0 ? 'the end of the file' : String(suppression.line) },
      file: suppression.file,
      range: rule.range,
      ...(fix ? { fix } : {}),
    });
  }
  return { kept, problems };
}

function removeComment(suppression: Suppression): Diagnostic['fix'] {
  const { text } = suppression.file;
  const { start, end } = suppression.comment.range;
  const lineStart = text.lastIndexOf('\n', start.offset - 1) + 1;
  const description = 'Remove the unused suppression';
  if (text.slice(lineStart, start.offset).trim() === '') {
    const newline = text.indexOf('\n', end.offset);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    return { description, edits: [{ range: rangeOf(text, lineStart, lineEnd), newText: '' }] };
  }
  const spaces = blanksBefore(text, start.offset);
  return { description, edits: [{ range: rangeOf(text, start.offset - spaces, end.offset), newText: '' }] };
}
