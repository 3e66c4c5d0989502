// Semantic tokens: what each word of a policy is, so that every editor colours keywords,
// addresses, domains, list references and names alike, with the theme the user already has.
//
// Only LSP's standard token types and modifiers are used: default themes colour those, where
// the TextMate grammar's own scopes (constant.other.ip-address…) are left plain by most of
// them. The syntax tree decides what a word is (a name after `list` declares, `users demo`
// refers); words the parser skipped (text being typed) still get the colour their token
// implies, so colours do not flicker away while a line is broken.

import { forEachNode, parseCidr, tokenize, type PolicyFile, type Range, type RangedNode } from '../../grammar/index.js';

export const TOKEN_TYPES = ['keyword', 'number', 'string', 'variable', 'namespace', 'comment'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

/** The legend the server announces; the encoded tokens index into it. */
export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export interface ClassifiedToken {
  range: Range;
  type: TokenType;
  modifiers: TokenModifier[];
}

// Values whose meaning is a number: sizes, durations, counts, TLS versions.
const NUMERIC_KINDS = new Set(['Duration', 'Rate', 'Size', 'Integer', 'TlsVersion']);

/** What a named thing is, from the node that holds its name. */
function nameToken(parentKind: string | undefined): Pick<ClassifiedToken, 'type' | 'modifiers'> | undefined {
  switch (parentKind) {
    case 'Server':
      return { type: 'namespace', modifiers: ['declaration'] };
    case 'List':
    case 'UserStore':
      return { type: 'variable', modifiers: ['declaration'] };
    case 'AuthMethod': // `users staff`: a use of the store declared elsewhere
    case 'MailboxUsers': // `mailboxes users staff`: the same
      return { type: 'variable', modifiers: [] };
    case 'Env': // `password env RELAY_PASSWORD`: the process environment's, never assigned here
      return { type: 'variable', modifiers: ['readonly'] };
    default:
      return undefined;
  }
}

/** host:port with an IP address is an address; with a name, a domain. */
function hostPortType(node: RangedNode): TokenType {
  const value = node.value as { family?: unknown } | null | undefined;
  if (value && typeof value === 'object') return value.family === 'name' ? 'string' : 'number';
  const text = typeof node.text === 'string' ? node.text : '';
  return /^[\d[]/.test(text) ? 'number' : 'string';
}

function classify(node: RangedNode, parent: RangedNode | undefined): Pick<ClassifiedToken, 'type' | 'modifiers'> | undefined {
  switch (node.kind) {
    case 'Keyword':
      return { type: 'keyword', modifiers: [] };
    case 'Name':
      return nameToken(parent?.kind);
    case 'ListRef':
      return { type: 'variable', modifiers: [] };
    case 'Cidr':
      return { type: 'number', modifiers: [] };
    case 'DomainValue':
    case 'String':
      return { type: 'string', modifiers: [] };
    case 'HostPort':
      return { type: hostPortType(node), modifiers: [] };
    case undefined:
      // The address and the netmask of `192.168.1.0 mask 255.255.255.0` are plain ranged parts.
      return parent?.kind === 'Mask' && typeof node.text === 'string' ? { type: 'number', modifiers: [] } : undefined;
    default:
      return NUMERIC_KINDS.has(node.kind) ? { type: 'number', modifiers: [] } : undefined;
  }
}

/** A word the parser did not place: coloured by what its token alone says. */
function fallbackType(kind: string, text: string): TokenType | undefined {
  switch (kind) {
    case 'keyword':
      return 'keyword';
    case 'string':
      return 'string';
    case 'ref':
      return 'variable';
    case 'word':
      return parseCidr(text).ok || /^\d/.test(text) ? 'number' : undefined;
    default:
      return undefined;
  }
}

/** Every classified token of a file, in text order, none overlapping another. */
export function classifyTokens(text: string, ast: PolicyFile): ClassifiedToken[] {
  const found: ClassifiedToken[] = [];
  forEachNode(ast, (node, ancestors) => {
    const kind = classify(node, ancestors.at(-1));
    if (kind && node.range.end.offset > node.range.start.offset) found.push({ range: node.range, ...kind });
  });
  for (const comment of ast.comments) found.push({ range: comment.range, type: 'comment', modifiers: [] });

  const placed = new Set(found.map((t) => t.range.start.offset));
  // The parser's recovery skips the tokens of a broken setting; the lexer still saw them.
  for (const token of tokenize(text).tokens) {
    if (placed.has(token.range.start.offset)) continue;
    const type = fallbackType(token.kind, token.text);
    if (type) found.push({ range: token.range, type, modifiers: [] });
  }

  found.sort((a, b) => a.range.start.offset - b.range.start.offset);
  const tokens: ClassifiedToken[] = [];
  let end = -1;
  for (const token of found) {
    if (token.range.start.offset < end) continue;
    tokens.push(token);
    end = token.range.end.offset;
  }
  return tokens;
}

/**
 * LSP's encoding: five integers per token (line delta, start delta, length, type index,
 * modifier bits), positions relative to the previous token. Tokens never span lines here
 * (strings and comments end at the line break), so each token's length is its width.
 * With `within`, only the tokens that overlap it (lines and columns from 1, as in Range).
 */
export function encodeSemanticTokens(tokens: readonly ClassifiedToken[], within?: { startLine: number; endLine: number }): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const { range, type, modifiers } of tokens) {
    if (within && (range.end.line < within.startLine || range.start.line > within.endLine)) continue;
    const tokenLine = range.start.line - 1;
    const tokenCharacter = range.start.column - 1;
    const bits = modifiers.reduce((sum, modifier) => sum | (1 << TOKEN_MODIFIERS.indexOf(modifier)), 0);
    data.push(tokenLine - line, tokenLine === line ? tokenCharacter - character : tokenCharacter, range.end.offset - range.start.offset, TOKEN_TYPES.indexOf(type), bits);
    line = tokenLine;
    character = tokenCharacter;
  }
  return data;
}
