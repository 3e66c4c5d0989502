// parse(text, file): the front door of grammar/. It never throws: whatever the text (NUL
// bytes, lone surrogates, a BOM, CRLF, megabyte lines, random garbage), it returns the tree
// it could build and every problem found, as diagnostics with exact ranges.

import type { IRecognitionException, IToken } from 'chevrotain';
import { EOF, tokenMatcher } from 'chevrotain';
import type { Comment, PolicyFile, TopLevelItem } from './ast.js';
import { CstContext } from './cst-context.js';
import { buildFile } from './cst-to-ast.js';
import { SYNTAX, type Diagnostic } from './diagnostic.js';
import { lex, lexErrors } from './lexer.js';
import type { ParseState } from './messages.js';
import { getParser } from './parser.js';
import { LineIndex } from './positions.js';

export interface ParseResult {
  ast: PolicyFile;
  diagnostics: Diagnostic[];
}

/**
 * Large texts are parsed a run of top-level blocks at a time (about this many characters):
 * each run's tokens and concrete tree die young instead of all staying alive until the
 * end, which made the cost per line grow with the file (garbage collection copied them).
 * Small runs, so that they die in the young generation: with 64 KiB runs a run's tokens
 * outlived two scavenges and were promoted, and parsing a 55 MB policy peaked at 1 GB for
 * 420 MB of tree; with 2 KiB runs it peaks at 535 MB, and is faster.
 */
export const PARSE_CHUNK_CHARS = 2048;

export function parse(text: string, file: string, chunkChars = PARSE_CHUNK_CHARS): ParseResult {
  const source = typeof text === 'string' ? text : '';
  try {
    return parseText(source, file, chunkChars);
  } catch (error) {
    // A bug of ours must not take the editor or the CLI down with it: report it instead.
    const lines = new LineIndex(source);
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ast: { kind: 'File', items: [], comments: [], range: lines.range(0, source.length) },
      diagnostics: [
        {
          ruleId: SYNTAX,
          severity: 'error',
          message: `internal error while parsing (please report it): ${reason}`,
          file,
          range: lines.range(0, 0),
        },
      ],
    };
  }
}

function parseText(text: string, file: string, chunkChars: number): ParseResult {
  const lines = new LineIndex(text);
  if (text.length > chunkChars) {
    const ast = parseInChunks(text, file, lines, chunkChars);
    if (ast) return { ast, diagnostics: [] };
  }
  const lexed = lex(text);
  const ctx = new CstContext(file, lines, lexed.tokens);

  const lexerDiagnostics: Diagnostic[] = lexErrors(text, lexed).map((error) => ({
    ruleId: SYNTAX,
    severity: 'error',
    message: error.message,
    file,
    range: lines.range(error.offset, error.offset + error.length),
  }));

  const state: ParseState = { openBlocks: [], listEnds: new Set(), tokens: lexed.tokens, lineOf: (offset) => lines.lineOf(offset) };
  const parser = getParser();
  const cst = parser.parseTokens(lexed.tokens, state);
  const parserDiagnostics = parser.errors.map((error) => parserDiagnostic(error, lines, file));

  const comments: Comment[] = (lexed.groups['comments'] ?? []).map((token: IToken) => ({
    kind: 'Comment',
    text: token.image,
    range: lines.range(token.startOffset, token.startOffset + token.image.length),
  }));
  const ast = buildFile(ctx, cst, text.length, comments);

  // The CST→AST step's messages come first: where both report the same spot, its message is
  // the more specific one ("expected 'direct', 'smarthost HOST:PORT' or 'hold' after 'relay-to'").
  const diagnostics = [...lexerDiagnostics, ...ctx.diagnostics, ...dropCascades(parserDiagnostics)];
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { ast, diagnostics: dropSameSpotDuplicates(diagnostics) };
}

/**
 * The whole text, parsed in runs of top-level blocks; undefined when any run holds an error
 * (the caller then parses the text in one piece, so recovery and messages see all of it).
 * An error-free run parses exactly as it does within the whole text (see incremental.ts).
 */
function parseInChunks(text: string, file: string, lines: LineIndex, chunkChars: number): PolicyFile | undefined {
  const items: TopLevelItem[] = [];
  const comments: Comment[] = [];
  let from = 0;
  for (const to of [...topLevelCuts(text, chunkChars), text.length]) {
    const region = parseCleanRegion(text, file, lines, from, to);
    if (!region) return undefined;
    for (const item of region.items) items.push(item);
    for (const comment of region.comments) comments.push(comment);
    from = to;
  }
  return { kind: 'File', items, comments, range: lines.range(0, text.length) };
}

/**
 * Offsets just after a '}' that closes a top-level block, about `every` characters apart.
 * Braces inside comments and strings are skipped as the lexer reads them; where the text is
 * not what this scan assumes, a run has an error and the caller parses the whole text.
 */
function topLevelCuts(text: string, every: number): number[] {
  const cuts: number[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x23 /* # */) {
      while (i + 1 < text.length && !isLineBreak(text.charCodeAt(i + 1))) i++;
    } else if (code === 0x22 /* " */) {
      i++;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x22 || isLineBreak(c)) break;
        i += c === 0x5c /* \ */ && i + 1 < text.length && !isLineBreak(text.charCodeAt(i + 1)) ? 2 : 1;
      }
    } else if (code === 0x7b /* { */) {
      depth++;
    } else if (code === 0x7d /* } */) {
      depth--;
      if (depth === 0 && i + 1 - last >= every && i + 1 < text.length) {
        cuts.push(i + 1);
        last = i + 1;
      }
    }
  }
  return cuts;
}

function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/** The items and comments of a run of whole top-level items, or undefined when it holds any error. */
export interface CleanRegion {
  items: TopLevelItem[];
  comments: Comment[];
}

/**
 * Parses `text[from, to)`, a run of whole top-level items (and the blanks and comments
 * between them) of `text`, with ranges in `text`'s coordinates. The incremental parser
 * (incremental.ts) uses it for the part of a document an edit touched. Only an error-free
 * region is returned: where there is an error, recovery may reach across the region's ends,
 * so the caller parses the whole text instead.
 */
export function parseCleanRegion(text: string, file: string, lines: LineIndex, from: number, to: number): CleanRegion | undefined {
  const lexed = lex(from === 0 && to === text.length ? text : text.slice(from, to));
  if (lexed.errors.length > 0 || (lexed.groups['unexpected']?.length ?? 0) > 0) return undefined;
  const commentTokens = lexed.groups['comments'] ?? [];
  if (from !== 0) {
    for (const token of lexed.tokens) shiftToken(token, from);
    for (const token of commentTokens) shiftToken(token, from);
  }
  const ctx = new CstContext(file, lines, lexed.tokens);
  const state: ParseState = { openBlocks: [], listEnds: new Set(), tokens: lexed.tokens, lineOf: (offset) => lines.lineOf(offset) };
  const parser = getParser();
  const cst = parser.parseTokens(lexed.tokens, state);
  if (parser.errors.length > 0) return undefined;
  const comments: Comment[] = commentTokens.map((token: IToken) => ({
    kind: 'Comment',
    text: token.image,
    range: lines.range(token.startOffset, token.startOffset + token.image.length),
  }));
  const { items } = buildFile(ctx, cst, text.length, comments);
  return ctx.diagnostics.length > 0 ? undefined : { items, comments };
}

function shiftToken(token: IToken, by: number): void {
  token.startOffset += by;
  if (token.endOffset !== undefined) token.endOffset += by;
}

function parserDiagnostic(error: IRecognitionException, lines: LineIndex, file: string): Diagnostic {
  const token = error.token;
  const atEnd = !token || tokenMatcher(token, EOF) || !Number.isFinite(token.startOffset);
  return {
    ruleId: SYNTAX,
    severity: 'error',
    message: error.message,
    file,
    range: atEnd ? lines.endRange() : lines.range(token.startOffset, token.startOffset + token.image.length),
  };
}

/**
 * One syntax error per place: recovery can report the same token again from an enclosing
 * rule ("expected '}'" for the tls block, then for the server block). At the end of the file
 * each unclosed block is worth its own message, so those are kept.
 */
function dropCascades(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>();
  return diagnostics.filter((d) => {
    const offset = d.range.start.offset;
    const isUnclosedAtEnd = d.message.startsWith("expected '}' to close") && d.message.endsWith('found end of file');
    if (isUnclosedAtEnd) return true;
    if (seen.has(offset)) return false;
    seen.add(offset);
    return true;
  });
}

/** The CST→AST step may restate a parser error at the same spot; keep the first syntax message. */
function dropSameSpotDuplicates(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>();
  return diagnostics.filter((d) => {
    if (d.ruleId !== SYNTAX || d.message.startsWith("expected '}' to close")) return true;
    if (seen.has(d.range.start.offset)) return false;
    seen.add(d.range.start.offset);
    return true;
  });
}
