// The layout shape of every syntax-tree node, as the formatter sees it:
//   - a *block* has a header (keyword, name, …) and a `{ … }` body of settings or entries;
//   - a *list* is an inline comma list (`listen a, b`) that may wrap, one value per line;
//   - a *unit* is always printed on one line (a simple setting, an entry, a value);
//   - the *file* holds the top-level items.
// Comment placement (attach.ts) and printing (printer.ts) both read this one table, so they
// agree on where a line may break.

import type * as Ast from '../grammar/index.js';
import { settingRuleOf } from '../grammar/index.js';

/** Anything with a source range that the formatter may meet while walking the tree. */
export interface Spanned {
  range: Ast.Range;
}

export type Role = 'file' | 'block' | 'list' | 'unit';

export type SmarthostTarget = Extract<NonNullable<Ast.RelayTo['target']>, { kind: 'Smarthost' }>;

/** Nodes whose body is a `{ … }` of settings (printed one per line). */
const SETTINGS_BLOCKS = new Set(['Resolver', 'ResolverCache', 'Storage', 'State', 'Admin', 'Server', 'Tls', 'TlsSni', 'Auth', 'Limits', 'Smarthost', 'LdapDirectory', 'Recipients']);
/** Nodes whose body is a `{ … }` of address entries or grants (kept on one line when short). */
const ENTRY_BLOCKS = new Set(['List', 'Connections', 'Relay', 'ProxyProtocol', 'Gateways']);

/** Inline comma lists: `listen`, and the keyword table's settings whose value is a list. */
function isList(node: object): boolean {
  return kindOf(node) === 'Listen' || settingRuleOf(node)?.shape === 'list';
}

export function start(node: Spanned): number {
  return node.range.start.offset;
}

export function end(node: Spanned): number {
  return node.range.end.offset;
}

function kindOf(node: object): string | undefined {
  const kind = (node as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : undefined;
}

export function isPolicyFile(node: object): node is Ast.PolicyFile {
  return kindOf(node) === 'File' && Array.isArray((node as { items?: unknown }).items);
}

export function isSettingsBlock(node: object): boolean {
  return SETTINGS_BLOCKS.has(kindOf(node) ?? '');
}

export function isEntryBlock(node: object): boolean {
  return ENTRY_BLOCKS.has(kindOf(node) ?? '');
}

/** The field holding the children printed one per line (or per entry) inside a block, list or file. */
export function bodyKey(node: object): string | undefined {
  if (isPolicyFile(node)) return 'items';
  switch (kindOf(node)) {
    case 'Resolver':
    case 'ResolverCache':
    case 'Storage':
    case 'State':
    case 'Server':
    case 'Tls':
    case 'Auth':
    case 'Limits':
    case 'Smarthost':
    case 'LdapDirectory':
    case 'Recipients':
      return 'settings';
    case 'Admin':
      return 'listen';
    case 'TlsSni':
      return 'files';
    case 'List':
    case 'Connections':
    case 'Relay':
    case 'ProxyProtocol':
    case 'Gateways':
      return 'entries';
    case 'Listen':
      return 'endpoints';
    default: {
      const rule = settingRuleOf(node);
      return rule?.shape === 'list' ? rule.valueField : undefined;
    }
  }
}

export function bodyOf(node: object): Spanned[] {
  const key = bodyKey(node);
  const children = key === undefined ? undefined : (node as Record<string, unknown>)[key];
  return Array.isArray(children) ? (children as Spanned[]) : [];
}

/** The header tokens of a block, in text order: everything written before its `{`. */
export function headerOf(node: object): Spanned[] {
  const parts: (Spanned | undefined)[] = [];
  switch (kindOf(node)) {
    case 'List':
    case 'Server': {
      const decl = node as Ast.ListDecl | Ast.ServerDecl;
      parts.push(decl.keyword, decl.name);
      break;
    }
    case 'TlsSni': {
      const sni = node as Ast.TlsSni;
      parts.push(sni.keyword, sni.hostname);
      break;
    }
    case 'Recipients': {
      const recipients = node as Ast.RecipientsBlock;
      parts.push(recipients.keyword, recipients.domain);
      break;
    }
    case 'Connections': {
      const connections = node as Ast.Connections;
      parts.push(connections.keyword, connections.mode?.keyword);
      break;
    }
    case 'Smarthost': {
      const target = node as SmarthostTarget;
      parts.push(target.keyword, target.address);
      break;
    }
    case 'LdapDirectory': {
      const directory = node as Ast.LdapDirectory;
      parts.push(directory.keyword, directory.url);
      break;
    }
    default:
      parts.push((node as { keyword?: Spanned }).keyword);
  }
  return parts.filter((p): p is Spanned => p !== undefined);
}

/**
 * Where the `{` of a block is, found in the text after its header (only blank space and
 * comments may come between). undefined when there is none: a smart host written without
 * settings, or a node that is not a block.
 */
export function openBraceOffset(node: object, text: string): number | undefined {
  if (!isSettingsBlock(node) && !isEntryBlock(node)) return undefined;
  const header = headerOf(node);
  let i = Math.max(...header.map(end), start(node as Spanned));
  while (i < text.length) {
    const char = text[i];
    if (char === '{') return i;
    if (char === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (char !== undefined && /\s/.test(char)) {
      i++;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** How the formatter lays a node out; a smart host without `{ … }` is a one-line unit. */
export function roleOf(node: object, text: string): Role {
  if (isPolicyFile(node)) return 'file';
  if (isList(node)) return 'list';
  if (openBraceOffset(node, text) !== undefined) return 'block';
  return 'unit';
}

/**
 * The children a comment may sit between or inside, for finding the innermost node around
 * a comment. Leaves (tokens) are left out: a comment is never inside a token.
 */
export function containedChildren(node: object): Spanned[] {
  const kind = kindOf(node);
  if (kind === 'RelayTo') {
    const target = (node as Ast.RelayTo).target;
    return target ? [target] : [];
  }
  if (kind === 'UserStore') {
    // a directory store's settings are inside its `ldap "URL" { … }`
    const ldap = (node as Ast.UserStoreDecl).ldap;
    return ldap ? [ldap] : [];
  }
  return bodyOf(node);
}
