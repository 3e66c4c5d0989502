// grammar/: text → typed syntax tree + diagnostics. Everything other folders may use.

export type * from './ast.js';
export * from './diagnostic.js';
export { parse, type ParseResult } from './parse.js';
export * from './keywords.js';
export * from './values.js';
export { parseAliasTarget, parseLocalPart } from './mail-address.js';
export { BLOCKS, type BlockKind, type BlockInfo } from './blocks.js';
export { LineIndex } from './positions.js';
export { reparse, type ParsedText } from './incremental.js';
export { describeKeyword, isKeyword, keywordInfo, keywordsIn, ROWS, settingRow, type KeywordContext } from './keyword-table.js';
export { settingRuleOf } from './setting-rules.js';
export { VALUE_KINDS } from './setting-values.js';
export { childrenOf, extentOf, forEachNode, nodesAt, type RangedNode } from './ast-walk.js';
export { ownFields } from './span-node.js';
export { tokenize, type SourceToken, type TokenKind, type TokenizeResult } from './tokenize.js';
