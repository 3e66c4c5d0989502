// The last semantic tokens sent for each document, so that a client asking for the change
// since then (textDocument/semanticTokens/full/delta) gets the few edits a keystroke makes
// instead of every token of a long file again.

import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit } from 'vscode-languageserver';

export class SemanticTokenResults {
  private readonly last = new Map<string, { resultId: string; data: number[] }>();
  private counter = 0;

  /** Remembers `data` as the newest result for `uri` and returns it with its id. */
  full(uri: string, data: number[]): SemanticTokens {
    const resultId = String(++this.counter);
    this.last.set(uri, { resultId, data });
    return { resultId, data };
  }

  /** The edits from the result the client holds to `data`; everything when that result is unknown here. */
  delta(uri: string, previousResultId: string, data: number[]): SemanticTokens | SemanticTokensDelta {
    const previous = this.last.get(uri);
    if (!previous || previous.resultId !== previousResultId) return this.full(uri, data);
    const edits = changedSpan(previous.data, data);
    const resultId = String(++this.counter);
    this.last.set(uri, { resultId, data });
    return { resultId, edits };
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}

/**
 * One edit replacing what lies between the common start and the common end of the two
 * arrays. A keystroke changes the tokens of one place; the relative encoding keeps the rest
 * of the array as it was, so this is as small as a general diff would be, in linear time.
 */
export function changedSpan(before: readonly number[], after: readonly number[]): SemanticTokensEdit[] {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start++;
  if (start === before.length && start === after.length) return [];
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [{ start, deleteCount: before.length - start - end, data: after.slice(start, after.length - end) }];
}
