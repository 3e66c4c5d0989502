// The one lexer of the process, created on first use (building it analyses every pattern).

import { Lexer, type ILexingResult, type ILexerErrorMessageProvider, type IToken } from 'chevrotain';
import { LEXER_TOKENS } from './tokens.js';
import { quote } from './quote.js';

// Characters people write by habit from other config languages, with what to do instead.
const HINTS: Record<string, string> = {
  ';': 'settings need no terminator',
  '=': "write 'setting value', without '='",
  "'": 'strings use double quotes',
  '(': 'blocks use { }',
  ')': 'blocks use { }',
  '"': 'a string must end on the line where it starts',
};

const lexerMessages: ILexerErrorMessageProvider = {
  buildUnexpectedCharactersMessage(fullText, startOffset, length) {
    const text = fullText.substr(startOffset, length);
    const what = length === 1 ? 'character' : 'characters';
    const hint = HINTS[text.charAt(0)];
    return `unexpected ${what} ${quote(text)}${hint ? `: ${hint}` : ''}`;
  },
  buildUnableToPopLexerModeMessage(token: IToken) {
    return `unexpected ${quote(token.image)}`;
  },
};

let lexer: Lexer | undefined;

/**
 * `validate`: run chevrotain's pattern validations. Like the parser's grammar validations
 * they cost start-up time on every run for a definition that does not change, so the
 * process-wide lexer skips them and test/grammar/grammar-validation runs them.
 */
export function createLexer({ validate = false }: { validate?: boolean } = {}): Lexer {
  return new Lexer(LEXER_TOKENS, {
    positionTracking: 'onlyOffset',
    ensureOptimizations: true,
    skipValidations: !validate,
    errorMessageProvider: lexerMessages,
  });
}

function getLexer(): Lexer {
  lexer ??= createLexer();
  return lexer;
}

export interface LexError {
  offset: number;
  length: number;
  message: string;
}

/** Runs of characters no token accepts, with a message each (from the `unexpected` group and the lexer). */
export function lexErrors(text: string, lexed: ILexingResult): LexError[] {
  const runs: LexError[] = (lexed.groups['unexpected'] ?? []).map((token) => ({
    offset: token.startOffset,
    length: token.image.length,
    message: lexerMessages.buildUnexpectedCharactersMessage(text, token.startOffset, token.image.length, 0, 0),
  }));
  const dropped = lexed.errors.map((e) => ({ offset: e.offset, length: e.length, message: e.message }));
  return [...runs, ...dropped].sort((a, b) => a.offset - b.offset);
}

export function lex(text: string): ILexingResult {
  return getLexer().tokenize(text);
}
