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
   * The node of each `source`, by config path and line: the first node recorded at each line
   * (most lines hold one item's source). Not a map keyed by the source strings: a 50 MB
   * policy has millions of entries, and a map entry per source cost more than the source.
   */
  private readonly nodesByLine = new Map<string, NodesByLine>();
  /** Sources whose node is not the one nodesByLine holds for its line (another column). */
  private readonly otherNodes = new Map<string, AnyNode>();
  // Every entry of a 100,000-line policy asks for its file's config path: work it out once.
  private readonly configPaths = new Map<string, string>();
  /** The other way: the file each config path names. */
  private readonly configFiles = new Map<string, SourceFile>();
  /** Per config path, the blocks whose sources are recorded when first asked for (recordLater). */
  private readonly unrecorded = new Map<string, UnrecordedBlock[]>();

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
    // join, not a template: one flat string per item. A template makes a rope of several
    // concatenations, and anything that flattens it (hashing, output) adds a copy while the
    // item still holds the rope: two or three strings per entry for the config's lifetime.
    const path = this.configPathOf(file);
    const { line, column } = node.range.start;
    const location = [path, line, column].join(':');
    this.record(file, path, line, column, node, location);
    return location;
  }

  /**
   * Records `node` for nodeAt under the `source` its item spells when read (entry-item.ts),
   * without making that string unless this line already has a node (see record).
   */
  recordSource(file: SourceFile, node: AnyNode): void {
    const path = this.configPathOf(file);
    const { line, column } = node.range.start;
    this.record(file, path, line, column, node, undefined);
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
    const path = this.configPathOf(file);
    const { line, column } = parseSource(source);
    this.record(file, path, line, column, node, source);
  }

  /**
   * Records `node` as the node of `source` (`path:line:column`) unless one already is.
   * `source` undefined: spelt from `path`, `line` and `column` only if needed; the common
   * case (the first node at its line, no other source recorded off the lines) never is.
   */
  private record(file: SourceFile, path: string, line: number, column: number, node: AnyNode, source: string | undefined): void {
    let byLine = this.nodesByLine.get(path);
    if (byLine === undefined) {
      byLine = { first: new Int32Array(file.ast.range.end.line + 1), nodes: [] };
      this.nodesByLine.set(path, byLine);
    }
    const slot = line < byLine.first.length ? byLine.first[line]! : -1;
    const startsThere = node.range.start.line === line && node.range.start.column === column;
    if (slot === 0 && startsThere && (this.otherNodes.size === 0 || !this.otherNodes.has((source ??= [path, line, column].join(':'))))) {
      byLine.nodes.push(node);
      byLine.first[line] = byLine.nodes.length;
      return;
    }
    if (slot > 0 && startsAt(byLine.nodes[slot - 1]!, line, column)) return; // recorded before
    source ??= [path, line, column].join(':');
    if (!this.otherNodes.has(source)) this.otherNodes.set(source, node);
  }

  private recorded(path: string, line: number, column: number, source: string): AnyNode | undefined {
    const byLine = this.nodesByLine.get(path);
    const slot = byLine && line < byLine.first.length ? byLine.first[line]! : 0;
    if (slot > 0 && startsAt(byLine!.nodes[slot - 1]!, line, column)) return byLine!.nodes[slot - 1];
    return this.otherNodes.get(source);
  }

  /**
   * `record` adopts the sources of the nodes inside `block` (with adoptSource), and runs only
   * when nodeAt is asked for a source in the block's lines. The editor takes over the items of
   * every unchanged list from its last check, and recording all their entries again on each
   * keystroke cost more than the rest of resolving; lint asks for a few lists' entries only.
   * Only sources of nodes inside `block` may be recorded this way: no other node records a
   * source there, so the order of recording cannot change which node a source names.
   */
  recordLater(file: SourceFile, block: AnyNode, record: () => void): void {
    const path = this.configPathOf(file);
    const blocks = this.unrecorded.get(path);
    const unrecorded = { firstLine: block.range.start.line, lastLine: block.range.end.line, record };
    if (blocks) blocks.push(unrecorded);
    else this.unrecorded.set(path, [unrecorded]);
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
    if (source === null) return undefined;
    const { path, line, column } = parseSource(source);
    const node = this.recorded(path, line, column, source) ?? this.recordBlocksAt(path, line, column, source);
    if (node === undefined) return undefined;
    const file = this.configFiles.get(path);
    return file && { node, file };
  }

  /** Records the blocks of recordLater that hold `line` of `path`, until one of them names `source`. */
  private recordBlocksAt(path: string, line: number, column: number, source: string): AnyNode | undefined {
    const blocks = this.unrecorded.get(path);
    if (!blocks) return undefined;
    for (let i = 0; i < blocks.length; ) {
      const block = blocks[i]!;
      if (line < block.firstLine || line > block.lastLine) {
        i++;
        continue;
      }
      blocks.splice(i, 1);
      block.record();
      const node = this.recorded(path, line, column, source);
      if (node !== undefined) return node;
    }
    return undefined;
  }
}

/** The nodes recorded for one config path: first[line] is 1 + the index in nodes of the first node recorded at that line, 0 for none. */
interface NodesByLine {
  first: Int32Array;
  nodes: AnyNode[];
}

function startsAt(node: AnyNode, line: number, column: number): boolean {
  return node.range.start.line === line && node.range.start.column === column;
}

/** `path:line:column`: the path is all before the last two colons. */
function parseSource(source: string): { path: string; line: number; column: number } {
  const lineEnd = source.lastIndexOf(':');
  const pathEnd = source.lastIndexOf(':', lineEnd - 1);
  return { path: source.slice(0, pathEnd), line: Number(source.slice(pathEnd + 1, lineEnd)), column: Number(source.slice(lineEnd + 1)) };
}

interface UnrecordedBlock {
  firstLine: number;
  lastLine: number;
  record: () => void;
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
