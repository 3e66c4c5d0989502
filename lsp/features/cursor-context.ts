// Where the cursor is, in grammar terms: which block it is in and what the statement before
// it expects next. This reads the token stream: brace nesting gives the block, and the
// statement's leading keyword with the tokens after it say whether a value, a sub-keyword
// or a new setting comes next. What a setting takes (nothing, one value, a comma list,
// suggested values) comes from its row in the keyword table, so a new setting completes
// without code here; only structural keywords (blocks, entries, relay-to, auth methods)
// are spelled out below.
//
// Why not chevrotain's computeContentAssist (11.2 has it)? It was measured for this
// (December 2026, chevrotain 11.2, the process-wide parser):
//   - it walks the grammar over EVERY token from the start of the file, without error
//     recovery: one syntax error anywhere before the cursor (a half-typed line above, the
//     normal state of a file being edited) and it returns no suggestion at all;
//   - it costs time linear in the text before the cursor: 2.3 s with 5,000 lines before
//     the cursor, against the editor's 50 ms budget (this reader: well under 1 ms);
//   - it answers with token types only ("Word" after `hostname`), not which value,
//     list or user store names, paths, or rule ids in a suppression comment.
// It could only confirm the keyword lists, which the table already gives.

import { type KeywordContext, keywordInfo, keywordsIn, ROWS, settingRow, VALUE_KINDS } from '../../grammar/index.js';

export type TokenClass = 'keyword' | 'word' | 'string' | 'ref' | 'lcurly' | 'rcurly' | 'comma' | 'comment';

/** A token of the text, end exclusive. */
export interface CursorToken {
  type: TokenClass;
  text: string;
  start: number;
  end: number;
}

/** The block the cursor is in; `unknown` after a `{` the grammar does not know. */
export type Block =
  | 'top'
  | 'resolver'
  | 'cache'
  | 'storage'
  | 'admin'
  | 'server'
  | 'tls'
  | 'sni'
  | 'auth'
  | 'entries'
  | 'relay'
  | 'smarthost'
  | 'ldap'
  | 'recipients'
  | 'limits'
  | 'unknown';

/** What the cursor position wants, for completion. */
export type Want =
  | { kind: 'keywords'; keywords: string[]; context: KeywordContext }
  | { kind: 'list-names' }
  | { kind: 'user-store-names' }
  | { kind: 'path'; keyword: string; string: CursorToken }
  | { kind: 'rule-ids'; prefixStart: number }
  | { kind: 'values'; values: string[] }
  | { kind: 'nothing' };

export interface CursorContext {
  block: Block;
  /** The word being typed (a keyword, a value or `@name`), replaced by a completion. */
  typing?: CursorToken;
  wants: Want[];
}

/** Keyword contexts whose keywords start a statement in each block. */
const STATEMENT_CONTEXTS: Record<Block, KeywordContext[]> = {
  top: ['top'],
  resolver: ['resolver'],
  cache: ['cache'],
  storage: ['storage'],
  admin: ['admin'],
  server: ['server'],
  tls: ['tls'],
  sni: ['sni'],
  auth: ['auth'],
  entries: ['entries'],
  relay: ['relay', 'entries'],
  smarthost: ['smarthost'],
  ldap: ['ldap'],
  recipients: ['recipients'],
  limits: ['limits'],
  unknown: [],
};

const SUPPRESSION = /^#\s*smtppolicy-ignore\b/;

export function cursorContext(tokens: readonly CursorToken[], offset: number): CursorContext {
  const comment = tokens.find((t) => t.type === 'comment' && t.start < offset && offset <= t.end);
  if (comment) return commentContext(comment, offset);
  const string = tokens.find((t) => t.type === 'string' && t.start < offset && (offset < t.end || !closed(t)));
  const code = tokens.filter((t) => t.type !== 'comment');

  // The token the cursor touches at its end is the one being typed: it is not context.
  const typed = code.find((t) => (t.type === 'keyword' || t.type === 'word' || t.type === 'ref') && t.start < offset && offset <= t.end);
  const before = code.filter((t) => t.end <= offset && t !== typed && t !== string);

  const stack: Block[] = ['top'];
  let statement: CursorToken[] = [];
  for (const token of before) {
    const block = stack[stack.length - 1]!;
    if (token.type === 'lcurly') {
      stack.push(blockOpenedBy(block, statement));
      statement = [];
    } else if (token.type === 'rcurly') {
      if (stack.length > 1) stack.pop();
      statement = [];
    } else if (token.type === 'keyword' && startsStatement(block, token.text, statement)) {
      statement = [token];
    } else {
      statement.push(token);
    }
  }
  const block = stack[stack.length - 1]!;

  if (string) {
    const keyword = statement.find((t) => t.type === 'keyword' && PATH_KEYWORDS.has(t.text))?.text;
    const last = [...statement].reverse().find((t) => t.type === 'keyword')?.text;
    const pathKeyword = last && PATH_KEYWORDS.has(last) ? last : keyword;
    return { block, wants: pathKeyword ? [{ kind: 'path', keyword: pathKeyword, string }] : [{ kind: 'nothing' }] };
  }
  const wants = wantsAfter(block, statement);
  return typed ? { block, typing: typed, wants } : { block, wants };
}

function closed(token: CursorToken): boolean {
  return token.text.length >= 2 && token.text.endsWith('"') && !token.text.endsWith('\\"');
}

function commentContext(comment: CursorToken, offset: number): CursorContext {
  const match = SUPPRESSION.exec(comment.text);
  const typedPart = comment.text.slice(0, offset - comment.start);
  // Rule ids go between the directive and the `--` that starts the reason.
  if (!match || offset - comment.start < match[0].length || typedPart.includes('--')) return { block: 'unknown', wants: [{ kind: 'nothing' }] };
  const wordStart = typedPart.search(/[^\s,]*$/);
  return { block: 'unknown', wants: [{ kind: 'rule-ids', prefixStart: comment.start + wordStart }] };
}

/** Keywords whose string is a path: `include`, `file`, and the settings whose value is a path or a directory. */
const PATH_KEYWORDS = new Set([
  'include',
  'file',
  ...ROWS.filter((row) => row.setting?.value === 'path' || row.setting?.value === 'directory').map((row) => row.text),
]);

function inContexts(block: Block, keyword: string): boolean {
  const info = keywordInfo(keyword);
  return !!info && STATEMENT_CONTEXTS[block].some((c) => info.contexts.includes(c));
}

/** Whether a keyword starts a new statement here, rather than being part of the current one. */
function startsStatement(block: Block, keyword: string, statement: readonly CursorToken[]): boolean {
  if (!inContexts(block, keyword)) return false;
  const lead = statement[0]?.text;
  // `users NAME file "…"` at the top: `file` continues it; in auth, `users` follows a method.
  if (block === 'top' && lead === 'users' && (keyword === 'file' || keyword === 'ldap')) return false;
  // `domain` after `mask`? no; but `mask` after an address continues the entry.
  if (keyword === 'mask') return false;
  return true;
}

function blockOpenedBy(block: Block, statement: readonly CursorToken[]): Block {
  const lead = statement[0]?.type === 'keyword' ? statement[0].text : undefined;
  switch (block) {
    case 'top':
      if (lead === 'server') return 'server';
      if (lead === 'list') return 'entries';
      if (lead === 'resolver' || lead === 'storage' || lead === 'admin') return lead;
      if (lead === 'users' && statement.some((t) => t.text === 'ldap')) return 'ldap';
      return 'unknown';
    case 'resolver':
      return lead === 'cache' ? 'cache' : 'unknown';
    case 'server':
      if (lead === 'tls' || lead === 'auth' || lead === 'relay' || lead === 'limits') return lead;
      if (lead === 'connections' || lead === 'proxy-protocol' || lead === 'gateways') return 'entries';
      if (lead === 'relay-to') return 'smarthost';
      if (lead === 'recipients') return 'recipients';
      return 'unknown';
    case 'tls':
      return lead === 'sni' ? 'sni' : 'unknown';
    default:
      return 'unknown';
  }
}

function keywords(block: Block): Want[] {
  const contexts = STATEMENT_CONTEXTS[block];
  return contexts.map((context) => ({ kind: 'keywords', keywords: keywordsIn(context), context }));
}

function sub(context: KeywordContext, ...only: string[]): Want {
  const all = keywordsIn(context);
  return { kind: 'keywords', keywords: only.length ? all.filter((k) => only.includes(k)) : all, context };
}

/** What may follow the statement written so far (its leading keyword and the tokens after it). */
function wantsAfter(block: Block, statement: readonly CursorToken[]): Want[] {
  if (block === 'unknown') return [{ kind: 'nothing' }];
  const lead = statement[0]?.type === 'keyword' ? statement[0].text : undefined;
  const args = statement.slice(1);
  const last = args[args.length - 1];
  if (!lead) {
    if (last?.type === 'keyword' && last.text === 'mask') return [{ kind: 'nothing' }]; // a netmask comes next
    // Entries blocks hold values with no leading keyword: after an address, `mask` may follow.
    if ((block === 'entries' || block === 'relay') && last?.type === 'word') return [sub('entries', 'mask'), ...keywords(block), { kind: 'list-names' }];
    if (block === 'entries' || block === 'relay') return [...keywords(block), { kind: 'list-names' }];
    return keywords(block);
  }
  const values = args.filter((t) => t.type !== 'comma');
  const afterComma = last?.type === 'comma';
  const setting = STATEMENT_CONTEXTS[block].map((context) => settingRow(lead, context)).find((row) => row !== undefined)?.setting;
  if (setting) {
    switch (VALUE_KINDS[setting.value].shape) {
      case 'none':
        return keywords(block);
      case 'single':
        if (values.length > 0) return keywords(block);
        return setting.complete ? [{ kind: 'values', values: [...setting.complete] }] : [{ kind: 'nothing' }];
      case 'list':
        return values.length === 0 || afterComma ? [{ kind: 'nothing' }] : keywords(block);
    }
  }
  switch (lead) {
    case 'users':
      if (block === 'top') {
        if (values.length === 0) return [{ kind: 'nothing' }]; // a new name
        if (values.length === 1) return [sub('user-store')];
        return values.length === 2 && (values[1]!.text === 'file' || values[1]!.text === 'ldap') ? [{ kind: 'nothing' }] : keywords(block);
      }
      return [{ kind: 'user-store-names' }];
    case 'list':
    case 'server':
    case 'include':
      return values.length === 0 ? [{ kind: 'nothing' }] : keywords(block);
    case 'listen':
      if (values.length === 0 || afterComma) return [{ kind: 'nothing' }];
      if (last?.type === 'word') return [sub('listen'), ...keywords(block)];
      return keywords(block);
    case 'connections':
      if (block === 'server') return values.length === 0 ? [sub('connections')] : [{ kind: 'nothing' }];
      return values.length === 0 ? [{ kind: 'nothing' }] : keywords(block);
    case 'relay-to':
      if (values.length === 0) return [sub('relay-to')];
      return values[0]!.text === 'hold' ? keywords(block) : [{ kind: 'nothing' }];
    case 'sni':
      return [{ kind: 'nothing' }];
    case 'recipients':
      return [{ kind: 'nothing' }]; // a domain, then '{'
    case 'mailboxes':
      if (values.length === 0) return [sub('mailboxes')];
      if (values[0]!.text === 'users') return values.length === 1 ? [{ kind: 'user-store-names' }] : keywords(block);
      return values.length === 1 ? [{ kind: 'nothing' }] : keywords(block);
    case 'alias':
      if (values.length === 1 && values[0]!.type === 'string') return [sub('alias')];
      return values.length === 0 || afterComma || !values.some((t) => t.text === 'to') || values.at(-1)!.text === 'to' ? [{ kind: 'nothing' }] : keywords(block);
    case 'basic':
    case 'challenge-response':
    case 'token':
    case 'anonymous':
      if (values.length === 0 && lead !== 'anonymous') return [sub('auth-method'), ...keywords(block)];
      if (values[0]?.text === 'users') return values.length === 1 ? [{ kind: 'user-store-names' }] : keywords(block);
      return keywords(block);
    case 'tls':
      if (block === 'smarthost') {
        if (values.length === 0) return [sub('smarthost-tls', 'require', 'optional', 'none')];
        if (values.length === 1) return [sub('smarthost-tls', 'no-verify'), ...keywords(block)];
      }
      return keywords(block);
    case 'password':
    case 'bind-password':
      if (values.length === 0) return [sub('password')];
      if (values[0]!.text === 'file' || values[0]!.text === 'env') return values.length === 1 ? [{ kind: 'nothing' }] : keywords(block);
      return keywords(block);
    case 'domain':
      return values.length === 0 ? [{ kind: 'nothing' }] : [...keywords(block), { kind: 'list-names' }];
    default:
      if (block === 'entries' || block === 'relay') return [...keywords(block), { kind: 'list-names' }];
      return keywords(block);
  }
}
