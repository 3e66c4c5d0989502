// The public face of the keyword table, for the language server (hover, completion) and
// the formatter, together with the tokenizer they use.

export {
  KEYWORDS,
  describeKeyword,
  isKeyword,
  keywordInfo,
  keywordsIn,
  type KeywordContext,
  type KeywordInfo,
} from './keyword-table.js';
export { tokenize, type SourceToken, type TokenKind, type TokenizeResult } from './tokenize.js';
