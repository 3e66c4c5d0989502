// Syntax error messages in user terms, for chevrotain's errorMessageProvider.
//
// chevrotain reports "expected token X": that is rarely what a user needs. Here the parser
// rule, the expected token and the blocks open at that moment become sentences such as
// "expected '}' to close the server block opened at line 3, found end of file" or
// "expected a tls setting (certificate, key, …), found 'foo'".

import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { BLOCKS, BLOCK_OF_RULE, CONTEXT_PLACE, type BlockKind } from './blocks.js';
import { keywordInfo, keywordsIn, type KeywordContext } from './keyword-table.js';
import { quote } from './quote.js';
import { ruleRow, settingRuleNamed } from './setting-rules.js';
import { Comma, LCurly, RCurly, Ref, Reserved, StringLiteral, Word } from './tokens.js';

export interface OpenBlock {
  kind: BlockKind;
  /** Offset of the '{' that opened it. */
  offset: number;
}

/** What the parser knows while it parses one text; messages are built from it. */
export interface ParseState {
  openBlocks: OpenBlock[];
  /** Offsets of the last token of every inline list parsed so far. */
  listEnds: Set<number>;
  /** The token vector being parsed, in text order. */
  tokens: IToken[];
  lineOf(offset: number): number;
}

/** The token just before `token` in the text (recovery may have moved the parser past it). */
function tokenBefore(state: ParseState, token: IToken): IToken | undefined {
  const tokens = state.tokens;
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((tokens[mid] as IToken).startOffset < token.startOffset) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? tokens[low - 1] : undefined;
}

function isEof(token: IToken | undefined): boolean {
  return token === undefined || tokenMatcher(token, EOF);
}

export function describeFound(token: IToken | undefined): string {
  return isEof(token) ? 'end of file' : quote((token as IToken).image);
}

const TOP_LEVEL = `a top-level declaration (${keywordsIn('top').join(', ')})`;

/** Where a misplaced keyword belongs, as a hint after a message. */
function placeHint(image: string, exclude: readonly KeywordContext[]): string {
  const info = keywordInfo(image);
  if (!info) return '';
  const places = info.contexts
    .filter((c) => !exclude.includes(c))
    .map((c) => CONTEXT_PLACE[c])
    .filter((p): p is string => p !== undefined);
  return places.length > 0 ? `: '${image}' belongs in ${places.join(' or ')}` : '';
}

export function topLevelMessage(actual: IToken | undefined): string {
  if (actual && tokenMatcher(actual, RCurly)) return "unexpected '}': no block is open here";
  return `expected ${TOP_LEVEL}, found ${describeFound(actual)}${isEof(actual) ? '' : placeHint(actual!.image, ['top'])}`;
}

// What each parser rule expects where it consumes a value, so that a missing value reads
// "expected a host name like mail.example.com after 'hostname'". The settings of the
// keyword table say it in their rows; the hand-written rules here.
function valueExpectation(ruleName: string, previous: string): string | undefined {
  const setting = settingRuleNamed(ruleName);
  if (setting) return (ruleRow(setting, previous) ?? setting.rows[0])?.setting.expected;
  switch (ruleName) {
    case 'includeDecl':
      return 'a quoted file path like "common.smtppolicy"';
    case 'userStoreDecl':
      return 'a quoted password file path like "users.passwd"';
    case 'listenEndpoint':
      return 'a listen address like 0.0.0.0:25 or [::]:587';
    case 'tlsSni':
      return 'a host name like other.example.com';
    case 'authMethod':
      return 'a user store name';
    case 'addressEntry':
      return previous === 'mask' ? 'a netmask like 255.255.255.0' : 'a domain name like partner.example';
    case 'routeSetting':
      return previous === 'route' ? 'a domain name like partner.example' : 'a host and port like smtp.partner.example:25';
    case 'smarthostPassword':
    case 'statePassword':
      return previous === 'env' ? 'an environment variable name like RELAY_PASSWORD' : 'a quoted file path like "/run/secrets/relay"';
    default:
      return undefined;
  }
}

function onSameLine(state: ParseState, a: IToken, b: IToken): boolean {
  return !isEof(b) && Number.isFinite(a.startOffset) && state.lineOf(a.startOffset) === state.lineOf(b.startOffset);
}

function isValueToken(token: IToken): boolean {
  return tokenMatcher(token, Word) || tokenMatcher(token, StringLiteral) || tokenMatcher(token, Ref);
}

/** The message when a block's contents stop at a token that is not its '}'. */
function blockMessage(state: ParseState, actual: IToken): string {
  const found = describeFound(actual);
  const previous = isEof(actual) ? undefined : tokenBefore(state, actual);
  if (previous && state.listEnds.has(previous.startOffset) && isValueToken(actual) && onSameLine(state, previous, actual)) {
    return `expected ',' between list values, found ${found}`;
  }
  const blocks = state.openBlocks;
  const current = blocks[blocks.length - 1];
  if (!current) return `expected '}', found ${found}`;
  const info = BLOCKS[current.kind];
  const opened = (block: OpenBlock): string => `the ${BLOCKS[block.kind].noun} opened at line ${state.lineOf(block.offset)}`;
  const close = `expected '}' to close ${opened(current)}, found ${found}`;
  if (isEof(actual)) {
    // Recovery stops at the end of the file, so this one message speaks for every open block.
    const outer = blocks.slice(0, -1).reverse().map(opened);
    if (outer.length === 0) return close;
    return `expected '}' to close ${opened(current)} (and ${outer.join(', and ')}), found ${found}`;
  }
  if (tokenMatcher(actual, Reserved)) {
    const keyword = keywordInfo(actual.image);
    const validHere = keyword?.contexts.some((c) => info.contexts.includes(c)) ?? false;
    const enclosing: KeywordContext[] = ['top', ...blocks.slice(0, -1).flatMap((b) => BLOCKS[b.kind].contexts)];
    const validOutside = keyword?.contexts.some((c) => enclosing.includes(c)) ?? false;
    // A keyword of an enclosing block most likely means this block was not closed.
    if (!validHere && validOutside) return close;
    if (!validHere) return `expected ${info.expectation}, found ${found}${placeHint(actual.image, info.contexts)}`;
  }
  return `expected ${info.expectation}, found ${found}`;
}

export function createMessageProvider(getState: () => ParseState): IParserErrorMessageProvider {
  return {
    buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
      const state = getState();
      const found = describeFound(actual);
      if (expected === EOF) return topLevelMessage(actual);
      if (expected === RCurly) return blockMessage(state, actual);
      if (expected === LCurly) {
        const kind = BLOCK_OF_RULE[ruleName];
        return `expected '{' to open the ${kind ? BLOCKS[kind].noun : 'block'}, found ${found}`;
      }
      const after = previous && !isEof(previous) && Number.isFinite(previous.startOffset) ? ` after ${quote(previous.image)}` : '';
      if (expected === Word || expected === StringLiteral) {
        const what = valueExpectation(ruleName, previous?.image ?? '') ?? expected.LABEL ?? expected.name;
        return `expected ${what}${after}, found ${found}`;
      }
      if (expected === Comma) return `expected ','${after}, found ${found}`;
      return `expected ${labelOf(expected)}${after}, found ${found}`;
    },

    buildNotAllInputParsedMessage({ firstRedundant }) {
      return topLevelMessage(firstRedundant);
    },

    buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription }) {
      const found = describeFound(actual[0]);
      if (customUserDescription) return `expected ${customUserDescription}, found ${found}`;
      const firsts = [...new Set(expectedPathsPerAlt.flat().map((path) => (path[0] ? labelOf(path[0]) : '')))].filter(Boolean);
      return `expected ${firsts.join(' or ')}, found ${found}`;
    },

    buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
      const found = describeFound(actual[0]);
      if (customUserDescription) return `expected ${customUserDescription}, found ${found}`;
      const firsts = [...new Set(expectedIterationPaths.map((path) => (path[0] ? labelOf(path[0]) : '')))].filter(Boolean);
      return `expected ${firsts.join(' or ')}, found ${found}`;
    },
  };
}

function labelOf(token: TokenType): string {
  return token.LABEL ?? token.name;
}
