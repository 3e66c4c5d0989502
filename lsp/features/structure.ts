// The shape of a document for the editor: where blocks and comment runs fold, and how a
// selection grows from a word to its setting, its block and the file (Expand Selection).

import { FoldingRangeKind, type FoldingRange, type SelectionRange } from 'vscode-languageserver';
import { forEachNode, nodesAt, type PolicyFile } from '../../grammar/index.js';
import { isEntryBlock, isSettingsBlock } from '../../format/format.js';
import { toLspRange } from '../convert.js';

/** Blocks that span lines fold to their first line, keeping the closing `}` in view; so do runs of comment lines. */
export function foldingRanges(file: PolicyFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  forEachNode(file, (node) => {
    if (!isSettingsBlock(node) && !isEntryBlock(node)) return;
    const startLine = node.range.start.line - 1;
    const endLine = node.range.end.line - 2; // the line before the one with `}`
    if (endLine > startLine) ranges.push({ startLine, endLine });
  });
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) ranges.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const comment of file.comments) {
    const line = comment.range.start.line - 1;
    if (run && line === run.end + 1) run.end = line;
    else {
      flush();
      run = { start: line, end: line };
    }
  }
  flush();
  return ranges.sort((a, b) => a.startLine - b.startLine);
}

/** For each offset: the innermost node around it, then each wider one, out to the whole file. */
export function selectionRanges(file: PolicyFile, offsets: readonly number[]): SelectionRange[] {
  return offsets.map((offset) => {
    // nodesAt gives the outermost node first: each narrower one gets the wider as its parent.
    let selection: SelectionRange | undefined;
    let last = '';
    for (const node of nodesAt(file, offset)) {
      const range = toLspRange(node.range);
      const key = JSON.stringify(range);
      if (key === last) continue; // a node as wide as its parent adds no step
      last = key;
      selection = selection ? { range, parent: selection } : { range };
    }
    return selection ?? { range: toLspRange(file.range) };
  });
}
