// tokenize(text): the token stream with ranges, for the formatter and the editor (semantic
// highlighting, folding). Comments come separately, in text order, as in the syntax tree.

import type { IToken } from 'chevrotain';
import type { Comment, Range } from './ast.js';
import { SYNTAX, type Diagnostic } from './diagnostic.js';
import { lex, lexErrors } from './lexer.js';
import { LineIndex } from './positions.js';
import { Comma, LCurly, RCurly, Ref, Reserved, UnterminatedString, Word } from './tokens.js';
import { tokenMatcher } from 'chevrotain';

export type TokenKind = 'keyword' | 'word' | 'string' | 'ref' | 'lbrace' | 'rbrace' | 'comma';

export interface SourceToken {
  kind: TokenKind;
  /** The text as written (a string keeps its quotes). */
  text: string;
  range: Range;
  /** Set on a string with no closing quote on its line. */
  unterminated?: true;
}

export interface TokenizeResult {
  tokens: SourceToken[];
  comments: Comment[];
  /** Characters no token accepts, as syntax diagnostics. */
  diagnostics: Diagnostic[];
}

function kindOf(token: IToken): TokenKind {
  if (tokenMatcher(token, Reserved)) return 'keyword';
  if (tokenMatcher(token, Word)) return 'word';
  if (tokenMatcher(token, Ref)) return 'ref';
  if (tokenMatcher(token, LCurly)) return 'lbrace';
  if (tokenMatcher(token, RCurly)) return 'rbrace';
  if (tokenMatcher(token, Comma)) return 'comma';
  return 'string';
}

export function tokenize(text: string, file = '<input>'): TokenizeResult {
  const source = typeof text === 'string' ? text : '';
  const lines = new LineIndex(source);
  const lexed = lex(source);
  const tokens = lexed.tokens.map((token): SourceToken => {
    const result: SourceToken = {
      kind: kindOf(token),
      text: token.image,
      range: lines.range(token.startOffset, token.startOffset + token.image.length),
    };
    if (token.tokenType === UnterminatedString) result.unterminated = true;
    return result;
  });
  const comments = (lexed.groups['comments'] ?? []).map(
    (token): Comment => ({
      kind: 'Comment',
      text: token.image,
      range: lines.range(token.startOffset, token.startOffset + token.image.length),
    }),
  );
  const diagnostics = lexErrors(source, lexed).map(
    (error): Diagnostic => ({
      ruleId: SYNTAX,
      severity: 'error',
      message: error.message,
      file,
      range: lines.range(error.offset, error.offset + error.length),
    }),
  );
  return { tokens, comments, diagnostics };
}
