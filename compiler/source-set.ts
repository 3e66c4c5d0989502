// Loads a policy's entry file and everything it includes, parsing each file once.
//
// Includes are resolved relative to the including file. A missing file, an unreadable file
// and an include cycle are reported at the `include` that caused them, never thrown: the
// rest of the policy still gets checked, so one run shows every problem.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from '../grammar/index.js';
import type { PolicyFile } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { SEMANTIC } from '../grammar/diagnostic.js';
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

/** Reads a file's text; tests and the language server pass their own (open editor buffers). */
export type ReadText = (absolutePath: string) => Promise<string>;

export const readTextFromDisk: ReadText = (path) => readFile(path, 'utf8');

export interface LoadOptions {
  cwd: string;
  readText?: ReadText;
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
  const readText = options.readText ?? readTextFromDisk;
  const entryPath = resolve(options.cwd, entry);
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const loaded = new Map<string, SourceFile>();

  let entryText: string;
  try {
    entryText = await readText(entryPath);
  } catch (error) {
    throw new EntryNotReadableError(entry, error);
  }

  // Depth-first, so that `stack` is exactly the chain of includes that led here: a file
  // already on the stack is a cycle; one loaded before through another path is merely shared.
  const visit = async (path: string, text: string, stack: string[]): Promise<void> => {
    const displayName = displayPath(path, options.cwd);
    const { ast, diagnostics: parseDiagnostics } = parse(text, displayName);
    const file: SourceFile = { path, displayName, text, ast };
    loaded.set(path, file);
    files.push(file);
    diagnostics.push(...parseDiagnostics);

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
      let includedText: string;
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
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
