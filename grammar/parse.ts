// parse(text, file): the front door of grammar/. It never throws: whatever the text (NUL
// bytes, lone surrogates, a BOM, CRLF, megabyte lines, random garbage), it returns the tree
// it could build and every problem found, as diagnostics with exact ranges.

import type { IRecognitionException, IToken } from 'chevrotain';
import { EOF, tokenMatcher } from 'chevrotain';
import type { Comment, PolicyFile } from './ast.js';
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

export function parse(text: string, file: string): ParseResult {
  const source = typeof text === 'string' ? text : '';
  try {
    return parseText(source, file);
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

function parseText(text: string, file: string): ParseResult {
  const lines = new LineIndex(text);
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
  // the more specific one ("expected 'smarthost HOST:PORT' or 'hold' after 'relay-to'").
  const diagnostics = [...lexerDiagnostics, ...ctx.diagnostics, ...dropCascades(parserDiagnostics)];
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { ast, diagnostics: dropSameSpotDuplicates(diagnostics) };
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
