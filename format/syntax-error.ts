// The error a file with syntax errors raises instead of being formatted. It has the shape
// prettier reports (`loc` with 1-based line and column: prettier adds the code frame) and
// keeps every syntax diagnostic for callers that report them their own way (smtppolicy fmt).

import type { Diagnostic } from '../grammar/index.js';

export class PolicySyntaxError extends SyntaxError {
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };

  constructor(readonly diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    if (!first) throw new Error('PolicySyntaxError needs at least one diagnostic');
    const more = diagnostics.length - 1;
    const { start, end } = first.range;
    super(`${first.message} (${start.line}:${start.column})${more > 0 ? `, and ${more} more syntax error${more > 1 ? 's' : ''}` : ''}`);
    this.name = 'SyntaxError';
    this.loc = { start: { line: start.line, column: start.column }, end: { line: end.line, column: end.column } };
  }
}
