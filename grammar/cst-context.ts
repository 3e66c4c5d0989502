// Shared helpers of the CST→AST step: reading recovered CST nodes defensively, ranges from
// tokens, and reporting diagnostics.
//
// Recovered CST nodes miss children, and tokens inserted by single-token recovery have NaN
// offsets and empty images. Everything here treats those as absent: the parser has already
// reported them, so the tree simply lacks that child.

import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Keyword, Name, Range, StringLiteral } from './ast.js';
import { SEMANTIC, SYNTAX, type Diagnostic } from './diagnostic.js';
import { KeywordNode } from './keyword-node.js';
import { describeFound } from './messages.js';
import { OffsetRange, type LineIndex } from './positions.js';
import { quote } from './quote.js';
import { UnterminatedString } from './tokens.js';
import { isKeyword } from './keyword-table.js';
import { isValidName } from './values.js';

interface Extent {
  start: number;
  /** Exclusive. */
  end: number;
}

export class CstContext {
  readonly diagnostics: Diagnostic[] = [];
  // A plain Map: the context lives for one parse only, and a WeakMap's ephemeron
  // bookkeeping made garbage collection a large share of parsing a big file.
  private readonly extents = new Map<CstNode, Extent | undefined>();

  constructor(
    readonly file: string,
    readonly lines: LineIndex,
    /** Every token the parser saw, in text order (for "found …" in messages). */
    private readonly allTokens: IToken[],
  ) {}

  // ───────────── reading CST nodes ─────────────

  isReal(token: IToken | undefined): token is IToken {
    return token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
  }

  token(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
    const element = node?.children[key]?.[index];
    return isToken(element) && this.isReal(element) ? element : undefined;
  }

  tokens(node: CstNode | undefined, key: string): IToken[] {
    return (node?.children[key] ?? []).filter((e): e is IToken => isToken(e) && this.isReal(e));
  }

  node(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
    const element = node?.children[key]?.[index];
    return element !== undefined && !isToken(element) ? element : undefined;
  }

  nodes(node: CstNode | undefined, key: string): CstNode[] {
    return (node?.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
  }

  /** Child nodes under several keys, in text order (chevrotain groups children by name). */
  orderedNodes(node: CstNode | undefined, keys: readonly string[]): CstNode[] {
    return keys
      .flatMap((key) => this.nodes(node, key))
      .map((n) => ({ n, extent: this.extent(n) }))
      .filter((x): x is { n: CstNode; extent: Extent } => x.extent !== undefined)
      .sort((a, b) => a.extent.start - b.extent.start)
      .map((x) => x.n);
  }

  /**
   * The offsets a CST node spans, from its real tokens only (memoised). chevrotain's own node
   * locations need full position tracking for their end offsets, which the lexer does not do.
   * Children under one key are in text order, so only the first and the last child with a
   * real token of each key can bound the node: the cost follows the tree's depth, not the
   * size of the subtree (a list of 100,000 entries is not walked again for its range).
   */
  extent(node: CstNode): Extent | undefined {
    if (this.extents.has(node)) return this.extents.get(node);
    let start = Infinity;
    let end = -Infinity;
    for (const key in node.children) {
      const elements = node.children[key]!;
      for (let i = 0; i < elements.length; i++) {
        const first = this.elementExtent(elements[i]!);
        if (first) {
          start = Math.min(start, first.start);
          break;
        }
      }
      for (let i = elements.length - 1; i >= 0; i--) {
        const last = this.elementExtent(elements[i]!);
        if (last) {
          end = Math.max(end, last.end);
          break;
        }
      }
    }
    const result = Number.isFinite(start) ? { start, end } : undefined;
    this.extents.set(node, result);
    return result;
  }

  private elementExtent(element: CstElement): Extent | undefined {
    if (!isToken(element)) return this.extent(element);
    return this.isReal(element) ? { start: element.startOffset, end: element.startOffset + element.image.length } : undefined;
  }

  /** The only child node of a wrapper rule such as serverSetting. */
  onlyChild(node: CstNode): CstNode | undefined {
    for (const elements of Object.values(node.children)) {
      const found = elements.find((e): e is CstNode => !isToken(e));
      if (found) return found;
    }
    return undefined;
  }

  // ───────────── ranges ─────────────

  tokenRange(token: IToken): Range {
    return this.lines.range(token.startOffset, token.startOffset + token.image.length);
  }

  /** The range of a CST node; `fallback` (its keyword) when it holds no real token. */
  nodeRange(node: CstNode, fallback: IToken): Range {
    const extent = this.extent(node);
    return extent ? this.lines.range(extent.start, extent.end) : this.tokenRange(fallback);
  }

  spanRange(first: { range: Range }, last: { range: Range }): Range {
    return new OffsetRange(this.lines.starts, first.range.start.offset, last.range.end.offset);
  }

  // ───────────── small nodes ─────────────

  keyword(token: IToken): Keyword {
    return new KeywordNode(this.lines, token.startOffset, token.startOffset + token.image.length);
  }

  /** A string token with escapes resolved; reports an unterminated string or an unknown escape. */
  string(token: IToken): StringLiteral {
    const raw = token.image;
    const isUnterminated = token.tokenType === UnterminatedString;
    if (isUnterminated) {
      this.syntax(`unterminated string: add '"' before the end of the line`, this.tokenRange(token));
    }
    const body = isUnterminated ? raw.slice(1) : raw.slice(1, -1);
    let value = '';
    for (let i = 0; i < body.length; i++) {
      const char = body[i] as string;
      if (char !== '\\') {
        value += char;
        continue;
      }
      const next = body[i + 1];
      if (next === undefined) break;
      if (next !== '"' && next !== '\\') {
        const at = token.startOffset + 1 + i;
        this.semantic(
          `unknown escape ${quote(`\\${next}`)} in a string: only \\" and \\\\ are escapes`,
          this.lines.range(at, at + 2),
        );
      }
      value += next;
      i++;
    }
    return { kind: 'String', value, raw, range: this.tokenRange(token) };
  }

  /** A declared name (server, list, user store); reports keywords and malformed names. */
  declaredName(token: IToken | undefined, what: string, keyword: IToken): Name | undefined {
    if (!token) {
      this.missing(what, keyword);
      return undefined;
    }
    const name: Name = { kind: 'Name', text: token.image, range: this.tokenRange(token) };
    if (isKeyword(token.image)) {
      this.semantic(`${quote(token.image)} is a keyword and cannot be ${what}: choose another name`, name.range);
    } else if (!isValidName(token.image)) {
      this.semantic(`expected ${what} (a letter, then letters, digits, '_' or '-'), found ${quote(token.image)}`, name.range);
    }
    return name;
  }

  /** A reference to a declared name, such as the store in `basic users staff`. */
  referencedName(token: IToken, what: string): Name {
    const name: Name = { kind: 'Name', text: token.image, range: this.tokenRange(token) };
    if (!isValidName(token.image)) {
      this.semantic(`expected ${what} (a letter, then letters, digits, '_' or '-'), found ${quote(token.image)}`, name.range);
    }
    return name;
  }

  // ───────────── diagnostics ─────────────

  syntax(message: string, range: Range): void {
    this.diagnostics.push({ ruleId: SYNTAX, severity: 'error', message, file: this.file, range });
  }

  semantic(message: string, range: Range): void {
    this.diagnostics.push({ ruleId: SEMANTIC, severity: 'error', message, file: this.file, range });
  }

  /** Reports that `what` should follow `after`, pointing at the token found instead. */
  missing(what: string, after: IToken): void {
    const next = this.tokenAfter(after.startOffset);
    const range = next ? this.tokenRange(next) : this.lines.endRange();
    this.syntax(`expected ${what} after ${quote(after.image)}, found ${describeFound(next)}`, range);
  }

  /** The first token that starts after `offset` (binary search: the vector is sorted). */
  private tokenAfter(offset: number): IToken | undefined {
    let low = 0;
    let high = this.allTokens.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.allTokens[mid] as IToken).startOffset <= offset) low = mid + 1;
      else high = mid;
    }
    return this.allTokens[low];
  }
}

function isToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && (element as IToken).tokenType !== undefined;
}
