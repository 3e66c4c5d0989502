// The token types of the .smtppolicy lexer.
//
// Values of every kind (addresses, CIDR ranges, domains, numbers, durations, sizes,
// versions, host:port) share ONE generic `Word` token: telling them apart is the job of
// values.ts, which can then say "not a valid netmask" instead of "unexpected token".
// Keywords are made from the keyword table with `longer_alt: Word`, so `server.example`
// lexes as one value, not as the keyword `server` followed by `.example`.

import { createToken, Lexer, type TokenType } from 'chevrotain';
import { KEYWORDS } from './keyword-table.js';

const WORD_CHARS = 'A-Za-z0-9_.:/\\-\\[\\]%*';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Comment = createToken({
  name: 'Comment',
  pattern: /#[^\r\n]*/,
  group: 'comments',
});

export const Word = createToken({
  name: 'Word',
  pattern: new RegExp(`[${WORD_CHARS}]+`),
  label: 'a value',
});

/** Any keyword: lets a declaration accept a reserved word as a name and report it clearly. */
export const Reserved = createToken({ name: 'Reserved', pattern: Lexer.NA, label: 'a keyword' });

/** Both string tokens belong to this category, so the parser accepts an unterminated string. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  // Unrolled loop: no per-character alternation, so a 1 MB string does not strain the regex engine.
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"/,
  label: 'a quoted string',
});

/** A string with no closing quote on its line; the CST→AST step reports it. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*\\?/,
  categories: [StringLiteral],
  label: 'a quoted string',
});

/** `@name`: lexed liberally so that a bad name is one clear error, not a lexer error plus a parser error. */
export const Ref = createToken({
  name: 'Ref',
  pattern: new RegExp(`@[${WORD_CHARS}]*`),
  label: 'a list reference like @name',
});

// Characters that may start some token; everything else starts an `Unexpected` run.
const TOKEN_START = /[\sA-Za-z0-9_.:/\-[\]%*"@{},#]/;
const UNEXPECTED_RUN = /[^\sA-Za-z0-9_.:/\-[\]%*"@{},#]+/y;

function unexpectedStartChars(): number[] {
  const codes: number[] = [];
  for (let code = 0; code < 0x10000; code++) {
    if (!TOKEN_START.test(String.fromCharCode(code))) codes.push(code);
  }
  return codes;
}

/**
 * A run of characters no other token may start with. Taking them as one token (kept out of
 * the parser's way in its own group) turns a megabyte of garbage into one error in linear
 * time, where the lexer's own recovery would retry every pattern at every character.
 * A custom pattern with explicit start characters keeps the lexer's first-character
 * optimisation, which a negated character class would turn off.
 */
export const Unexpected = createToken({
  name: 'Unexpected',
  pattern: {
    exec(text: string, offset: number): RegExpExecArray | null {
      UNEXPECTED_RUN.lastIndex = offset;
      return UNEXPECTED_RUN.exec(text);
    },
  },
  start_chars_hint: unexpectedStartChars(),
  line_breaks: false,
  group: 'unexpected',
});

export const LCurly = createToken({ name: 'LCurly', pattern: /{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/, label: "'}'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });

/** Keyword tokens by their text. */
export const KEYWORD_TOKENS: ReadonlyMap<string, TokenType> = new Map(
  KEYWORDS.map((k) => [
    k.text,
    createToken({
      name: k.tokenName,
      // a string pattern matches literally and spares the lexer analysing a regular
      // expression per keyword at start-up (a third of a cold `lint`'s lexer set-up)
      pattern: k.text,
      longer_alt: Word,
      categories: [Reserved],
      label: `'${k.text}'`,
    }),
  ]),
);

export function keywordToken(text: string): TokenType {
  const token = KEYWORD_TOKENS.get(text);
  if (!token) throw new Error(`no keyword '${text}' in the keyword table`);
  return token;
}

// Longest keywords first: `connections-per-address` must be tried before `connections`,
// `relay-to` before `relay`, or the shorter one would win and leave `-per-address` behind.
const keywordsLongestFirst = [...KEYWORD_TOKENS.entries()]
  .sort(([a], [b]) => b.length - a.length || a.localeCompare(b))
  .map(([, token]) => token);

/** Lexer order matters: keywords before Word, the terminated string before the unterminated one. */
export const LEXER_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywordsLongestFirst,
  Word,
  StringLiteral,
  UnterminatedString,
  Ref,
  LCurly,
  RCurly,
  Comma,
  Unexpected,
];

/** The parser vocabulary also holds the abstract category. */
export const PARSER_TOKENS: TokenType[] = [...LEXER_TOKENS, Reserved];
