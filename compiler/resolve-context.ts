// Shared state of one resolution: where diagnostics go, how source locations and file
// paths are spelt in the config, and the index from `source` strings back to syntax.

import { dirname, resolve } from 'node:path';
import type { AnyNode, Keyword, Range, StringLiteral } from '../grammar/ast.js';
import { quote } from '../grammar/quote.js';
import type { Diagnostic, RelatedLocation } from '../grammar/diagnostic.js';
import { SEMANTIC } from '../grammar/diagnostic.js';
import type { Located } from './model.js';
import { configPath } from './paths.js';
import type { SourceFile } from './source-set.js';

export class ResolveContext {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * The node of each `source`; its file is found from the source's path (configFiles).
   * Nodes alone, not Located pairs: a 50 MB policy has millions of entries, and a pair per
   * entry cost as much memory as the entry's range.
   */
  private readonly nodesBySource = new Map<string, AnyNode>();
  // Every entry of a 100,000-line policy asks for its file's config path: work it out once.
  private readonly configPaths = new Map<string, string>();
  /** The other way: the file each config path names. */
  private readonly configFiles = new Map<string, SourceFile>();

  constructor(readonly baseDir: string) {}

  error(file: SourceFile, range: Range, message: string, related?: RelatedLocation[]): void {
    this.diagnostics.push({
      ruleId: SEMANTIC,
      severity: 'error',
      message,
      file: file.displayName,
      range,
      ...(related ? { related } : {}),
    });
  }

  /** "first declared here" style pointer for duplicate-name errors. */
  related(file: SourceFile, range: Range, message: string): RelatedLocation {
    return { file: file.displayName, range, message };
  }

  /** The `file:line:col` a config item carries, recorded so it can be mapped back to `node`. */
  source(file: SourceFile, node: AnyNode): string {
    const location = `${this.configPathOf(file)}:${node.range.start.line}:${node.range.start.column}`;
    if (!this.nodesBySource.has(location)) this.nodesBySource.set(location, node);
    return location;
  }

  /** The config path `file` is spelt with in `source` strings. */
  configPathOf(file: SourceFile): string {
    let path = this.configPaths.get(file.path);
    if (path === undefined) {
      path = configPath(file.path, this.baseDir);
      this.configPaths.set(file.path, path);
      this.configFiles.set(path, file);
    }
    return path;
  }

  /** Records a `source` made by an earlier check for `node` (which it gives again for this one). */
  adoptSource(file: SourceFile, node: AnyNode, source: string): void {
    this.configPathOf(file);
    if (!this.nodesBySource.has(source)) this.nodesBySource.set(source, node);
  }

  /**
   * A path written in `file`, as the config spells it (relative to the base directory). No
   * file system takes a NUL in a path: it is an error here, at the string, rather than a
   * config the runtime refuses (or a path cut short at the NUL by some layer below).
   */
  path(file: SourceFile, literal: StringLiteral): string {
    if (literal.value.includes('\0')) this.error(file, literal.range, `a file path cannot contain a NUL character: ${quote(literal.value)}`);
    return configPath(resolve(dirname(file.path), literal.value), this.baseDir);
  }

  nodeAt(source: string | null): Located | undefined {
    const node = source === null ? undefined : this.nodesBySource.get(source);
    if (node === undefined) return undefined;
    // `path:line:column`: the path is all before the last two colons
    const path = source!.slice(0, source!.lastIndexOf(':', source!.lastIndexOf(':') - 1));
    const file = this.configFiles.get(path);
    return file && { node, file };
  }
}

/** Reports every node after the first as a duplicate; returns the first (or undefined). */
export function single<T extends AnyNode & { keyword: Keyword }>(
  ctx: ResolveContext,
  file: SourceFile,
  nodes: T[],
  what: string,
): T | undefined {
  const [first, ...rest] = nodes;
  for (const extra of rest) {
    ctx.error(
      file,
      extra.keyword.range,
      `${what} is already set at line ${first!.range.start.line}; write it once`,
      [ctx.related(file, first!.range, `first ${what} here`)],
    );
  }
  return first;
}
