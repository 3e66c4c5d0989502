// Loads a policy's entry file and everything it includes, parsing each file once.
//
// Includes are resolved relative to the including file. A missing file, an unreadable file
// and an include cycle are reported at the `include` that caused them, never thrown: the
// rest of the policy still gets checked, so one run shows every problem.

import { readRegularFile } from './regular-file.js';
import { decodeUtf8, type DecodedText, type InvalidUtf8 } from './utf8-text.js';
import { dirname, resolve } from 'node:path';
import { LineIndex, parse, type ParseResult } from '../grammar/index.js';
import type { PolicyFile } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { SEMANTIC, SYNTAX } from '../grammar/diagnostic.js';
import { displayPath } from './paths.js';

export interface SourceFile {
  /** Absolute path: the identity of the file. */
  path: string;
  /** How diagnostics name the file: relative to the working directory when inside it. */
  displayName: string;
  text: string;
  ast: PolicyFile;
}

export interface SourceSet {
  /** The entry first, then included files in the order they were first included. */
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

/**
 * Reads a file's text; tests and the language server pass their own (open editor buffers).
 * A reader that decodes bytes itself returns DecodedText, so invalid UTF-8 is still reported.
 */
export type ReadText = (absolutePath: string) => Promise<string | DecodedText>;

/** Policy files, includes and the files they name are small: anything larger is refused. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Reads a regular file's UTF-8 text, with the places where its bytes were not UTF-8. */
export async function readDecodedFromDisk(path: string): Promise<DecodedText> {
  return decodeUtf8(await readRegularFile(path, MAX_FILE_BYTES));
}

export const readTextFromDisk: ReadText = async (path) => (await readDecodedFromDisk(path)).text;

/**
 * Includes nest at most this deep (gcc's limit for #include is 200): a deeper chain is a
 * mistake or a generated attack, and is reported at the include that goes past it.
 */
export const MAX_INCLUDE_DEPTH = 100;

/** At most this many invalid-UTF-8 diagnostics per file (a binary file has thousands). */
const MAX_INVALID_UTF8_REPORTS = 20;

/** Syntax errors, one per invalid sequence (capped), as lint reports them and fmt too. */
export function invalidUtf8Diagnostics(text: string, invalid: InvalidUtf8[], file: string): Diagnostic[] {
  if (invalid.length === 0) return [];
  const lines = new LineIndex(text);
  const shown = invalid.slice(0, MAX_INVALID_UTF8_REPORTS);
  return shown.map((at, i) => {
    const bytes = at.bytes.map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
    const more = i === shown.length - 1 && invalid.length > shown.length ? ` (and ${invalid.length - shown.length} more invalid sequences in this file)` : '';
    return {
      ruleId: SYNTAX,
      severity: 'error' as const,
      message: `invalid UTF-8: ${bytes} ${at.bytes.length === 1 ? 'is' : 'are'} not UTF-8 text; policy files must be saved as UTF-8${more}`,
      file,
      range: lines.range(at.offset, at.offset + 1),
    };
  });
}

/** Parses one file's text; the language server passes one that reuses its previous parse. */
export type ParseText = (text: string, displayName: string, path: string) => ParseResult;

export interface LoadOptions {
  cwd: string;
  readText?: ReadText;
  /** Default: grammar's parse(). Must give what parse() gives. */
  parseText?: ParseText;
}

/** Thrown only when the entry itself cannot be read: there is nothing to check then. */
export class EntryNotReadableError extends Error {
  constructor(
    readonly path: string,
    readonly reason: unknown,
  ) {
    super(`cannot read ${path}: ${describeIoError(reason)}`);
  }
}

export async function loadSourceSet(entry: string, options: LoadOptions): Promise<SourceSet> {
  // Text from disk is checked for invalid UTF-8; text handed over as a string (editor buffers) is text already.
  const custom = options.readText;
  const readText = custom
    ? async (path: string): Promise<DecodedText> => {
        const read = await custom(path);
        return typeof read === 'string' ? { text: read, invalid: [] } : read;
      }
    : readDecodedFromDisk;
  const entryPath = resolve(options.cwd, entry);
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const loaded = new Map<string, SourceFile>();
  const parseText: ParseText = options.parseText ?? ((text, displayName) => parse(text, displayName));

  let entryText: DecodedText;
  try {
    entryText = await readText(entryPath);
  } catch (error) {
    throw new EntryNotReadableError(entry, error);
  }

  // Depth-first, so that `stack` is exactly the chain of includes that led here: a file
  // already on the stack is a cycle; one loaded before through another path is merely shared.
  const visit = async (path: string, decoded: DecodedText, stack: string[]): Promise<void> => {
    const displayName = displayPath(path, options.cwd);
    const text = decoded.text;
    const { ast, diagnostics: parseDiagnostics } = parseText(text, displayName, path);
    const file: SourceFile = { path, displayName, text, ast };
    loaded.set(path, file);
    files.push(file);
    diagnostics.push(...invalidUtf8Diagnostics(text, decoded.invalid, displayName), ...parseDiagnostics);

    for (const item of ast.items) {
      if (item.kind !== 'Include' || !item.path) continue;
      const target = resolve(dirname(path), item.path.value);
      const at = { file: displayName, range: item.path.range };
      if (stack.includes(target) || target === path) {
        const chain = [...stack, path, target].map((p) => displayPath(p, options.cwd)).join(' → ');
        diagnostics.push({
          ruleId: SEMANTIC,
          severity: 'error',
          message: `include cycle: ${chain}`,
          ...at,
        });
        continue;
      }
      if (loaded.has(target)) continue;
      if (stack.length + 1 >= MAX_INCLUDE_DEPTH) {
        diagnostics.push({
          ruleId: SEMANTIC,
          severity: 'error',
          message: `includes nest deeper than ${MAX_INCLUDE_DEPTH} files (the limit): '${item.path.value}' is not read; include the files from fewer levels`,
          ...at,
        });
        continue;
      }
      let includedText: DecodedText;
      try {
        includedText = await readText(target);
      } catch (error) {
        diagnostics.push({
          ruleId: SEMANTIC,
          severity: 'error',
          message: `cannot include '${item.path.value}': ${describeIoError(error)} (looked for ${displayPath(target, options.cwd)})`,
          ...at,
        });
        continue;
      }
      await visit(target, includedText, [...stack, path]);
    }
  };

  await visit(entryPath, entryText, []);
  return { files, diagnostics };
}

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTREG':
      return 'not a regular file (a device, a FIFO or a socket)';
    case 'EFBIG':
      return `larger than ${MAX_FILE_BYTES} bytes`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
