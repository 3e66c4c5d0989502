// The printer of the prettier plugin: syntax tree → prettier document.
//
// Canonical style (README, "Formatting"):
//   - 2-space indentation; blocks of settings always open, one setting per line;
//   - entry blocks (list, connections, relay, proxy-protocol, gateways) stay on one line when they fit,
//     entries two spaces apart and without commas; otherwise one entry per line, as they
//     also stay when written with the first entry on a new line;
//   - inline lists (`listen a, b`) stay on one line when they fit, otherwise the keyword
//     alone and one value per line, each followed by a comma but the last;
//   - blank lines between top-level items and inside blocks are kept, at most one;
//   - `{}` for an empty block; one space before an end-of-line comment.
// Comments are placed by attach.ts; this file prints them where they were attached.

import { doc, type AstPath, type Doc, type ParserOptions, type Printer } from 'prettier';
import type * as Ast from '../grammar/index.js';
import type { AttachedComments, Attachments } from './attach.js';
import { cidrText, domainText, hostPortText, maskAddressText, quotedText, stringText } from './canonical.js';
import { attachmentsOf } from './registry.js';
import { settingRuleOf } from '../grammar/index.js';
import { bodyKey, bodyOf, end, isEntryBlock, isPolicyFile, isSettingsBlock, openBraceOffset, roleOf, start, type Spanned } from './shape.js';

const { breakParent, group, hardline, ifBreak, indent, join, line, lineSuffix } = doc.builders;

type Print = (selector?: string | number | Array<string | number> | AstPath<any>) => Doc;
type AnyPath = AstPath<any>;

interface Context {
  text: string;
  comments: Attachments;
}

const NONE: AttachedComments = { leading: [], trailing: [], open: [], end: [] };

export const printer: Printer<any> = {
  print(path: AnyPath, options: ParserOptions<any>, print: Print): Doc {
    const context: Context = { text: options.originalText, comments: attachmentsOf(path.root) };
    const node = path.node as object;
    const bare = printNode(path, context, print);
    return withComments(path, node, bare, context);
  },
};

function commentsOf(context: Context, node: object): AttachedComments {
  return context.comments.get(node) ?? NONE;
}

/** The comment's text, marked as printed for prettier's "no comment was lost" check. */
function commentDoc(comment: Ast.Comment): string {
  (comment as { printed?: boolean }).printed = true;
  return comment.text.trimEnd();
}

/** True when the text between two offsets holds an empty line. */
function hasBlankLine(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to);
  return (gap.match(/\r\n|\r|\n/g)?.length ?? 0) >= 2;
}

/** Where a child's printed text begins and ends once its attached comments are counted. */
function outerStart(context: Context, node: Spanned): number {
  const leading = commentsOf(context, node).leading;
  return leading.length > 0 ? Math.min(start(node), start(leading[0] as Ast.Comment)) : start(node);
}

function outerEnd(context: Context, node: Spanned): number {
  const trailing = commentsOf(context, node).trailing;
  return Math.max(end(node), ...trailing.map(end));
}

function withComments(path: AnyPath, node: object, printed: Doc, context: Context): Doc {
  const { leading, trailing } = commentsOf(context, node);
  if (leading.length === 0 && trailing.length === 0) return printed;
  // Values of an inline list do not keep blank lines between them.
  const keepsBlankLines = path.parent ? roleOf(path.parent as object, context.text) !== 'list' : false;
  const parts: Doc[] = [];
  leading.forEach((comment, i) => {
    const next = leading[i + 1];
    const nextStart = next ? start(next) : start(node as Spanned);
    parts.push(commentDoc(comment), hardline);
    if (keepsBlankLines && hasBlankLine(context.text, end(comment), nextStart)) parts.push(hardline);
  });
  parts.push(printed);
  trailing.forEach((comment, i) => {
    // The first goes at the end of the line; any more, each on a line of its own below it.
    parts.push(lineSuffix(i === 0 ? [' ', commentDoc(comment)] : [hardline, commentDoc(comment)]), breakParent);
  });
  return parts;
}

// ───────────────────────────── containers ─────────────────────────────

/** Separator between two children of a file or a block of settings: a line, or a blank line if there was one. */
function lineBetween(context: Context, previous: Spanned, next: Spanned): Doc {
  return hasBlankLine(context.text, outerEnd(context, previous), outerStart(context, next)) ? [hardline, hardline] : hardline;
}

/**
 * Own-line comments after the last child, or alone in an empty block or file; each starts a
 * line, except the very first of a file without items, which is the file's first line.
 */
function endComments(context: Context, node: object, lastChildEnd: number | undefined, startsFile = false): Doc[] {
  const parts: Doc[] = [];
  let previousEnd = lastChildEnd;
  for (const comment of commentsOf(context, node).end) {
    const blank = previousEnd !== undefined && hasBlankLine(context.text, previousEnd, start(comment));
    const isFirstLine = startsFile && parts.length === 0;
    parts.push(isFirstLine ? '' : blank ? [hardline, hardline] : hardline, commentDoc(comment));
    previousEnd = end(comment);
  }
  return parts;
}

function printFile(path: AnyPath, context: Context, print: Print): Doc {
  const file = path.node as Ast.PolicyFile;
  const items = path.map(print, 'items');
  const parts: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(lineBetween(context, file.items[i - 1] as Spanned, file.items[i] as Spanned));
    parts.push(item);
  });
  const last = file.items[file.items.length - 1];
  const ends = endComments(context, file, last ? outerEnd(context, last) : undefined, last === undefined);
  if (parts.length === 0 && ends.length === 0) return '';
  return [...parts, ...ends, hardline];
}

/**
 * `header { body }`. Settings blocks always open, one setting per line. Entry blocks stay
 * on one line when they fit (`{ 10.0.0.0/8  @partners }`) and have no comment inside.
 */
function printBlock(path: AnyPath, context: Context, print: Print, header: Doc): Doc {
  const node = path.node as object;
  const body = bodyOf(node);
  const { open, end: ends } = commentsOf(context, node);
  if (body.length === 0 && open.length === 0 && ends.length === 0) return [header, ' {}'];

  const entries = isEntryBlock(node);
  const children = path.map(print, bodyKey(node) as string);
  const inner: Doc[] = [];
  for (const comment of open.slice(1)) inner.push(hardline, commentDoc(comment));
  children.forEach((child, i) => {
    const previous = body[i - 1];
    let separator: Doc = line;
    if (previous) {
      const blank = hasBlankLine(context.text, outerEnd(context, previous), outerStart(context, body[i] as Spanned));
      separator = blank ? [hardline, hardline] : entries ? [ifBreak('', ' '), line] : hardline;
    }
    inner.push(separator, child);
  });
  const last = body[body.length - 1];
  inner.push(...endComments(context, node, last ? outerEnd(context, last) : undefined));

  const first = open[0];
  const opening: Doc = first ? [' {', lineSuffix([' ', commentDoc(first)]), breakParent] : ' {';
  // As prettier does for objects, an entry block written with its first entry on a new line
  // stays one entry per line: the author chose a vertical list (easier to review, to diff).
  const firstChild = body[0];
  const writtenOpen =
    entries && firstChild !== undefined && /[\r\n]/.test(context.text.slice(openBraceOffset(node, context.text) ?? 0, outerStart(context, firstChild)));
  const shouldBreak = !entries || writtenOpen || open.length > 0 || ends.length > 0;
  return group([header, opening, indent(inner), line, '}'], { shouldBreak });
}

/** `keyword a, b, c`, or when too long: the keyword, then one value per line. */
function printList(path: AnyPath, context: Context, print: Print): Doc {
  const node = path.node as { keyword: Ast.Keyword };
  const values = path.map(print, bodyKey(node) as string);
  const { open } = commentsOf(context, node);
  const first = open[0];
  const opening: Doc = first ? [lineSuffix([' ', commentDoc(first)]), breakParent] : '';
  const inner: Doc[] = [];
  for (const comment of open.slice(1)) inner.push(hardline, commentDoc(comment));
  values.forEach((value, i) => inner.push(i === 0 ? line : [',', line], value));
  return group([print('keyword'), opening, indent(inner)]);
}

// ───────────────────────────── nodes ─────────────────────────────

/** Joins the printed parts of a one-line construct with single spaces, skipping absent ones. */
function spaced(...parts: Array<Doc | undefined | false>): Doc {
  return join(' ', parts.filter((p): p is Doc => p !== undefined && p !== false && p !== ''));
}

/** A part the grammar always produces in a file without syntax errors; its absence is a bug, never silently dropped. */
function required<T>(value: T | undefined, what: string, node: { kind: string; range: Ast.Range }): T {
  if (value === undefined) {
    const { line: l, column } = node.range.start;
    throw new Error(`cannot format ${node.kind} at ${l}:${column}: its ${what} is missing`);
  }
  return value;
}

function printNode(path: AnyPath, context: Context, print: Print): Doc {
  const node = path.node;
  if (isPolicyFile(node)) return printFile(path, context, print);
  // The address and mask of a mask entry are plain { text, range } parts.
  if (node.kind === undefined) {
    const parent = path.parent as Ast.MaskEntry;
    return path.key === 'address' ? maskAddressText(parent) : (node as { text: string }).text;
  }
  const kw = (): Doc => print('keyword');
  const part = (key: string, what = key): Doc => {
    required(node[key] ?? undefined, what, node);
    return print(key);
  };
  switch (node.kind as string) {
    case 'Keyword':
      return (node as Ast.Keyword).text.toLowerCase();
    case 'Name':
      return (node as Ast.Name).text;
    case 'String':
      return stringText(node as Ast.StringLiteral);
    case 'DomainValue':
      return domainText(node as Ast.DomainValue);
    case 'HostPort':
      return printHostPort(node as Ast.HostPort, context);
    case 'Duration':
    case 'Rate':
    case 'Size':
    case 'Integer':
    case 'TlsVersion':
    case 'UnreachableMode':
      return (node as { text: string }).text;

    case 'Include':
      return spaced(kw(), part('path'));
    case 'UserStore':
      // `file` is a keyword the tree does not keep: `users NAME file "PATH"`.
      if ((node as Ast.UserStoreDecl).ldap) return spaced(kw(), part('name'), print('ldap'));
      return spaced(kw(), part('name'), 'file', part('file'));
    case 'LdapDirectory':
      return printBlock(path, context, print, spaced(kw(), part('url', 'directory URL')));

    case 'List':
    case 'Server':
      return printBlock(path, context, print, spaced(kw(), part('name')));
    case 'TlsSni':
      return printBlock(path, context, print, spaced(kw(), part('hostname', 'host name')));
    case 'Recipients':
      return printBlock(path, context, print, spaced(kw(), part('domain', 'domain name')));
    case 'Mailboxes':
      return spaced(kw(), part('source', "'file' or 'users'"));
    case 'MailboxFile':
      return spaced(kw(), part('path'));
    case 'MailboxUsers':
      return spaced(kw(), part('store', 'user store name'));
    case 'Alias': {
      const alias = node as Ast.Alias;
      required(alias.name, 'local part', alias);
      required(alias.to, "'to'", alias);
      return spaced(kw(), print('name'), print('to'), join(', ', path.map(print, 'targets')));
    }
    case 'Connections':
      return printBlock(path, context, print, spaced(kw(), (node as Ast.Connections).mode && print(['mode', 'keyword'])));
    case 'Smarthost': {
      const header = spaced(kw(), part('address'));
      return roleOf(node, context.text) === 'block' ? printBlock(path, context, print, header) : header;
    }
    case 'Listen':
      return printList(path, context, print);
    case 'ListenEndpoint':
      return spaced(print('address'), (node as Ast.ListenEndpoint).implicitTls && print('implicitTls'));

    case 'Authenticated':
    case 'Anyone':
    case 'Hold':
    case 'Direct':
      return kw();
    case 'Route':
      return spaced(kw(), part('domain', 'domain name'), part('address', 'host and port'));
    case 'AuthMethod': {
      const method = node as Ast.AuthMethod;
      if (!method.users) return kw();
      required(method.users.name, 'user store name', method);
      return spaced(kw(), print(['users', 'keyword']), print(['users', 'name']));
    }
    case 'RelayTo':
      return spaced(kw(), part('target'));
    case 'SmarthostTls': {
      const tls = node as Ast.SmarthostTls;
      required(tls.mode, 'mode', tls);
      return spaced(kw(), print(['mode', 'keyword']), tls.noVerify && print('noVerify'));
    }
    case 'SmarthostPassword':
    case 'LdapBindPassword':
    case 'StatePassword':
      return spaced(kw(), part('source'));
    case 'Env':
      return spaced(kw(), part('variable', 'variable name'));
    case 'File':
      return spaced(kw(), part('path'));

    case 'Cidr':
      return cidrText(node as Ast.CidrEntry);
    case 'Mask':
      return spaced(print('address'), kw(), part('mask', 'netmask'));
    case 'Domain':
      return spaced(kw(), part('domain', 'domain name'));
    case 'ListRef':
      return `@${(node as Ast.ListRef).name}`;

    default: {
      // The keyword table's settings: a flag, `keyword VALUE` or an inline list.
      const setting = settingRuleOf(node);
      if (setting?.shape === 'none') return kw();
      if (setting?.shape === 'single') return spaced(kw(), part(setting.valueField));
      if (setting?.shape === 'list') return printList(path, context, print);
      if (isSettingsBlock(node) || isEntryBlock(node)) return printBlock(path, context, print, kw());
      throw new Error(`cannot format a node of kind '${String(node.kind)}'`);
    }
  }
}

/** A smart host may be written quoted; it stays quoted, with its canonical spelling inside. */
function printHostPort(hostPort: Ast.HostPort, context: Context): string {
  const raw = context.text.slice(start(hostPort), end(hostPort));
  if (!raw.startsWith('"')) return hostPortText(hostPort);
  return hostPort.value ? quotedText(hostPortText(hostPort), raw) : raw;
}
